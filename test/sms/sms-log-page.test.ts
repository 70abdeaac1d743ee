import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { smsCampaigns } from '../../db/queries/sms';
import { demoEmail } from '../../db/seed';
import { startBackOffice, Visitor, type BackOffice } from '../support/backoffice';

let office: BackOffice;
let campaignId: string;

const rowsOf = (body: string) => (body.match(/data-testid="sms-log-row"/g) ?? []).length;
const totalOf = (body: string) => Number(/data-testid="sms-log-total"[^>]*>(\d+)/.exec(body)?.[1] ?? NaN);

before(async () => {
  office = await startBackOffice();
  const { sql } = office.db;
  const tenantId = office.tenantId;
  const campaign = await smsCampaigns.create(sql, { tenantId, name: 'December offer', body: 'Hi {{name}}', language: 'en', audienceStatuses: ['active'], createdBy: null });
  campaignId = campaign.id;
  await sql`update sms_campaigns set status = 'done' where id = ${campaignId}`;
  const history = (status: string) => sql.json([{ event: 'queued', status: 'queued', at: '2026-11-20T06:00:00Z' }, { event: status === 'delivered' ? 'dlr' : status, status, at: '2026-11-20T06:00:01Z', providerStatus: 'Success' }] as never);
  // created_at in UTC; the Nairobi date is 3 h ahead: 2026-11-19T22:30Z is 20 Nov 01:30 EAT.
  const rows: [string, string, string, string][] = [
    ['campaign:' + campaignId + ':a', '254711000001', 'delivered', '2026-11-19T22:30:00Z'],
    ['campaign:' + campaignId + ':b', '254711000002', 'failed', '2026-11-20T10:00:00Z'],
    ['campaign:' + campaignId + ':c', '254711000003', 'sent', '2026-11-20T20:59:00Z'],
    ['payment:1', '254722000004', 'delivered', '2026-11-20T21:00:00Z'],
    ['payment:2', '254722000005', 'queued', '2026-11-18T08:00:00Z'],
  ];
  for (const [key, phone, status, at] of rows) {
    await sql`
      insert into sms_logs (tenant_id, idempotency_key, phone, message, status, failure_reason, status_history, created_at)
      values (${tenantId}, ${key}, ${phone}, ${`message ${key}`}, ${status}, ${status === 'failed' ? 'DeliveryFailure' : null}, ${history(status)}, ${at})`;
  }
});
after(async () => {
  await office?.close();
});

test('the SMS log filters by status, phone, Nairobi dates and campaign, and shows each timeline', async () => {
  const visitor = new Visitor(office.app);
  await visitor.signIn(demoEmail('support'));
  const all = await visitor.get('/dashboard/sms/log');
  assert.equal(all.statusCode, 200);
  assert.equal(totalOf(all.body), 5);
  assert.match(all.body, /DeliveryFailure/);
  assert.match(all.body, /<ol class="timeline">/);

  assert.equal(totalOf((await visitor.get('/dashboard/sms/log?status=delivered')).body), 2);
  assert.equal(totalOf((await visitor.get('/dashboard/sms/log?phone=0722')).body), 2);
  assert.equal(totalOf((await visitor.get('/dashboard/sms/log?phone=%2B254711000002')).body), 1);
  assert.equal(totalOf((await visitor.get(`/dashboard/sms/log?campaign=${campaignId}`)).body), 3);
  assert.equal(totalOf((await visitor.get(`/dashboard/sms/log?campaign=${campaignId}&status=failed`)).body), 1);
  // 20 Nov in Nairobi: 19 Nov 21:00Z up to 20 Nov 21:00Z (exclusive): a, b, c — not payment:1 (00:00 EAT on the 21st).
  const day = await visitor.get('/dashboard/sms/log?from=2026-11-20&to=2026-11-20');
  assert.equal(totalOf(day.body), 3);
  assert.equal(rowsOf(day.body), 3);
  assert.equal(totalOf((await visitor.get('/dashboard/sms/log?from=2026-11-21')).body), 1);
  assert.equal(totalOf((await visitor.get('/dashboard/sms/log?to=2026-11-18')).body), 1);
  // Nonsense filters are dropped, not errors.
  const junk = await visitor.get('/dashboard/sms/log?status=exploded&from=yesterday&campaign=nope');
  assert.equal(junk.statusCode, 200);
  assert.equal(totalOf(junk.body), 5);
});

test('the campaign page shows delivery statistics from sms_logs', async () => {
  const visitor = new Visitor(office.app);
  await visitor.signIn(demoEmail('support'));
  const page = await visitor.get(`/dashboard/sms/${campaignId}`);
  assert.equal(page.statusCode, 200);
  const delivery = /data-testid="campaign-delivery"[^>]*>(.*?)<a /.exec(page.body)?.[1]?.replace(/<!-- -->/g, '');
  assert.equal(delivery, '0 queued, 1 sent, 1 delivered, 1 failed ');
});
