import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { smsCampaigns } from '../../db/queries/sms';
import { SIM_API_KEY, SIM_USERNAME } from '../../simulators/africastalking/defaults';
import { startAfricasTalkingSimulator, type AfricasTalkingSimulator } from '../../simulators/africastalking/server';
import { CORE_TASK_QUEUE } from '../../temporal/task-queues';
import { createCoreWorker } from '../../workers/core-worker';
import { campaignProgressQuery, cancelCampaignSignal, smsCampaign, smsCampaignWorkflowId } from '../../workflows/sms-campaign';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { timeSkippingEnvironment } from '../support/temporal';
import { waitFor } from '../support/wait';
import { createTenant } from './support';

let db: TestDatabase;
let env: TestWorkflowEnvironment;
let sim: AfricasTalkingSimulator;

before(async () => {
  db = await createTestDatabase();
  env = await timeSkippingEnvironment();
  sim = await startAfricasTalkingSimulator({ dlrUrl: null });
});
after(async () => {
  await env?.teardown();
  await sim?.stop();
  await db?.drop();
});

const worker = (): Promise<Worker> =>
  createCoreWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', sql: db.sql, sms: { username: SIM_USERNAME, apiKey: SIM_API_KEY, baseUrl: sim.url } });
const inbox = (phones: string[]) => sim.messages().filter((m) => phones.includes(m.number.slice(1)));

test('a scheduled campaign sends nothing before its start time and everything after it', async () => {
  const { tenantId, customers } = await createTenant(db.sql, { customers: 4 });
  const phones = customers.map((c) => c.phone);
  const serverStart = await env.currentTimeMs();
  const startAt = new Date(serverStart + 3 * 3_600_000).toISOString();
  const campaign = await smsCampaigns.create(db.sql, { tenantId, name: 'Later', body: 'Habari {{name}}', language: 'sw', audienceStatuses: ['active'], scheduledAt: new Date(startAt), createdBy: null });

  const w = await worker();
  const progress = await w.runUntil(async () => {
    const handle = await env.client.workflow.start(smsCampaign, {
      taskQueue: CORE_TASK_QUEUE,
      workflowId: smsCampaignWorkflowId(tenantId, campaign.id),
      args: [{ tenantId, campaignId: campaign.id, body: campaign.body, language: 'sw', statuses: ['active'], startAt, ratePerSecond: 50 }],
    });
    await waitFor(async () => (await handle.query(campaignProgressQuery)).status === 'scheduled', 30_000, 'scheduled');
    assert.equal((await handle.query(campaignProgressQuery)).startAt, startAt, 'the state says when it starts');
    await waitFor(async () => (await smsCampaigns.get(db.sql, tenantId, campaign.id))?.status === 'scheduled', 30_000, 'scheduled in the database');

    // Two of the three hours pass: still waiting, nothing sent.
    await env.sleep('2 hours');
    assert.equal((await handle.query(campaignProgressQuery)).status, 'scheduled');
    assert.deepEqual(inbox(phones), [], 'nothing before the start time');
    return handle.result();
  });
  const finishedAt = await env.currentTimeMs();
  assert.equal(progress.status, 'done');
  assert.equal(progress.sent, customers.length);
  assert.equal(inbox(phones).length, customers.length);
  assert.ok(finishedAt >= Date.parse(startAt), `finished at ${new Date(finishedAt).toISOString()}, after ${startAt}`);
  const row = await smsCampaigns.get(db.sql, tenantId, campaign.id);
  assert.equal(row?.status, 'done');
  assert.equal(row?.sentCount, customers.length);
});

test('a scheduled campaign cancelled before its start never sends', async () => {
  const { tenantId, customers } = await createTenant(db.sql, { customers: 3 });
  const startAt = new Date((await env.currentTimeMs()) + 24 * 3_600_000).toISOString();
  const campaign = await smsCampaigns.create(db.sql, { tenantId, name: 'Never', body: 'Hello {{name}}', language: 'en', audienceStatuses: ['active'], scheduledAt: new Date(startAt), createdBy: null });

  const w = await worker();
  const progress = await w.runUntil(async () => {
    const handle = await env.client.workflow.start(smsCampaign, {
      taskQueue: CORE_TASK_QUEUE,
      workflowId: smsCampaignWorkflowId(tenantId, campaign.id),
      args: [{ tenantId, campaignId: campaign.id, body: campaign.body, language: 'en', statuses: ['active'], startAt }],
    });
    await waitFor(async () => (await handle.query(campaignProgressQuery)).status === 'scheduled', 30_000, 'scheduled');
    await handle.signal(cancelCampaignSignal);
    return handle.result();
  });
  assert.equal(progress.status, 'cancelled');
  assert.equal(progress.sent, 0);
  assert.deepEqual(inbox(customers.map((c) => c.phone)), []);
  assert.equal((await smsCampaigns.get(db.sql, tenantId, campaign.id))?.status, 'cancelled');
});
