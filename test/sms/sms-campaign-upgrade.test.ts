import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { Worker } from '@temporalio/worker';
import { createSmsActivities } from '../../activities/sms/activities';
import { createAfricasTalkingGateway } from '../../activities/sms/africastalking';
import { smsCampaigns } from '../../db/queries/sms';
import { SIM_API_KEY, SIM_USERNAME } from '../../simulators/africastalking/defaults';
import { startAfricasTalkingSimulator, type AfricasTalkingSimulator } from '../../simulators/africastalking/server';
import { CORE_TASK_QUEUE } from '../../temporal/task-queues';
import { createCoreWorker, WORKFLOWS_PATH } from '../../workers/core-worker';
import { campaignProgressQuery, pauseCampaignSignal, resumeCampaignSignal, smsCampaign, smsCampaignWorkflowId } from '../../workflows/sms-campaign';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { devServerEnvironment, type DevServerTestEnvironment } from '../support/temporal';
import { waitFor } from '../support/wait';
import { createTenant } from './support';

const V1 = fileURLToPath(new URL('../fixtures/workflows/sms-campaign-v1.ts', import.meta.url));

let db: TestDatabase;
let temporal: DevServerTestEnvironment;
let sim: AfricasTalkingSimulator;

before(async () => {
  db = await createTestDatabase();
  temporal = await devServerEnvironment();
  sim = await startAfricasTalkingSimulator({ dlrUrl: null });
});
after(async () => {
  await temporal?.env.teardown();
  await sim?.stop();
  await db?.drop();
});

test('a campaign started on the code before audience filters and scheduling finishes on today’s code, everyone once', async () => {
  const { tenantId, customers } = await createTenant(db.sql, { customers: 12 });
  const campaign = await smsCampaigns.create(db.sql, { tenantId, name: 'Deploy', body: 'Hi {{name}}', language: 'en', audienceStatuses: ['active'], createdBy: null });
  const sms = { username: SIM_USERNAME, apiKey: SIM_API_KEY, baseUrl: sim.url };
  const old = await Worker.create({
    connection: temporal.env.nativeConnection,
    namespace: temporal.namespace,
    taskQueue: CORE_TASK_QUEUE,
    workflowsPath: V1,
    activities: createSmsActivities({ sql: db.sql, gateway: createAfricasTalkingGateway(sms) }),
  });
  const handle = await old.runUntil(async () => {
    const h = await temporal.env.client.workflow.start(smsCampaign, {
      taskQueue: CORE_TASK_QUEUE,
      workflowId: smsCampaignWorkflowId(tenantId, campaign.id),
      args: [{ tenantId, campaignId: campaign.id, body: campaign.body, language: 'en', statuses: ['active'], ratePerSecond: 20, pageSize: 3, quietHours: { startMinute: 0, endMinute: 0 } }],
    });
    await waitFor(() => sim.messages().length >= 3, 30_000, 'the old code sends a page');
    await h.signal(pauseCampaignSignal);
    await waitFor(async () => (await h.query(campaignProgressQuery)).status === 'paused', 30_000, 'paused on the old code');
    return h;
  });
  const sentByOld = sim.messages().length;
  assert.ok(sentByOld < customers.length, `the old code stopped midway (${sentByOld})`);

  // What a deploy does: today's worker picks up the live history (replaying the old code's events) and goes on.
  await Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH }, await handle.fetchHistory(), handle.workflowId);
  const current = await createCoreWorker({ connection: temporal.env.nativeConnection, namespace: temporal.namespace, sql: db.sql, sms });
  const progress = await current.runUntil(async () => {
    await handle.signal(resumeCampaignSignal);
    return handle.result();
  });
  assert.equal(progress.status, 'done');
  assert.equal(progress.processed, customers.length);
  assert.equal(sim.messages().length, customers.length);
  assert.equal(new Set(sim.messages().map((m) => m.number)).size, customers.length, 'nobody twice');
});
