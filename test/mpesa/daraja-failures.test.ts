import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { StkPushInput } from '../../activities/mpesa/daraja-client';
import { freePort } from '../../scripts/ports';
import { type DarajaSimulator, startDarajaSimulator } from '../../simulators/daraja/server';
import { clientFor, failureOf } from './support';

let sim: DarajaSimulator;
before(async () => {
  sim = await startDarajaSimulator({ callbackDelayMs: 0 });
});
after(() => sim.stop());

const valid: StkPushInput = {
  amountCents: 10_00,
  phone: '0712 345 678',
  accountReference: 'HS-1H',
  description: 'Hotspot',
  callbackUrl: 'https://isp.example.co.ke/webhooks/stk',
};
const pushFailure = (input: Partial<StkPushInput>, client = clientFor(sim)) => failureOf(() => client.stkPush({ ...valid, ...input }));

test('amounts that are not whole positive shillings are refused before Daraja is called: InvalidAmount, non-retryable', async () => {
  const before = sim.requests().length;
  for (const amountCents of [10_50, 0, -100, 99.5]) {
    const failure = await pushFailure({ amountCents });
    assert.equal(failure.type, 'InvalidAmount', String(amountCents));
    assert.equal(failure.nonRetryable, true);
  }
  assert.equal(sim.requests().length, before);
});

test('a phone that is not a Kenyan mobile number is InvalidPhone, non-retryable', async () => {
  for (const phone of ['0612 345 678', '+1 555 0100', '07123', '']) {
    const failure = await pushFailure({ phone });
    assert.equal(failure.type, 'InvalidPhone', phone);
    assert.equal(failure.nonRetryable, true);
  }
});

test('an account reference over 12 characters is InvalidAccountReference, non-retryable', async () => {
  const failure = await pushFailure({ accountReference: 'ACCOUNT-123456' });
  assert.equal(failure.type, 'InvalidAccountReference');
  assert.equal(failure.nonRetryable, true);
});

test('a CallBackURL Daraja refuses (400.002.02) is DarajaInvalidRequest, non-retryable, naming the field', async () => {
  for (const callbackUrl of ['not a url', 'ftp://isp.example.co.ke/cb']) {
    const failure = await pushFailure({ callbackUrl });
    assert.equal(failure.type, 'DarajaInvalidRequest');
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, /HTTP 400: 400\.002\.02 Bad Request - Invalid CallBackURL/);
  }
});

test('a wrong passkey or an unknown shortcode is DarajaAuthFailed, non-retryable', async () => {
  const wrongPasskey = await pushFailure({}, clientFor(sim, { passkey: 'x'.repeat(64) }));
  assert.equal(wrongPasskey.type, 'DarajaAuthFailed');
  assert.equal(wrongPasskey.nonRetryable, true);
  assert.match(wrongPasskey.message, /\[MerchantValidate\] - Wrong credentials/);

  const unknownShortcode = await pushFailure({}, clientFor(sim, { shortcode: '999999' }));
  assert.equal(unknownShortcode.type, 'DarajaAuthFailed');
  assert.match(unknownShortcode.message, /Merchant does not exist/);
});

test('Daraja down (connection refused) is a retryable plain Error that says so', async () => {
  const failure = await pushFailure({}, clientFor(sim, { baseUrl: `http://127.0.0.1:${await freePort()}` }));
  assert.equal(failure.nonRetryable, false);
  assert.equal(failure.type, 'Error');
  assert.match(failure.message, /could not reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
});

// Narrow fakes for transport faults the simulator has no reason to produce.
async function withServer(handler: Parameters<typeof createServer>[1], run: (url: string) => Promise<void>): Promise<void> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

test('a Daraja that never answers fails the call at its deadline, retryably', async () => {
  await withServer(
    () => undefined,
    async (url) => {
      const started = Date.now();
      const failure = await pushFailure({}, clientFor(sim, { baseUrl: url, timeoutMs: 300 }));
      assert.equal(failure.nonRetryable, false);
      assert.match(failure.message, /GET \/oauth\/v1\/generate\?grant_type=client_credentials got no answer within 300 ms/);
      assert.ok(Date.now() - started < 3000);
    },
  );
});

test('a 5xx from Daraja (other than a pending query) is retryable', async () => {
  await withServer(
    (req, res) => {
      if (req.url?.startsWith('/oauth')) return res.end(JSON.stringify({ access_token: 'token', expires_in: '3599' }));
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ requestId: '1-2-3', errorCode: '503.001.01', errorMessage: 'Service Unavailable' }));
    },
    async (url) => {
      const push = await pushFailure({}, clientFor(sim, { baseUrl: url }));
      assert.equal(push.nonRetryable, false);
      assert.match(push.message, /HTTP 503: 503\.001\.01 Service Unavailable/);
      const query = await failureOf(() => clientFor(sim, { baseUrl: url }).stkQuery('ws_CO_x'));
      assert.equal(query.nonRetryable, false);
    },
  );
});
