import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import pino from 'pino';
import type { Logger } from '../../config/logger';
import { freePort } from '../../scripts/ports';
import { SANDBOX_PASSKEY, SANDBOX_SHORTCODE, SIM_CONSUMER_KEY, SIM_CONSUMER_SECRET } from '../../simulators/daraja/defaults';
import { type DarajaSimulator, startDarajaSimulator } from '../../simulators/daraja/server';
import { registerC2bUrlsOnStart, type C2bRegistrationSettings } from '../../workers/c2b-registration';
import { WEBHOOK_TOKEN } from './support';

let sim: DarajaSimulator;
before(async () => {
  sim = await startDarajaSimulator({ callbackDelayMs: 0 });
});
after(async () => {
  await sim?.stop();
});

function capture(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

const settings = (over: Partial<C2bRegistrationSettings> = {}): C2bRegistrationSettings => ({
  baseUrl: sim.url,
  consumerKey: SIM_CONSUMER_KEY,
  consumerSecret: SIM_CONSUMER_SECRET,
  shortcode: SANDBOX_SHORTCODE,
  passkey: SANDBOX_PASSKEY,
  timeoutMs: 2000,
  publicUrl: 'https://isp.example.co.ke',
  webhookToken: WEBHOOK_TOKEN,
  ...over,
});

test('at worker start the paybill validation and confirmation URLs are registered for the shortcode', async () => {
  const { log, lines } = capture();
  const result = await registerC2bUrlsOnStart(settings(), log);
  assert.equal(result.registered, true);
  const res = await fetch(`${sim.url}/_sim/c2b/registrations`);
  const { registrations } = (await res.json()) as { registrations: { shortCode: string; validationUrl?: string; confirmationUrl: string; responseType: string }[] };
  const mine = registrations.find((r) => r.shortCode === SANDBOX_SHORTCODE);
  assert.ok(mine, 'the simulator lists the registration');
  assert.equal(mine.confirmationUrl, `https://isp.example.co.ke/api/webhooks/payments/c2b/${WEBHOOK_TOKEN}/confirmation`);
  assert.equal(mine.validationUrl, `https://isp.example.co.ke/api/webhooks/payments/c2b/${WEBHOOK_TOKEN}/validation`);
  assert.equal(mine.responseType, 'Completed');
  const line = lines.find((l) => l.msg === 'C2B URLs registered with Daraja');
  assert.ok(line);
  assert.doesNotMatch(JSON.stringify(lines), new RegExp(WEBHOOK_TOKEN), 'the secret token is not logged');
});

test('a trailing slash on PUBLIC_URL gives no double slash', async () => {
  const result = await registerC2bUrlsOnStart(settings({ publicUrl: 'https://billing.example.co.ke/' }), capture().log);
  assert.ok(result.registered);
  assert.equal(result.confirmationUrl, `https://billing.example.co.ke/api/webhooks/payments/c2b/${WEBHOOK_TOKEN}/confirmation`);
});

test('wrong credentials: a clear error line, no throw', async () => {
  const { log, lines } = capture();
  const result = await registerC2bUrlsOnStart(settings({ consumerSecret: 'wrong' }), log);
  assert.equal(result.registered, false);
  const line = lines.find((l) => String(l.msg).startsWith('C2B URL registration failed'));
  assert.ok(line, JSON.stringify(lines));
  assert.equal(line.level, 50);
});

test('Daraja unreachable: a clear error line, no throw, promptly', async () => {
  const { log, lines } = capture();
  const port = await freePort();
  const started = Date.now();
  const result = await registerC2bUrlsOnStart(settings({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 1000 }), log);
  assert.equal(result.registered, false);
  assert.ok(Date.now() - started < 10_000);
  assert.ok(lines.some((l) => String(l.msg).startsWith('C2B URL registration failed')));
});
