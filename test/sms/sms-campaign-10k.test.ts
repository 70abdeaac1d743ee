import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Worker } from '@temporalio/worker';
import { smsCampaigns } from '../../db/queries/sms';
import { SIM_API_KEY, SIM_USERNAME } from '../../simulators/africastalking/defaults';
import { startAfricasTalkingSimulator, type AfricasTalkingSimulator } from '../../simulators/africastalking/server';
import { CORE_TASK_QUEUE } from '../../temporal/task-queues';
import { createCoreWorker } from '../../workers/core-worker';
import { campaignProgressQuery, pauseCampaignSignal, resumeCampaignSignal, smsCampaign, smsCampaignWorkflowId } from '../../workflows/sms-campaign';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { devServerEnvironment, type DevServerTestEnvironment } from '../support/temporal';
import { waitFor } from '../support/wait';
import { createTenant } from './support';

// The issue's own figure: about 3.5 minutes of real time (10,000 messages at 50/s). It runs in every
// `npm test`, beside the other files, because exactly-once across a worker restart is the point.
const N = 10_000;

let db: TestDatabase;
let temporal: DevServerTestEnvironment;
let sim: AfricasTalkingSimulator;
let worker: Worker | undefined;
let running: Promise<void> | undefined;

async function startWorker() {
  worker = await createCoreWorker({ connection: temporal.env.nativeConnection, namespace: temporal.namespace, sql: db.sql, sms: { username: SIM_USERNAME, apiKey: SIM_API_KEY, baseUrl: sim.url } });
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
  sim = await startAfricasTalkingSimulator({ dlrUrl: null, balanceKes: 100_000 });
});
after(async () => {
  await stopWorker();
  await temporal?.env.teardown();
  await sim?.stop();
  await db?.drop();
});

test(`${N} recipients at 50/s, paused midway, worker stopped and replaced, resumed: everyone exactly once`, { timeout: 600_000 }, async () => {
  const { tenantId } = await createTenant(db.sql);
  await db.sql`
    insert into customers (tenant_id, account_number, first_name, last_name, phone, status)
    select ${tenantId}, 'BK' || lpad(i::text, 6, '0'), 'Mteja' || i, 'Bulk', '2547' || lpad(i::text, 8, '0'), 'active'
    from generate_series(1, ${N}) as i`;
  const campaign = await smsCampaigns.create(db.sql, { tenantId, name: 'Big one', body: 'Habari {{name}} ({{account}})', language: 'sw', audienceStatuses: ['active'], createdBy: null });
  await startWorker();
  const started = Date.now();
  const handle = await temporal.env.client.workflow.start(smsCampaign, {
    taskQueue: CORE_TASK_QUEUE,
    workflowId: smsCampaignWorkflowId(tenantId, campaign.id),
    args: [{ tenantId, campaignId: campaign.id, body: campaign.body, language: 'sw', statuses: ['active'], ratePerSecond: 50, concurrency: 10, pageSize: 100, pagesPerRun: 20 }],
  });
  await waitFor(() => sim.messages().length >= N / 2, 300_000, 'half sent');
  await handle.signal(pauseCampaignSignal);
  await waitFor(async () => (await handle.query(campaignProgressQuery)).status === 'paused', 60_000, 'paused');
  await stopWorker();
  const atPause = sim.messages().length;
  await startWorker();
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(sim.messages().length, atPause, 'a new worker does not send while paused');
  await handle.signal(resumeCampaignSignal);
  const result = await handle.result();
  const wallSeconds = (Date.now() - started) / 1000;

  const numbers = sim.messages().map((m) => m.number);
  assert.equal(numbers.length, N);
  assert.equal(new Set(numbers).size, N, 'nobody twice');
  assert.equal(result.processed, N);
  assert.ok(result.run >= 4, `continued as new (${result.run} runs)`);
  const history = await handle.fetchHistory();
  assert.ok((history.events?.length ?? 0) < 1000, `the last run's history stays small (${history.events?.length} events)`);
  process.stdout.write(`# ${N} messages in ${wallSeconds.toFixed(1)} s wall (${(N / wallSeconds).toFixed(1)} msg/s including the pause), ${result.run + 1} runs\n`);
});
