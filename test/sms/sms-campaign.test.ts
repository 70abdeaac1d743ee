import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Worker } from '@temporalio/worker';
import { smsCampaigns } from '../../db/queries/sms';
import { SIM_API_KEY, SIM_USERNAME } from '../../simulators/africastalking/defaults';
import { startAfricasTalkingSimulator, type AfricasTalkingSimulator } from '../../simulators/africastalking/server';
import { CORE_TASK_QUEUE } from '../../temporal/task-queues';
import { createCoreWorker } from '../../workers/core-worker';
import { campaignProgressQuery, cancelCampaignSignal, pauseCampaignSignal, resumeCampaignSignal, smsCampaign, smsCampaignWorkflowId } from '../../workflows/sms-campaign';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { devServerEnvironment, type DevServerTestEnvironment } from '../support/temporal';
import { waitFor } from '../support/wait';
import { createTenant } from './support';

let db: TestDatabase;
let temporal: DevServerTestEnvironment;
let sim: AfricasTalkingSimulator;
let worker: Worker | undefined;
let running: Promise<void> | undefined;

async function startWorker(identity: string) {
  worker = await createCoreWorker({
    connection: temporal.env.nativeConnection,
    namespace: temporal.namespace,
    sql: db.sql,
    identity,
    sms: { username: SIM_USERNAME, apiKey: SIM_API_KEY, baseUrl: sim.url },
  });
  running = worker.run();
}
async function stopWorker() {
  worker?.shutdown();
  await running;
  worker = undefined;
}

before(async () => {
  db = await createTestDatabase();
  temporal = await devServerEnvironment();
  sim = await startAfricasTalkingSimulator({ dlrUrl: null });
});
after(async () => {
  await stopWorker();
  await temporal?.env.teardown();
  await sim?.stop();
  await db?.drop();
});

test('a campaign reaches exactly its audience once across a worker restart, pause and resume', async () => {
  const { tenantId, customers } = await createTenant(db.sql, { customers: 60, status: 'active' });
  const others = await createTenant(db.sql, { customers: 3, status: 'suspended' });
  // Suspended customers of *another* tenant and of this one stay out of the audience.
  const [suspended] = await db.sql<{ id: string; phone: string }[]>`
    insert into customers (tenant_id, account_number, first_name, last_name, phone, status)
    values (${tenantId}, 'MT99999', 'Baraka', 'Out', '254799000001', 'suspended') returning id, phone`;
  const campaign = await smsCampaigns.create(db.sql, { tenantId, name: 'Holiday offer', body: 'Habari {{name}}! Account {{account}}: 20% off in December.', language: 'sw', audienceStatuses: ['active'], createdBy: null });

  await startWorker('sms-worker-1');
  const started = Date.now();
  const handle = await temporal.env.client.workflow.start(smsCampaign, {
    taskQueue: CORE_TASK_QUEUE,
    workflowId: smsCampaignWorkflowId(tenantId, campaign.id),
    args: [{ tenantId, campaignId: campaign.id, body: campaign.body, language: 'sw', statuses: ['active'], ratePerSecond: 20, concurrency: 4, pageSize: 10, pagesPerRun: 2 }],
  });

  await waitFor(() => sim.messages().length >= 15, 20_000, 'a quarter of the campaign sent');
  await stopWorker(); // mid-campaign: the page in flight is cut short
  const atStop = sim.messages().length;
  assert.ok(atStop < 60, `stopped midway (${atStop} sent)`);
  await startWorker('sms-worker-2');

  await waitFor(() => sim.messages().length >= 35, 20_000, 'the new worker carries on');
  await handle.signal(pauseCampaignSignal);
  await waitFor(async () => (await handle.query(campaignProgressQuery)).status === 'paused', 20_000, 'paused');
  await waitFor(async () => (await smsCampaigns.get(db.sql, tenantId, campaign.id))?.status === 'paused', 30_000, 'paused in the database');
  const whilePaused = sim.messages().length;
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(sim.messages().length, whilePaused, 'nothing is sent while paused');
  assert.ok(whilePaused < 60, 'paused before the end');

  await handle.signal(resumeCampaignSignal);
  const result = await handle.result();
  const wallMs = Date.now() - started;

  const sent = sim.messages();
  const perNumber = new Map<string, number>();
  for (const m of sent) perNumber.set(m.number, (perNumber.get(m.number) ?? 0) + 1);
  assert.equal(sent.length, 60, `exactly 60 messages (wall time ${wallMs} ms)`);
  assert.deepEqual([...perNumber.keys()].sort(), customers.map((c) => `+${c.phone}`).sort(), 'every active customer, nobody else');
  assert.ok([...perNumber.values()].every((n) => n === 1), 'nobody twice');
  assert.ok(!perNumber.has(`+${suspended!.phone}`) && others.customers.every((c) => !perNumber.has(`+${c.phone}`)));
  assert.match(sent[0]!.text, /^Habari Wanjiku\d+! Account MT\d+: 20% off in December\.$/);

  assert.equal(result.status, 'done');
  assert.equal(result.total, 60);
  assert.equal(result.processed, 60);
  assert.equal(result.sent + result.failed + result.skipped, 60);
  assert.ok(result.run >= 2, 'continued as new along the way');
  const row = await smsCampaigns.get(db.sql, tenantId, campaign.id);
  assert.equal(row?.status, 'done');
  assert.equal(row?.sentCount, 60);
  assert.equal(row?.audienceCount, 60);
  assert.ok(row?.finishedAt);
});

test('cancel stops a campaign between pages and records it as cancelled', async () => {
  const { tenantId } = await createTenant(db.sql, { customers: 30, status: 'installation' });
  const campaign = await smsCampaigns.create(db.sql, { tenantId, name: 'Install week', body: 'Hello {{name}}', language: 'en', audienceStatuses: ['installation'], createdBy: null });
  if (!worker) await startWorker('sms-worker-3');
  const before = sim.messages().length;
  const handle = await temporal.env.client.workflow.start(smsCampaign, {
    taskQueue: CORE_TASK_QUEUE,
    workflowId: smsCampaignWorkflowId(tenantId, campaign.id),
    args: [{ tenantId, campaignId: campaign.id, body: campaign.body, language: 'en', statuses: ['installation'], ratePerSecond: 10, concurrency: 2, pageSize: 5 }],
  });
  await waitFor(() => sim.messages().length - before >= 5, 20_000, 'first page sent');
  await handle.signal(cancelCampaignSignal);
  const result = await handle.result();
  assert.equal(result.status, 'cancelled');
  const sent = sim.messages().length - before;
  assert.ok(sent < 30 && sent === result.sent, `stopped early (${sent} sent)`);
  const row = await smsCampaigns.get(db.sql, tenantId, campaign.id);
  assert.equal(row?.status, 'cancelled');
  assert.equal(row?.sentCount, sent);
});
