import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Worker } from '@temporalio/worker';
import { createSmsActivities } from '../../activities/sms/activities';
import { createAfricasTalkingGateway } from '../../activities/sms/africastalking';
import { DEFAULT_TEMPLATES, renderTemplate, TEMPLATE_VARIABLES } from '../../activities/sms/templates';
import { campaignMessageKey, smsCampaigns, smsQueries } from '../../db/queries/sms';
import { SIM_API_KEY, SIM_USERNAME } from '../../simulators/africastalking/defaults';
import { startAfricasTalkingSimulator, type AfricasTalkingSimulator } from '../../simulators/africastalking/server';
import { CORE_TASK_QUEUE } from '../../temporal/task-queues';
import { createCoreWorker } from '../../workers/core-worker';
import { smsCampaign, smsCampaignWorkflowId } from '../../workflows/sms-campaign';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { devServerEnvironment, type DevServerTestEnvironment } from '../support/temporal';
import { createTenant, runActivity } from './support';

let sim: AfricasTalkingSimulator;
let db: TestDatabase;
let temporal: DevServerTestEnvironment;
let worker: Worker | undefined;
let running: Promise<void> | undefined;

before(async () => {
  sim = await startAfricasTalkingSimulator({ dlrUrl: null });
  db = await createTestDatabase();
  temporal = await devServerEnvironment();
});
after(async () => {
  worker?.shutdown();
  await running;
  await temporal?.env.teardown();
  await sim?.stop();
  await db?.drop();
});

const activities = () => createSmsActivities({ sql: db.sql, gateway: createAfricasTalkingGateway({ username: SIM_USERNAME, apiKey: SIM_API_KEY, baseUrl: sim.url }) });
const inbox = (phone: string) => sim.messages().filter((m) => m.number === `+${phone}`).map((m) => m.text);

test('a customer whose language is sw gets the Swahili template with their data', async () => {
  const { tenantId, customers } = await createTenant(db.sql, { customers: 2 });
  const [sw, en] = customers as [{ id: string; phone: string }, { id: string; phone: string }];
  await db.sql`update customers set language = 'sw' where id = ${sw.id}`;
  const params = { name: 'Wanjiku1', amount: '2,500', account: 'MT00001', receipt: 'SLK4H7Q2ZP', expiry: '24 Dec 2026' };
  const acts = activities();

  // sendSms without a language: the customer's.
  const viaSend = await runActivity(acts.sendSms, { tenantId, customerId: sw.id, phone: sw.phone, template: 'payment_received', params, idempotencyKey: 'pay:sw:1' });
  assert.equal(viaSend.failure, undefined);
  const swahili = renderTemplate(DEFAULT_TEMPLATES.payment_received.sw, params, TEMPLATE_VARIABLES.payment_received);
  assert.equal(swahili, 'Mpendwa Wanjiku1, tumepokea KES 2,500 kwa akaunti MT00001 (M-Pesa SLK4H7Q2ZP). Intaneti yako iko hai hadi 24 Dec 2026. Asante.');
  assert.deepEqual(inbox(sw.phone), [swahili]);

  // notify: phone and language always from the customer; a tenant's own Swahili text wins over the default.
  await db.sql`insert into sms_templates (tenant_id, key, language, body) values (${tenantId}, 'reconnected', 'sw', 'Hongera {{name}}! Uko hewani kwa {{package}} hadi {{expiry}}.')`;
  const reconnect = await runActivity(acts.notify, { tenantId, customerId: sw.id, template: 'reconnected', params: { name: 'Wanjiku1', package: '10 Mbps', expiry: '1 Jan 2027' }, idempotencyKey: 'reconnect:sw:1' });
  assert.equal(reconnect.value?.outcome, 'sent');
  assert.equal(inbox(sw.phone).at(-1), 'Hongera Wanjiku1! Uko hewani kwa 10 Mbps hadi 1 Jan 2027.');

  const english = await runActivity(acts.notify, { tenantId, customerId: en.id, template: 'reconnected', language: 'sw', params: { name: 'Wanjiku2', package: '10 Mbps', expiry: '1 Jan 2027' }, idempotencyKey: 'reconnect:en:1' });
  assert.equal(english.value?.outcome, 'sent');
  assert.deepEqual(inbox(en.phone), ['Dear Wanjiku2, you are back online on 10 Mbps until 1 Jan 2027. Karibu tena!']);
});

test('notify: a non-urgent message in quiet hours is deferred to 07:00 EAT; urgent ones and daytime go now; a retry never resends', async () => {
  const { tenantId, customers } = await createTenant(db.sql, { customers: 1 });
  const c = customers[0]!;
  const acts = activities();
  const params = { name: 'Wanjiku1', days: 3, amount: '2,500', paybill: '174379', account: 'MT00001', package: '10 Mbps', expiry: '24 Nov 2026' };
  const night = await runActivity(acts.notify, { tenantId, customerId: c.id, template: 'expiry_reminder', params, idempotencyKey: 'expiry:1', now: '2026-11-21T19:30:00Z' });
  assert.deepEqual(night.value, { outcome: 'deferred', deferUntil: '2026-11-22T04:00:00.000Z' });
  assert.equal(await smsQueries.byIdempotencyKey(db.sql, 'expiry:1'), undefined, 'nothing logged for a deferral');
  assert.deepEqual(inbox(c.phone), []);

  const urgent = await runActivity(acts.notify, { tenantId, customerId: c.id, template: 'suspended', params: { name: 'Wanjiku1', amount: '2,500', paybill: '174379', account: 'MT00001' }, idempotencyKey: 'susp:1', now: '2026-11-21T19:30:00Z' });
  assert.equal(urgent.value?.outcome, 'sent', 'suspension is urgent: sent at night');

  const morning = await runActivity(acts.notify, { tenantId, customerId: c.id, template: 'expiry_reminder', params, idempotencyKey: 'expiry:1', now: '2026-11-22T04:00:00Z' });
  assert.equal(morning.value?.outcome, 'sent');
  const again = await runActivity(acts.notify, { tenantId, customerId: c.id, template: 'expiry_reminder', params, idempotencyKey: 'expiry:1', now: '2026-11-22T20:00:00Z' });
  assert.equal(again.value?.outcome, 'sent');
  assert.equal(again.value?.outcome === 'sent' && again.value.sentNow, false, 'already sent under this key');
  assert.equal(inbox(c.phone).length, 2);
});

test('opted-out customers are skipped by a campaign (counted) but still get transactional messages', async () => {
  const { tenantId, customers } = await createTenant(db.sql, { customers: 6 });
  const out = customers.slice(0, 2);
  await db.sql`update customers set marketing_opt_out = true, marketing_opt_out_at = now() where id in ${db.sql(out.map((c) => c.id))}`;
  const campaign = await smsCampaigns.create(db.sql, { tenantId, name: 'Offer', body: 'Habari {{name}}, ofa ya Desemba!', language: 'sw', audienceStatuses: ['active'], createdBy: null });

  worker = await createCoreWorker({ connection: temporal.env.nativeConnection, namespace: temporal.namespace, sql: db.sql, sms: { username: SIM_USERNAME, apiKey: SIM_API_KEY, baseUrl: sim.url } });
  running = worker.run();
  const progress = await temporal.env.client.workflow.execute(smsCampaign, {
    taskQueue: CORE_TASK_QUEUE,
    workflowId: smsCampaignWorkflowId(tenantId, campaign.id),
    // An empty quiet window: this test must not depend on the time of day it runs.
    args: [{ tenantId, campaignId: campaign.id, body: campaign.body, language: 'sw', statuses: ['active'], ratePerSecond: 50, pageSize: 4, quietHours: { startMinute: 0, endMinute: 0 } }],
  });
  assert.equal(progress.status, 'done');
  assert.equal(progress.sent, 4);
  assert.equal(progress.skipped, 2);
  assert.equal(progress.optedOut, 2);
  for (const c of out) {
    assert.deepEqual(inbox(c.phone), [], 'opted out: no campaign message');
    assert.equal(await smsQueries.byIdempotencyKey(db.sql, campaignMessageKey(campaign.id, c.id)), undefined);
  }
  for (const c of customers.slice(2)) assert.equal(inbox(c.phone).length, 1);
  assert.deepEqual(await smsQueries.campaignStats(db.sql, campaign.id), { queued: 0, sent: 4, delivered: 0, failed: 0, rejected: 0 });

  const acts = activities();
  const marketing = await runActivity(acts.notify, { tenantId, customerId: out[0]!.id, template: 'voucher', marketing: true, params: { code: 'V1', package: '1 day', amount: 50, expiry: 'tomorrow' }, idempotencyKey: 'promo:1' });
  assert.deepEqual(marketing.value, { outcome: 'skipped', reason: 'opted_out' });
  const receipt = await runActivity(acts.notify, { tenantId, customerId: out[0]!.id, template: 'payment_received', params: { name: 'Wanjiku1', amount: '2,500', account: 'MT1', receipt: 'R1', expiry: '1 Jan' }, idempotencyKey: 'pay:optout:1' });
  assert.equal(receipt.value?.outcome, 'sent');
  assert.equal(inbox(out[0]!.phone).length, 1, 'the transactional message reaches an opted-out customer');
});
