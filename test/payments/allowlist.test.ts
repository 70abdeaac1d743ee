import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { paymentWebhookPaths } from '../../activities/mpesa/activities';
import { envSchema } from '../../config/env';
import type { Logger } from '../../config/logger';
import { seedDemo } from '../../db/seed';
import { SANDBOX_SHORTCODE } from '../../simulators/daraja/defaults';
import type { TemporalClient } from '../../temporal/client';
import { buildApp } from '../../web/server/app';
import { ipAllowlist } from '../../web/server/webhooks/payments';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { testSecrets } from '../support/web';
import { WEBHOOK_TOKEN } from './support';

// Safaricom's published callback IPs plus one CIDR, as an operator would configure them.
const SAFARICOM = '196.201.214.200,196.201.214.206,196.201.214.207,196.201.214.208,196.201.213.114,196.201.213.44,196.201.212.127,196.201.212.138,196.201.212.129,196.201.212.136,196.201.212.74,196.201.212.69';
const ALLOWED = `${SAFARICOM}, 10.20.0.0/16, 2001:db8::/32`;

let db: TestDatabase;
let app: FastifyInstance;
let open: FastifyInstance;
const logLines: Record<string, unknown>[] = [];

function collectingLogger(): Logger {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return pino({ level: 'warn' }, stream);
}

// C2B confirmations need no Temporal; a client that is never called stands in for it.
const noTemporal = {} as TemporalClient;

before(async () => {
  db = await createTestDatabase();
  await seedDemo(db.sql, { encryptionKey: testSecrets.encryptionKey });
  app = await buildApp({ sql: db.sql, temporal: noTemporal, log: collectingLogger(), remix: 'build', secrets: testSecrets, paymentWebhookAllowedIps: ALLOWED });
  open = await buildApp({ sql: db.sql, temporal: noTemporal, log: collectingLogger(), remix: 'build', secrets: testSecrets });
  await Promise.all([app.ready(), open.ready()]);
});
after(async () => {
  await app?.close();
  await open?.close();
  await db?.drop();
});

let seq = 0;
function confirmation() {
  seq += 1;
  return { TransactionType: 'Pay Bill', TransID: `ALLOW${String(seq).padStart(5, '0')}`, TransTime: '20261121093000', TransAmount: '100.00', BusinessShortCode: SANDBOX_SHORTCODE, BillRefNumber: 'NOBODY', MSISDN: '2547 ***** 126', FirstName: 'Amina' };
}

async function stored(transId: string): Promise<number> {
  const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from mpesa_events where natural_key = ${transId}`;
  return row!.n;
}

const url = paymentWebhookPaths.c2bConfirmation(WEBHOOK_TOKEN);

test('a callback forwarded for a Safaricom address is accepted and stored', async () => {
  const body = confirmation();
  const res = await app.inject({ method: 'POST', url, payload: body, headers: { 'x-forwarded-for': '196.201.214.207' }, remoteAddress: '127.0.0.1' });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), { ResultCode: 0, ResultDesc: 'Success' });
  assert.equal(await stored(body.TransID), 1);
  const [event] = await db.sql<{ sourceIp: string }[]>`select source_ip::text as "sourceIp" from mpesa_events where natural_key = ${body.TransID}`;
  assert.match(event!.sourceIp, /196\.201\.214\.207/, 'the forwarded client IP is what is recorded');
});

test('a callback from outside the list gets a 403 with a message, is logged, and nothing is stored', async () => {
  const body = confirmation();
  logLines.length = 0;
  const res = await app.inject({ method: 'POST', url, payload: body, headers: { 'x-forwarded-for': '41.90.1.2' }, remoteAddress: '127.0.0.1' });
  assert.equal(res.statusCode, 403);
  assert.match(String(res.json<{ error: string }>().error), /41\.90\.1\.2 is not an allowed payment callback source/);
  assert.equal(await stored(body.TransID), 0);
  const line = logLines.find((l) => String(l.msg).includes('source IP not in PAYMENT_WEBHOOK_ALLOWED_IPS'));
  assert.ok(line, 'the refusal is logged');
  assert.equal(line.ip, '41.90.1.2');
  assert.doesNotMatch(JSON.stringify(line), new RegExp(WEBHOOK_TOKEN), 'the log line does not leak the path token');
});

test('STK callbacks and C2B validations are covered too, before the token is even looked at', async () => {
  for (const path of [paymentWebhookPaths.stk(WEBHOOK_TOKEN), paymentWebhookPaths.c2bValidation(WEBHOOK_TOKEN), paymentWebhookPaths.stk('wrong-token')]) {
    const res = await app.inject({ method: 'POST', url: path, payload: '{}', headers: { 'content-type': 'application/json', 'x-forwarded-for': '8.8.8.8' } });
    assert.equal(res.statusCode, 403, path);
  }
  const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from mpesa_events where source_ip = '8.8.8.8'`;
  assert.equal(row!.n, 0);
});

test('without a forwarded header the socket address is checked, CIDRs included', async () => {
  const inside = confirmation();
  const res = await app.inject({ method: 'POST', url, payload: inside, remoteAddress: '10.20.3.4' });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(await stored(inside.TransID), 1);
  const outside = confirmation();
  assert.equal((await app.inject({ method: 'POST', url, payload: outside, remoteAddress: '10.21.3.4' })).statusCode, 403);
  assert.equal(await stored(outside.TransID), 0);
});

test('a forwarded header from a caller that is not a trusted proxy cannot forge a Safaricom address', async () => {
  const body = confirmation();
  const res = await app.inject({ method: 'POST', url, payload: body, headers: { 'x-forwarded-for': '196.201.214.207' }, remoteAddress: '41.90.1.2' });
  assert.equal(res.statusCode, 403, 'only a trusted proxy (TRUST_PROXY, loopback by default) is believed');
  assert.equal(await stored(body.TransID), 0);
});

test('with no allowlist configured every source is accepted (development)', async () => {
  const body = confirmation();
  const res = await open.inject({ method: 'POST', url, payload: body, headers: { 'x-forwarded-for': '41.90.1.2' } });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(await stored(body.TransID), 1);
});

test('the matcher: IPv4-mapped IPv6, IPv6 subnets, blanks and empty lists', () => {
  const allowed = ipAllowlist(ALLOWED)!;
  assert.equal(allowed('196.201.212.69'), true);
  assert.equal(allowed('::ffff:196.201.212.69'), true);
  assert.equal(allowed('196.201.212.70'), false);
  assert.equal(allowed('2001:db8::1'), true);
  assert.equal(allowed('2001:db9::1'), false);
  assert.equal(allowed('not-an-ip'), false);
  assert.equal(ipAllowlist(undefined), undefined);
  assert.equal(ipAllowlist(' , '), undefined);
});

test('the setting is validated at boot', () => {
  const parse = (v: string) => envSchema.pick({ PAYMENT_WEBHOOK_ALLOWED_IPS: true }).safeParse({ PAYMENT_WEBHOOK_ALLOWED_IPS: v });
  assert.equal(parse(SAFARICOM).success, true);
  assert.equal(parse('10.0.0.0/8, ::1').success, true);
  for (const bad of ['196.201.214', '10.0.0.0/33', 'safaricom', '1.2.3.4/8/1', '::1/129']) assert.equal(parse(bad).success, false, bad);
});
