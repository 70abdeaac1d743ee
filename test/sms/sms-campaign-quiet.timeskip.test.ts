import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { smsCampaigns } from '../../db/queries/sms';
import { SIM_API_KEY, SIM_USERNAME } from '../../simulators/africastalking/defaults';
import { startAfricasTalkingSimulator, type AfricasTalkingSimulator } from '../../simulators/africastalking/server';
import { CORE_TASK_QUEUE } from '../../temporal/task-queues';
import { createCoreWorker } from '../../workers/core-worker';
import { campaignProgressQuery, smsCampaign, smsCampaignWorkflowId } from '../../workflows/sms-campaign';
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

test('a campaign started in quiet hours sleeps (workflow time) until the window opens, then sends', async () => {
  const { tenantId, customers } = await createTenant(db.sql, { customers: 5 });
  const campaign = await smsCampaigns.create(db.sql, { tenantId, name: 'Night owl', body: 'Habari {{name}}', language: 'sw', audienceStatuses: ['active'], createdBy: null });
  // A quiet window around the server's "now" (Nairobi minutes), ending two hours later.
  const serverStart = await env.currentTimeMs();
  const minute = Math.floor(((serverStart + 3 * 3_600_000) % 86_400_000) / 60_000);
  const quietHours = { startMinute: (minute + 1440 - 30) % 1440, endMinute: (minute + 120) % 1440 };

  const worker = await createCoreWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', sql: db.sql, sms: { username: SIM_USERNAME, apiKey: SIM_API_KEY, baseUrl: sim.url } });
  const wallStart = Date.now();
  const progress = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(smsCampaign, {
      taskQueue: CORE_TASK_QUEUE,
      workflowId: smsCampaignWorkflowId(tenantId, campaign.id),
      args: [{ tenantId, campaignId: campaign.id, body: campaign.body, language: 'sw', statuses: ['active'], ratePerSecond: 50, quietHours }],
    });
    await waitFor(async () => (await handle.query(campaignProgressQuery)).status === 'quiet_hours', 20_000, 'waiting out quiet hours');
    const during = await handle.query(campaignProgressQuery);
    assert.ok(during.quietUntil && Date.parse(during.quietUntil) > serverStart, `quiet until ${during.quietUntil}`);
    assert.equal(sim.messages().length, 0, 'nothing sent in quiet hours');
    return handle.result();
  });
  const skippedMs = (await env.currentTimeMs()) - serverStart;
  assert.equal(progress.status, 'done');
  assert.equal(progress.sent, customers.length);
  assert.equal(sim.messages().length, customers.length);
  assert.ok(skippedMs >= 119 * 60_000, `server time moved ${Math.round(skippedMs / 60_000)} min`);
  assert.ok(Date.now() - wallStart < 60_000, 'real time stays short');
});
