import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createSmsActivities } from '../../activities/sms/activities';
import { createAfricasTalkingGateway } from '../../activities/sms/africastalking';
import { SMS_FAILURES } from '../../activities/sms/failures';
import { smsQueries } from '../../db/queries/sms';
import { SIM_API_KEY, SIM_USERNAME } from '../../simulators/africastalking/defaults';
import { startAfricasTalkingSimulator, type AfricasTalkingSimulator } from '../../simulators/africastalking/server';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { createTenant, runActivity } from './support';

let sim: AfricasTalkingSimulator;
let db: TestDatabase;

before(async () => {
  sim = await startAfricasTalkingSimulator({ dlrDelayMs: 10_000 });
  db = await createTestDatabase();
});
after(async () => {
  await sim?.stop();
  await db?.drop();
});

const gateway = () => createAfricasTalkingGateway({ username: SIM_USERNAME, apiKey: SIM_API_KEY, baseUrl: sim.url });

test('the real SDK sends to the simulator: 201 parsed per recipient, E.164 with +, sender id', async () => {
  const results = await gateway().send({ to: ['254711000111', '254722000222'], message: 'hello & karibu', from: 'MTANDAO' });
  assert.equal(results.length, 2);
  for (const r of results) {
    assert.equal(r.status, 'sent');
    assert.equal(r.providerStatusCode, 101);
    assert.equal(r.providerStatus, 'Success');
    assert.match(r.messageId ?? '', /^ATXid_[0-9a-f]{32}$/);
    assert.equal(r.costCents, 80);
  }
  assert.deepEqual(results.map((r) => r.phone), ['254711000111', '254722000222']);
  const inbox = sim.messages();
  assert.deepEqual(inbox.slice(-2).map((m) => [m.number, m.text, m.from]), [
    ['+254711000111', 'hello & karibu', 'MTANDAO'],
    ['+254722000222', 'hello & karibu', 'MTANDAO'],
  ]);
  assert.match(await gateway().balance(), /^KES \d+\.\d{2}$/);
});

test('each failure scenario comes back per recipient, not as a thrown error', async () => {
  const results = await gateway().send({ to: ['254711000403', '254711000405', '254711000406', '254711000111'], message: 'scenarios' });
  assert.deepEqual(
    results.map((r) => [r.phone, r.status, r.providerStatusCode, r.providerStatus, r.messageId ?? null]),
    [
      ['254711000403', 'rejected', 403, 'InvalidPhoneNumber', null],
      ['254711000405', 'failed', 405, 'InsufficientBalance', null],
      ['254711000406', 'rejected', 406, 'UserInBlacklist', null],
      ['254711000111', 'sent', 101, 'Success', results[3]!.messageId],
    ],
  );
});

test('a wrong API key is a non-retryable SmsAuthFailed (HTTP 401 from the simulator)', async () => {
  const bad = createAfricasTalkingGateway({ username: SIM_USERNAME, apiKey: 'wrong', baseUrl: sim.url });
  const { failure } = await runActivity(() => bad.send({ to: ['254711000111'], message: 'x' }));
  assert.equal(failure?.type, SMS_FAILURES.authFailed);
  assert.equal(failure?.nonRetryable, true);
  const res = await fetch(`${sim.url}/version1/messaging`, { method: 'POST', body: new URLSearchParams({ username: SIM_USERNAME, to: '+254711000111', message: 'x' }) });
  assert.equal(res.status, 401);
});

test('sendSms records per-recipient failures in sms_logs and returns them', async () => {
  const { tenantId } = await createTenant(db.sql);
  const acts = createSmsActivities({ sql: db.sql, gateway: gateway() });
  for (const [ending, status, reason] of [['403', 'rejected', 'InvalidPhoneNumber'], ['405', 'failed', 'InsufficientBalance'], ['406', 'rejected', 'UserInBlacklist']] as const) {
    const { value, failure } = await runActivity(acts.sendSms, {
      tenantId, phone: `0711000${ending}`, template: 'kyc_approved', language: 'en', params: { name: 'Amina', account: 'MT00001' }, idempotencyKey: `scenario-${ending}`,
    });
    assert.equal(failure, undefined);
    assert.equal(value?.status, status);
    assert.equal(value?.failureReason, reason);
    const row = await smsQueries.byIdempotencyKey(db.sql, `scenario-${ending}`);
    assert.equal(row?.phone, `254711000${ending}`);
    assert.deepEqual(row?.statusHistory.map((h) => h.event), ['queued', 'sending', status]);
  }
});

test('a retried sendSms with the same idempotency key sends once', async () => {
  const { tenantId } = await createTenant(db.sql, { senderId: 'DEMOISP' });
  const acts = createSmsActivities({ sql: db.sql, gateway: gateway() });
  const input = { tenantId, phone: '0733 000 101', template: 'payment_received' as const, language: 'sw' as const, idempotencyKey: 'payment:abc', params: { name: 'Juma', amount: '1,500', account: 'MT00002', receipt: 'SLK4H7', expiry: '21 Dec 2026' } };
  const first = await runActivity(acts.sendSms, input);
  const second = await runActivity(acts.sendSms, input);
  assert.equal(first.value?.sentNow, true);
  assert.equal(second.value?.sentNow, false);
  assert.equal(second.value?.providerMessageId, first.value?.providerMessageId);
  const inbox = sim.messages('+254733000101');
  assert.equal(inbox.length, 1);
  assert.equal(inbox[0]!.from, 'DEMOISP');
  assert.equal(inbox[0]!.text, 'Mpendwa Juma, tumepokea KES 1,500 kwa akaunti MT00002 (M-Pesa SLK4H7). Intaneti yako iko hai hadi 21 Dec 2026. Asante.');
});

test('an attempt that timed out after the simulator accepted is not sent again by the retry', async () => {
  const { tenantId } = await createTenant(db.sql);
  const slow = createAfricasTalkingGateway({ username: SIM_USERNAME, apiKey: SIM_API_KEY, baseUrl: sim.url, timeoutMs: 200 });
  const acts = createSmsActivities({ sql: db.sql, gateway: slow });
  const input = { tenantId, phone: '0744000202', template: 'reconnected' as const, language: 'en' as const, idempotencyKey: 'reconnect:1', params: { name: 'Otieno', package: '10 Mbps', expiry: '1 Jan 2027' } };
  sim.configure({ responseDelayMs: 1000 });
  try {
    const first = await runActivity(acts.sendSms, input);
    assert.equal(first.failure?.type, SMS_FAILURES.gatewayUnavailable);
    assert.equal(first.failure?.nonRetryable, false, 'a timeout is worth retrying as far as Temporal knows');
    const retry = await runActivity(acts.sendSms, input);
    assert.equal(retry.value?.sentNow, false);
    assert.equal(retry.value?.failureReason, 'OutcomeUnknown');
  } finally {
    sim.configure({ responseDelayMs: 0 });
  }
  assert.equal(sim.messages('+254744000202').length, 1, 'one message in the simulator inbox');
});

test('an answered error frees the message for the retry: 401 then fixed key sends once', async () => {
  const { tenantId } = await createTenant(db.sql);
  const input = { tenantId, phone: '0755000303', template: 'hotspot_access_code' as const, language: 'en' as const, idempotencyKey: 'hotspot:1', params: { code: 'K7P2Q', package: '24 h', expiry: '22:00' } };
  const bad = createSmsActivities({ sql: db.sql, gateway: createAfricasTalkingGateway({ username: SIM_USERNAME, apiKey: 'nope', baseUrl: sim.url }) });
  const first = await runActivity(bad.sendSms, input);
  assert.equal(first.failure?.type, SMS_FAILURES.authFailed);
  const good = createSmsActivities({ sql: db.sql, gateway: gateway() });
  const second = await runActivity(good.sendSms, input);
  assert.equal(second.value?.status, 'sent');
  assert.equal(sim.messages('+254755000303').length, 1);
});

test('an unknown template placeholder and a non-Kenyan number are refused without retries', async () => {
  const { tenantId } = await createTenant(db.sql);
  await db.sql`insert into sms_templates (tenant_id, key, language, body) values (${tenantId}, 'suspended', 'en', 'Hi {{name}}, pay {{amout}}')`;
  const acts = createSmsActivities({ sql: db.sql, gateway: gateway() });
  const badTemplate = await runActivity(acts.sendSms, { tenantId, phone: '0711000777', template: 'suspended', language: 'en', idempotencyKey: 'susp:1', params: { name: 'A', amount: 1, paybill: '1', account: 'MT1' } });
  assert.equal(badTemplate.failure?.type, SMS_FAILURES.invalidTemplate);
  assert.equal(badTemplate.failure?.nonRetryable, true);
  assert.match(badTemplate.failure?.message ?? '', /\{\{amout\}\}/);
  const badPhone = await runActivity(acts.sendSms, { tenantId, phone: '+1 555 0100', template: 'kyc_rejected', language: 'en', idempotencyKey: 'kyc:1', params: { name: 'A', reason: 'blurry ID' } });
  assert.equal(badPhone.failure?.type, SMS_FAILURES.invalidPhone);
  assert.equal(await smsQueries.byIdempotencyKey(db.sql, 'susp:1'), undefined, 'nothing logged for a message that was never valid');
});
