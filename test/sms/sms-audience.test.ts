import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Worker } from '@temporalio/worker';
import { campaignAudience, type CampaignAudience } from '../../db/queries/sms-audience';
import { smsCampaigns } from '../../db/queries/sms';
import { SIM_API_KEY, SIM_USERNAME } from '../../simulators/africastalking/defaults';
import { startAfricasTalkingSimulator, type AfricasTalkingSimulator } from '../../simulators/africastalking/server';
import { CORE_TASK_QUEUE } from '../../temporal/task-queues';
import type { StaffContext } from '../../web/app/auth/guard.server';
import { formDataFrom, readAudience } from '../../web/app/sms/audience.server';
import { createCoreWorker } from '../../workers/core-worker';
import { smsCampaign, smsCampaignWorkflowId } from '../../workflows/sms-campaign';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { devServerEnvironment, type DevServerTestEnvironment } from '../support/temporal';
import { createTenant } from './support';

let db: TestDatabase;
const DAY = 86_400_000;

before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db?.drop();
});

let n = 0;
const uniq = () => `${process.pid}x${++n}`;

/** One ISP with two packages, three routers on two sites, two resellers and customers wired to them. */
async function world() {
  const { tenantId, customers } = await createTenant(db.sql, { customers: 10 });
  const sql = db.sql;
  const pkg = async (name: string) =>
    (await sql<{ id: string }[]>`
      insert into packages (tenant_id, kind, name, download_kbps, upload_kbps, price_cents, validity_unit, validity_count)
      values (${tenantId}, 'pppoe', ${name}, 10000, 5000, 250000, 'month', 1) returning id`)[0]!.id;
  const router = async (name: string, site: string) =>
    (await sql<{ id: string }[]>`
      insert into routers (tenant_id, name, host, username, password_enc, site) values (${tenantId}, ${name}, '127.0.0.1', 'api', 'x', ${site}) returning id`)[0]!.id;
  const reseller = async (name: string) =>
    (await sql<{ id: string }[]>`
      insert into staff (tenant_id, email, name, password_hash, role) values (${tenantId}, ${`${name.toLowerCase()}-${uniq()}@isp.test`}, ${name}, '$argon2id$x', 'reseller') returning id`)[0]!.id;
  const p5 = await pkg('5 Mbps');
  const p10 = await pkg('10 Mbps');
  const kahawa = await router('Kahawa Core', 'Kahawa');
  const kahawa2 = await router('Kahawa West', 'Kahawa');
  const roysambu = await router('Roysambu Tower', 'Roysambu');
  const r1 = await reseller('Achieng');
  const r2 = await reseller('Kamau');
  const now = Date.now();
  const sub = async (i: number, packageId: string, routerId: string | null, expiresInDays: number | null, status = 'active') => {
    await sql`
      insert into subscriptions (tenant_id, customer_id, package_id, router_id, service_username, service_password_enc, status, expires_at)
      values (${tenantId}, ${customers[i]!.id}, ${packageId}, ${routerId}, ${`u${uniq()}`}, 'x', ${status},
        ${expiresInDays === null ? null : new Date(now + expiresInDays * DAY)})`;
  };
  // c0: 10 Mbps at Kahawa Core, expires in 1 day.      c1: 10 Mbps at Roysambu, expires in 2.5 days.
  // c2: 5 Mbps at Kahawa West, expires in 5 days.       c3: 5 Mbps at Roysambu, expired yesterday.
  // c4: 10 Mbps at Roysambu (cancelled) + 5 Mbps at Kahawa Core, expires in 20 days.
  // c5: 5 Mbps, no router, expires in 2 days.           c6–c9: no subscription.
  await sub(0, p10, kahawa, 1);
  await sub(1, p10, roysambu, 2.5);
  await sub(2, p5, kahawa2, 5);
  await sub(3, p5, roysambu, -1, 'expired');
  await sub(4, p10, roysambu, 3, 'cancelled');
  await sub(4, p5, kahawa, 20);
  await sub(5, p5, null, 2);
  // Resellers: c0, c2, c6 are Achieng's; c1, c7 Kamau's. c8 is suspended.
  await sql`update customers set reseller_id = ${r1} where id in ${sql([0, 2, 6].map((i) => customers[i]!.id))}`;
  await sql`update customers set reseller_id = ${r2} where id in ${sql([1, 7].map((i) => customers[i]!.id))}`;
  await sql`update customers set status = 'suspended' where id = ${customers[8]!.id}`;
  const idx = (ids: string[]) => ids.map((id) => customers.findIndex((c) => c.id === id)).sort((a, b) => a - b);
  return { tenantId, customers, p5, p10, kahawa, kahawa2, roysambu, r1, r2, idx };
}

test('each filter selects exactly the right customers, and filters on subscriptions hold for one subscription', async () => {
  const w = await world();
  const other = await world(); // another ISP with the same shapes: never in this one's audience
  const scope = { tenantId: w.tenantId };
  const who = async (a: Partial<CampaignAudience>, s: { tenantId: string; resellerId?: string | null } = scope) =>
    w.idx((await campaignAudience.page(db.sql, s, { statuses: ['active'], ...a }, { afterCustomerId: null, limit: 100 })).map((r) => r.customerId));

  assert.deepEqual(await who({}), [0, 1, 2, 3, 4, 5, 6, 7, 9], 'status only: every active customer of this ISP');
  assert.deepEqual(await who({ statuses: ['suspended'] }), [8]);
  assert.deepEqual(await who({ packageId: w.p10 }), [0, 1], 'a cancelled subscription does not count');
  assert.deepEqual(await who({ packageId: w.p5 }), [2, 3, 4, 5]);
  assert.deepEqual(await who({ routerId: w.roysambu }), [1, 3]);
  assert.deepEqual(await who({ site: 'Kahawa' }), [0, 2, 4]);
  assert.deepEqual(await who({ packageId: w.p10, site: 'Kahawa' }), [0]);
  assert.deepEqual(await who({ packageId: w.p10, routerId: w.kahawa }), [0], 'c4 has 10 Mbps (cancelled) and Kahawa Core on different lines');
  assert.deepEqual(await who({ expiringWithinDays: 3 }), [0, 1, 5], 'expired and later ones are out');
  assert.deepEqual(await who({ expiringWithinDays: 7, packageId: w.p5 }), [2, 5]);
  assert.deepEqual(await who({ resellerId: w.r1 }), [0, 2, 6]);
  assert.deepEqual(await who({ resellerId: w.r1, expiringWithinDays: 3 }), [0]);

  // Reseller scope: Achieng sees only hers, whatever the filter names.
  const achieng = { tenantId: w.tenantId, resellerId: w.r1 };
  assert.deepEqual(await who({}, achieng), [0, 2, 6]);
  assert.deepEqual(await who({ resellerId: w.r2 }, achieng), [], "another reseller's customers are never reachable");
  assert.deepEqual(await who({ packageId: w.p10 }, achieng), [0]);
  // Another ISP's package id matches nothing here.
  assert.deepEqual(await who({ packageId: other.p10 }), []);

  // Counts agree with the pages, opt-outs counted apart.
  await db.sql`update customers set marketing_opt_out = true, marketing_opt_out_at = now() where id = ${w.customers[1]!.id}`;
  assert.deepEqual(await campaignAudience.count(db.sql, scope, { statuses: ['active'], packageId: w.p10 }), { matching: 2, optedOut: 1, recipients: 1 });
});

test('the compose form: ids of another ISP are refused, and a reseller is confined to their own customers', async () => {
  const w = await world();
  const other = await world();
  const me = (resellerId: string | null) => ({ tenant: { id: w.tenantId }, scope: { tenantId: w.tenantId, resellerId } }) as unknown as StaffContext;
  const form = (q: Record<string, string>) => formDataFrom(new URLSearchParams({ statuses: 'active', ...q }));

  const foreign = await readAudience(db.sql, me(null), form({ packageId: other.p10, routerId: other.kahawa, resellerId: other.r1 }));
  assert.deepEqual(foreign, { ok: false, errors: { packageId: 'Choose a package from the list', routerId: 'Choose a router from the list', resellerId: 'Choose a reseller from the list' } });
  const bad = await readAudience(db.sql, me(null), form({ expiringWithinDays: '0', packageId: 'nope' }));
  assert.equal(bad.ok, false);
  assert.match(JSON.stringify(bad), /at least 1/);
  assert.match(JSON.stringify(bad), /Choose a package/);

  const mine = await readAudience(db.sql, me(w.r1), form({}));
  assert.ok(mine.ok);
  assert.equal(mine.audience.resellerId, w.r1, "a reseller's audience always names them");
  const theirs = await readAudience(db.sql, me(w.r1), form({ resellerId: w.r2 }));
  assert.deepEqual(theirs, { ok: false, errors: { resellerId: 'You can only message your own customers' } });
});

test('the preview count is exactly the number of customers the campaign messages', async () => {
  const w = await world();
  await db.sql`update customers set marketing_opt_out = true, marketing_opt_out_at = now() where id = ${w.customers[5]!.id}`;
  const audience: CampaignAudience = { statuses: ['active'], expiringWithinDays: 3 };
  const preview = await campaignAudience.count(db.sql, { tenantId: w.tenantId }, audience);
  assert.deepEqual(preview, { matching: 3, optedOut: 1, recipients: 2 });

  const sim: AfricasTalkingSimulator = await startAfricasTalkingSimulator({ dlrUrl: null });
  const temporal: DevServerTestEnvironment = await devServerEnvironment();
  let worker: Worker | undefined;
  try {
    worker = await createCoreWorker({ connection: temporal.env.nativeConnection, namespace: temporal.namespace, sql: db.sql, sms: { username: SIM_USERNAME, apiKey: SIM_API_KEY, baseUrl: sim.url } });
    const campaign = await smsCampaigns.create(db.sql, { tenantId: w.tenantId, name: 'Renew', body: 'Hi {{name}}, renew {{account}} today.', language: 'en', audienceStatuses: ['active'], audience: { expiringWithinDays: 3 }, createdBy: null });
    const progress = await worker.runUntil(
      temporal.env.client.workflow.execute(smsCampaign, {
        taskQueue: CORE_TASK_QUEUE,
        workflowId: smsCampaignWorkflowId(w.tenantId, campaign.id),
        args: [{ tenantId: w.tenantId, campaignId: campaign.id, body: campaign.body, language: 'en', statuses: ['active'], audience, ratePerSecond: 50, pageSize: 1, quietHours: { startMinute: 0, endMinute: 0 } }],
      }),
    );
    assert.equal(progress.total, preview.matching);
    assert.equal(progress.sent, preview.recipients);
    assert.equal(sim.messages().length, preview.recipients);
    const phones = sim.messages().map((m) => m.number).sort();
    assert.deepEqual(phones, [0, 1].map((i) => `+${w.customers[i]!.phone}`).sort());
    assert.equal((await smsCampaigns.get(db.sql, w.tenantId, campaign.id))?.audienceCount, preview.matching);
  } finally {
    await temporal.env.teardown();
    await sim.stop();
  }
});
