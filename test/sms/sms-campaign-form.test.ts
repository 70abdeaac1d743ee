import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { smsCampaigns } from '../../db/queries/sms';
import { demoEmail } from '../../db/seed';
import { toNairobiLocal } from '../../domain/nairobi-time';
import { startBackOffice, Visitor, type BackOffice } from '../support/backoffice';

// The compose page on the demo seed; Temporal is out of reach here, so a started campaign stays a draft.
let bo: BackOffice;
before(async () => {
  bo = await startBackOffice();
});
after(async () => {
  await bo?.close();
});

const optionValue = (html: string, select: string, label: string) =>
  new RegExp(`<select[^>]*name="${select}"[\\s\\S]*?<option value="([^"]+)">${label}</option>`).exec(html)?.[1];

test('Preview audience (no JS) and the live count agree with the database, filters included', async () => {
  const visitor = new Visitor(bo.app);
  await visitor.signIn(demoEmail('support'));
  const page = await visitor.get('/dashboard/sms/new');
  assert.equal(page.statusCode, 200);
  const pkg = optionValue(page.body, 'packageId', 'Home 10 Mbps');
  assert.ok(pkg, 'the package picker lists the demo packages');

  const [expected] = await bo.db.sql<{ matching: number; optedOut: number }[]>`
    select count(*)::int as matching, count(*) filter (where c.marketing_opt_out)::int as "optedOut" from customers c
    where c.tenant_id = ${bo.tenantId} and c.status = 'active' and exists (
      select 1 from subscriptions s where s.customer_id = c.id and s.package_id = ${pkg} and s.status <> 'cancelled'
        and s.expires_at > now() and s.expires_at <= now() + interval '14 days')`;
  assert.ok(expected!.matching > 0, 'the demo has such customers');

  // Without JS: the button posts the form and the page comes back with the count and the typed values.
  const res = await visitor.submit('/dashboard/sms/new', { intent: 'preview', statuses: 'active', packageId: pkg, expiringWithinDays: '14', name: 'Draft name' });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, new RegExp(`data-recipients="${expected!.matching - expected!.optedOut}"`));
  assert.match(res.body, /value="Draft name"/);

  // With JS: the fetcher's GET.
  const live = await visitor.get(`/dashboard/sms/audience?statuses=active&packageId=${pkg}&expiringWithinDays=14`);
  assert.equal(live.statusCode, 200);
  assert.deepEqual(JSON.parse(live.body).count, { matching: expected!.matching, optedOut: expected!.optedOut, recipients: expected!.matching - expected!.optedOut });

  const bad = await visitor.get('/dashboard/sms/audience?statuses=active&expiringWithinDays=abc');
  assert.equal(bad.statusCode, 400);
  assert.deepEqual(JSON.parse(bad.body).errors, { expiringWithinDays: 'Number of days must be a number' });
  const unknown = await visitor.get('/dashboard/sms/audience?statuses=active&routerId=00000000-0000-4000-8000-000000000000');
  assert.deepEqual(JSON.parse(unknown.body).errors, { routerId: 'Choose a router from the list' });
  const sales = new Visitor(bo.app);
  await sales.signIn(demoEmail('sales'));
  assert.equal((await sales.get('/dashboard/sms/audience?statuses=active')).statusCode, 403);
});

test('a start time is read as Nairobi time and stored in UTC; a past one is refused with the reason', async () => {
  const visitor = new Visitor(bo.app);
  await visitor.signIn(demoEmail('admin'));
  const tomorrow = new Date(Date.now() + 86_400_000);
  const local = toNairobiLocal(tomorrow); // e.g. 2026-11-22T10:15 on the Nairobi clock
  const res = await visitor.submit('/dashboard/sms/new', { name: 'Tomorrow', statuses: 'active', language: 'en', body: 'Hi {{name}}', startAt: local, site: 'Kahawa West' });
  assert.equal(res.statusCode, 302);
  const id = /\/dashboard\/sms\/([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
  const campaign = await smsCampaigns.get(bo.db.sql, bo.tenantId, id);
  assert.equal(campaign?.scheduledAt?.toISOString(), new Date(`${local}:00+03:00`).toISOString());
  assert.equal(campaign?.audienceSite, 'Kahawa West');
  const detail = await visitor.get(`/dashboard/sms/${id}`);
  assert.match(detail.body, /Scheduled start/);
  assert.match(detail.body, /at Kahawa West/);

  const past = await visitor.submit('/dashboard/sms/new', { name: 'Yesterday', statuses: 'active', language: 'en', body: 'Hi', startAt: toNairobiLocal(new Date(Date.now() - 3_600_000)) });
  assert.equal(past.statusCode, 400);
  assert.match(past.body, /That time has passed/);
});
