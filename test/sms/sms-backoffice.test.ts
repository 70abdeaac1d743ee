import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../config/logger';
import { smsCampaigns } from '../../db/queries/sms';
import { tenants } from '../../db/queries/tenants';
import { demoEmail, seedDemo } from '../../db/seed';
import { SIM_API_KEY, SIM_USERNAME } from '../../simulators/africastalking/defaults';
import { startAfricasTalkingSimulator, type AfricasTalkingSimulator } from '../../simulators/africastalking/server';
import { createTemporalClient, type TemporalClient } from '../../temporal/client';
import { buildApp } from '../../web/server/app';
import { createCoreWorker } from '../../workers/core-worker';
import { Visitor } from '../support/backoffice';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { devServerEnvironment, type DevServerTestEnvironment } from '../support/temporal';
import { waitFor } from '../support/wait';
import { testSecrets } from '../support/web';

let db: TestDatabase;
let temporal: DevServerTestEnvironment;
let client: TemporalClient;
let app: FastifyInstance;
let sim: AfricasTalkingSimulator;
let worker: Worker;
let running: Promise<void>;
let tenantId: string;

before(async () => {
  db = await createTestDatabase();
  await seedDemo(db.sql, { encryptionKey: testSecrets.encryptionKey });
  tenantId = (await tenants.bySlug(db.sql, 'demo'))!.id;
  temporal = await devServerEnvironment();
  sim = await startAfricasTalkingSimulator({ dlrUrl: null });
  client = createTemporalClient(temporal.address, temporal.namespace);
  app = await buildApp({ sql: db.sql, temporal: client, log: createLogger('web', 'silent'), remix: 'build', secrets: testSecrets });
  worker = await createCoreWorker({ connection: temporal.env.nativeConnection, namespace: temporal.namespace, sql: db.sql, sms: { username: SIM_USERNAME, apiKey: SIM_API_KEY, baseUrl: sim.url } });
  running = worker.run();
});
after(async () => {
  worker?.shutdown();
  await running;
  await app?.close();
  await client?.connection.close();
  await temporal?.env.teardown();
  await sim?.stop();
  await db?.drop();
});

test('support composes a campaign: the workflow sends to the audience once, the page shows progress, the audit log has it', async () => {
  const visitor = new Visitor(app);
  await visitor.signIn(demoEmail('support'));
  const page = await visitor.get('/dashboard/sms/new');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /id="body-count"[^>]*>0<!-- --> characters · <!-- -->0<!-- --> SMS · <!-- -->GSM-7/);

  const [counted] = await db.sql<{ n: number }[]>`select count(*)::int as n from customers where tenant_id = ${tenantId} and status = 'suspended'`;
  const audience = counted!.n;
  assert.ok(audience > 0, 'the demo has suspended customers');
  const res = await visitor.submit('/dashboard/sms/new', { name: 'Come back', statuses: 'suspended', language: 'en', body: 'Hi {{name}}, pay for {{account}} and get a free week.' });
  assert.equal(res.statusCode, 302);
  const campaignId = /\/dashboard\/sms\/([0-9a-f-]{36})$/.exec(String(res.headers.location))?.[1];
  assert.ok(campaignId, String(res.headers.location));

  await waitFor(async () => (await smsCampaigns.get(db.sql, tenantId, campaignId))?.status === 'done', 30_000, 'campaign done');
  assert.equal(sim.messages().length, audience);
  assert.equal(new Set(sim.messages().map((m) => m.number)).size, audience);
  const detail = await visitor.get(`/dashboard/sms/${campaignId}`);
  assert.equal(detail.statusCode, 200);
  assert.match(detail.body, new RegExp(`${audience} sent, 0 failed`));
  const list = await visitor.get('/dashboard/sms');
  assert.match(list.body, /Come back/);
  const [entry] = await db.sql`select action from audit_log where entity_id = ${campaignId}::text and action = 'sms_campaign.start'`;
  assert.ok(entry, 'audited');
});

test('an unknown placeholder, or no audience, is refused on the form with the reason', async () => {
  const visitor = new Visitor(app);
  await visitor.signIn(demoEmail('support'));
  const bad = await visitor.submit('/dashboard/sms/new', { name: 'Typo', statuses: 'active', language: 'sw', body: 'Habari {{jina}}' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /unknown placeholder \{\{jina\}\}/);
  const none = await visitor.submit('/dashboard/sms/new', { name: 'Nobody', language: 'en', body: 'Hello' });
  assert.equal(none.statusCode, 400);
  assert.match(none.body, /Pick at least one customer status/);
});

test('a form without its CSRF token is refused, and sales may not send SMS', async () => {
  const visitor = new Visitor(app);
  await visitor.signIn(demoEmail('support'));
  const forged = await visitor.post('/dashboard/sms/new', { name: 'x', statuses: 'active', language: 'en', body: 'x' });
  assert.equal(forged.statusCode, 403);
  const sales = new Visitor(app);
  await sales.signIn(demoEmail('sales'));
  assert.equal((await sales.get('/dashboard/sms')).statusCode, 403);
});

test('the campaign page pauses and resumes the running workflow', async () => {
  const visitor = new Visitor(app);
  await visitor.signIn(demoEmail('admin'));
  const before = sim.messages().length;
  const res = await visitor.submit('/dashboard/sms/new', { name: 'Everyone active', statuses: 'active', language: 'sw', body: 'Habari {{name}}, asante kwa kuwa mteja wetu.' });
  const campaignId = /\/dashboard\/sms\/([0-9a-f-]{36})$/.exec(String(res.headers.location))![1]!;
  await waitFor(() => sim.messages().length > before, 30_000, 'sending started');
  const paused = await visitor.submit(`/dashboard/sms/${campaignId}`, { intent: 'pause' });
  assert.equal(paused.statusCode, 302);
  await waitFor(async () => (await smsCampaigns.get(db.sql, tenantId, campaignId))?.status === 'paused', 20_000, 'paused');
  const page = await visitor.get(`/dashboard/sms/${campaignId}`);
  assert.match(page.body, /data-testid="campaign-status">paused</);
  assert.match(page.body, /value="resume"/);
  const atPause = sim.messages().length;
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(sim.messages().length, atPause);
  await visitor.submit(`/dashboard/sms/${campaignId}`, { intent: 'resume' });
  await waitFor(async () => (await smsCampaigns.get(db.sql, tenantId, campaignId))?.status === 'done', 60_000, 'done');
  const [counted] = await db.sql<{ n: number }[]>`select count(*)::int as n from customers where tenant_id = ${tenantId} and status = 'active'`;
  assert.equal(sim.messages().length - before, counted!.n, 'every active customer exactly once');
  const actions = await db.sql<{ action: string }[]>`select action from audit_log where entity_id = ${campaignId}::text order by id`;
  assert.deepEqual(actions.map((a) => a.action), ['sms_campaign.start', 'sms_campaign.pause', 'sms_campaign.resume']);
});

test('the template editor refuses unknown placeholders at save time; a saved Swahili template is what customers get', async () => {
  const admin = new Visitor(app);
  await admin.signIn(demoEmail('admin'));
  const page = await admin.get('/dashboard/sms/templates');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Tafadhali wasiliana nasi/, 'Swahili defaults shown');

  const bad = await admin.submit('/dashboard/sms/templates', { key: 'kyc_approved', language: 'sw', intent: 'save', body: 'Hongera {{jina}}!' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /unknown placeholder \{\{jina\}\}/);
  assert.equal((await db.sql`select 1 from sms_templates where tenant_id = ${tenantId}`).length, 0, 'nothing saved');

  const good = await admin.submit('/dashboard/sms/templates', { key: 'kyc_approved', language: 'sw', intent: 'save', body: 'Hongera {{name}}! Akaunti yako ni {{account}}.' });
  assert.equal(good.statusCode, 302);
  const [customer] = await db.sql<{ id: string; phone: string; firstName: string; accountNumber: string }[]>`
    select id, phone, first_name as "firstName", account_number as "accountNumber" from customers where tenant_id = ${tenantId} and status = 'kyc_review' limit 1`;
  const { createSmsActivities } = await import('../../activities/sms/activities');
  const { createAfricasTalkingGateway } = await import('../../activities/sms/africastalking');
  const acts = createSmsActivities({ sql: db.sql, gateway: createAfricasTalkingGateway({ username: SIM_USERNAME, apiKey: SIM_API_KEY, baseUrl: sim.url }) });
  await acts.sendSms({ tenantId, customerId: customer!.id, phone: customer!.phone, template: 'kyc_approved', language: 'sw', params: { name: customer!.firstName, account: customer!.accountNumber }, idempotencyKey: `kyc:${customer!.id}` });
  assert.equal(sim.messages(`+${customer!.phone}`).at(-1)?.text, `Hongera ${customer!.firstName}! Akaunti yako ni ${customer!.accountNumber}.`);

  const support = new Visitor(app);
  await support.signIn(demoEmail('support'));
  assert.equal((await support.get('/dashboard/sms/templates')).statusCode, 403, 'templates are an admin setting');
});
