import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createSmsActivities } from '../../activities/sms/activities';
import { createAfricasTalkingGateway } from '../../activities/sms/africastalking';
import { createLogger } from '../../config/logger';
import { smsQueries } from '../../db/queries/sms';
import { SIM_API_KEY, SIM_USERNAME } from '../../simulators/africastalking/defaults';
import { startAfricasTalkingSimulator, type AfricasTalkingSimulator } from '../../simulators/africastalking/server';
import { createTemporalClient } from '../../temporal/client';
import { buildApp } from '../../web/server/app';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { waitFor } from '../support/wait';
import { testSecrets } from '../support/web';
import { createTenant, runActivity } from './support';

const TOKEN = 'sms-dlr-test-token-0123456789abcdef';
let db: TestDatabase;
let app: FastifyInstance;
let sim: AfricasTalkingSimulator;
const temporal = createTemporalClient('127.0.0.1:1', 'unused');

before(async () => {
  db = await createTestDatabase();
  app = await buildApp({ sql: db.sql, temporal, log: createLogger('web', 'silent'), remix: 'build', secrets: { ...testSecrets, smsWebhookToken: TOKEN } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  sim = await startAfricasTalkingSimulator({ dlrUrl: `http://127.0.0.1:${port}/api/webhooks/africastalking/delivery/${TOKEN}`, dlrDelayMs: 50, duplicateDlr: true });
});
after(async () => {
  await sim?.stop();
  await app?.close();
  await temporal.connection.close();
  await db?.drop();
});

const dlrEvents = (history: { event: string; providerStatus?: string }[]) => history.filter((h) => h.event === 'dlr').map((h) => h.providerStatus);

test('delivery reports from the simulator mark messages delivered or failed, once each despite duplicates', async () => {
  const { tenantId } = await createTenant(db.sql);
  const acts = createSmsActivities({ sql: db.sql, gateway: createAfricasTalkingGateway({ username: SIM_USERNAME, apiKey: SIM_API_KEY, baseUrl: sim.url }) });
  const ok = await runActivity(acts.sendSms, { tenantId, phone: '0711222333', template: 'kyc_approved', language: 'en', params: { name: 'Achieng', account: 'MT00009' }, idempotencyKey: 'dlr:ok' });
  const bad = await runActivity(acts.sendSms, { tenantId, phone: '0711222499', template: 'kyc_approved', language: 'sw', params: { name: 'Kamau', account: 'MT00010' }, idempotencyKey: 'dlr:bad' });
  assert.equal(ok.value?.status, 'sent');
  assert.equal(bad.value?.status, 'sent');

  await waitFor(async () => sim.dlrs().filter((d) => d.outcome !== 'sending').length === 4, 30_000, 'four delivery reports (two duplicated)');
  assert.ok(sim.dlrs().every((d) => d.statusCode === 200));

  const delivered = await smsQueries.byIdempotencyKey(db.sql, 'dlr:ok');
  assert.equal(delivered?.status, 'delivered');
  assert.deepEqual(dlrEvents(delivered!.statusHistory), ['Success'], 'the duplicate report added nothing');
  assert.deepEqual(delivered!.statusHistory.map((h) => h.event), ['queued', 'sending', 'sent', 'dlr']);

  const failed = await smsQueries.byIdempotencyKey(db.sql, 'dlr:bad');
  assert.equal(failed?.status, 'failed');
  assert.equal(failed?.failureReason, 'DeliveryFailure');
  assert.deepEqual(dlrEvents(failed!.statusHistory), ['Failed']);
});

test('a late Sent report never undoes Success, and an unknown message id is acknowledged', async () => {
  const row = await smsQueries.byIdempotencyKey(db.sql, 'dlr:ok');
  const url = `/api/webhooks/africastalking/delivery/${TOKEN}`;
  const form = (fields: Record<string, string>) => ({ method: 'POST' as const, url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
  const late = await app.inject(form({ id: row!.providerMessageId!, status: 'Sent', phoneNumber: '+254711222333', networkCode: '63902' }));
  assert.equal(late.statusCode, 200);
  const after = await smsQueries.byIdempotencyKey(db.sql, 'dlr:ok');
  assert.equal(after?.status, 'delivered');
  assert.deepEqual(dlrEvents(after!.statusHistory), ['Success', 'Sent']);
  const unknown = await app.inject(form({ id: 'ATXid_00000000000000000000000000000000', status: 'Success' }));
  assert.equal(unknown.statusCode, 200);
  assert.equal(unknown.json<{ outcome: string }>().outcome, 'unknown');
});

test('a wrong token is 404 and a malformed body is 400 with the reason, never 500', async () => {
  const body = new URLSearchParams({ id: 'ATXid_0123', status: 'Success' }).toString();
  const wrong = await app.inject({ method: 'POST', url: '/api/webhooks/africastalking/delivery/not-the-token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body });
  assert.equal(wrong.statusCode, 404);
  const url = `/api/webhooks/africastalking/delivery/${TOKEN}`;
  const badStatus = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'id=ATXid_0123&status=Delivered' });
  assert.equal(badStatus.statusCode, 400);
  assert.match(badStatus.json<{ error: string }>().error, /status/);
  const noId = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'status=Success' });
  assert.equal(noId.statusCode, 400);
  assert.match(noId.json<{ error: string }>().error, /id/);
  const json = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: '{"id":' });
  assert.equal(json.statusCode, 400);
});
