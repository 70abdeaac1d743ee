import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SIM_CONSUMER_KEY, SIM_CONSUMER_SECRET } from '../../simulators/daraja/defaults';
import { type DarajaSimulator, startDarajaSimulator } from '../../simulators/daraja/server';
import { waitFor } from '../support/wait';
import { clientFor, failureOf, rawPost, rawToken } from './support';

let sim: DarajaSimulator;
before(async () => {
  sim = await startDarajaSimulator({ callbackDelayMs: 0 });
});
after(() => sim.stop());

const basic = (key: string, secret: string) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
const generate = (authorization: string, grant = 'client_credentials') =>
  fetch(`${sim.url}/oauth/v1/generate?grant_type=${grant}`, { headers: { authorization } });
// Any authorised call will do to make the client use its token; registering C2B URLs has no side effects on STK.
const authorisedCall = (client: ReturnType<typeof clientFor>) => client.registerC2bUrls({ shortCode: '600984', confirmationUrl: 'https://isp.example.co.ke/c2b/confirm' });
const tokenRequests = () => sim.requests().filter((r) => r.path === '/oauth/v1/generate' && r.statusCode === 200).length;

test('the right Basic credentials get a 28-character token whose expires_in is a string', async () => {
  const res = await generate(basic(SIM_CONSUMER_KEY, SIM_CONSUMER_SECRET));
  assert.equal(res.status, 200);
  const body = (await res.json()) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body), ['access_token', 'expires_in']);
  assert.match(body.access_token as string, /^[A-Za-z0-9]{28}$/);
  assert.equal(body.expires_in, '3599');
});

test('wrong credentials or grant type get a 400 in the Daraja error envelope', async () => {
  for (const res of [await generate(basic(SIM_CONSUMER_KEY, 'wrong')), await generate('Basic !!!'), await generate(basic(SIM_CONSUMER_KEY, SIM_CONSUMER_SECRET), 'password')]) {
    assert.equal(res.status, 400);
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['requestId', 'errorCode', 'errorMessage']);
    assert.match(body.requestId as string, /^\d{4}-\d{7}-1$/);
    assert.match(body.errorCode as string, /^400\.008\.0[12]$/);
  }
});

test('the client turns refused consumer credentials into a non-retryable DarajaAuthFailed', async () => {
  const failure = await failureOf(() => authorisedCall(clientFor(sim, { consumerSecret: 'not-the-secret' })));
  assert.equal(failure.type, 'DarajaAuthFailed');
  assert.equal(failure.nonRetryable, true);
});

test('an unknown, missing or expired Bearer token is HTTP 404 404.001.03 Invalid Access Token', async () => {
  const expected = { errorCode: '404.001.03', errorMessage: 'Invalid Access Token' };
  const unknown = await rawPost(sim, '/mpesa/stkpushquery/v1/query', {}, 'not-a-token');
  assert.equal(unknown.status, 404);
  assert.deepEqual({ errorCode: unknown.body.errorCode, errorMessage: unknown.body.errorMessage }, expected);

  const missing = await fetch(`${sim.url}/mpesa/stkpushquery/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(missing.status, 404);

  sim.configure({ tokenTtlSeconds: 1 });
  try {
    const shortLived = await rawToken(sim);
    const issuedAt = Date.now();
    await waitFor(() => Date.now() - issuedAt > 1100, 3000, 'the token to expire');
    const expired = await rawPost(sim, '/mpesa/stkpushquery/v1/query', {}, shortLived);
    assert.equal(expired.status, 404);
    assert.equal(expired.body.errorCode, '404.001.03');
  } finally {
    sim.configure({ tokenTtlSeconds: 3599 });
  }
});

test('the client reuses its token, and replaces it before it expires without ever sending a stale one', async () => {
  sim.configure({ tokenTtlSeconds: 2 });
  try {
    const client = clientFor(sim);
    const before = tokenRequests();
    await authorisedCall(client);
    await authorisedCall(client);
    assert.equal(tokenRequests(), before + 1, 'one token for both calls');

    // A 2-second token is refreshed after half its life, well before Daraja would refuse it.
    const firstUse = Date.now();
    await waitFor(() => Date.now() - firstUse > 1100, 3000, 'half the token life');
    await authorisedCall(client);
    assert.equal(tokenRequests(), before + 2, 'a fresh token');
    assert.equal(sim.requests().filter((r) => r.errorCode === '404.001.03' && r.path.startsWith('/mpesa/c2b')).length, 0);
  } finally {
    sim.configure({ tokenTtlSeconds: 3599 });
  }
});

test('a token Daraja stops honouring is replaced once, transparently to the caller', async () => {
  const client = clientFor(sim);
  await authorisedCall(client);
  sim.revokeTokens();
  const mark = sim.requests().length;

  const result = await authorisedCall(client);
  assert.ok(result.originatorConversationId);
  const seen = sim.requests().slice(mark).map((r) => `${r.method} ${r.path} ${r.statusCode}${r.errorCode ? ` ${r.errorCode}` : ''}`);
  assert.deepEqual(seen, [
    'POST /mpesa/c2b/v2/registerurl 404 404.001.03',
    'GET /oauth/v1/generate 200',
    'POST /mpesa/c2b/v2/registerurl 200',
  ]);
});

test('concurrent calls share one token request', async () => {
  const client = clientFor(sim);
  const before = tokenRequests();
  await Promise.all(Array.from({ length: 5 }, () => authorisedCall(client)));
  assert.equal(tokenRequests(), before + 1);
});
