import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { stkPassword } from '../../activities/mpesa/daraja-client';
import { toDarajaTimestamp } from '../../activities/mpesa/eat-time';
import { SANDBOX_PASSKEY, SANDBOX_SHORTCODE } from '../../simulators/daraja/defaults';
import { type DarajaSimulator, startDarajaSimulator } from '../../simulators/daraja/server';
import { clientFor, failureOf, rawPost } from './support';

let sim: DarajaSimulator;
before(async () => {
  // Manual mode: every push stays pending until the test answers for the customer.
  sim = await startDarajaSimulator({ manual: true });
});
after(() => sim.stop());

const push = (phone: string) =>
  clientFor(sim).stkPush({ amountCents: 250_00, phone, accountReference: 'PPPOE-0042', description: 'Internet', callbackUrl: 'https://isp.example.co.ke/webhooks/stk' });
const rawQuery = (checkoutRequestId: string, passkey = SANDBOX_PASSKEY) => {
  const timestamp = toDarajaTimestamp(new Date());
  return rawPost(sim, '/mpesa/stkpushquery/v1/query', {
    BusinessShortCode: SANDBOX_SHORTCODE,
    Password: stkPassword(SANDBOX_SHORTCODE, passkey, timestamp),
    Timestamp: timestamp,
    CheckoutRequestID: checkoutRequestId,
  });
};

test('while the customer has not answered, the query is HTTP 500 "The transaction is being processed"; the client says pending', async () => {
  const { checkoutRequestId } = await push('0722 000 111');
  const res = await rawQuery(checkoutRequestId);
  assert.equal(res.status, 500);
  assert.equal(res.body.errorCode, '500.001.1001');
  assert.equal(res.body.errorMessage, 'The transaction is being processed');
  assert.deepEqual(await clientFor(sim).stkQuery(checkoutRequestId), { state: 'pending' });
});

test('once ended, the query is HTTP 200 with ResultCode as a string (and the real typo); the client gives a number', async () => {
  const client = clientFor(sim);
  const { checkoutRequestId, merchantRequestId } = await push('0722 000 112');
  assert.deepEqual(await client.stkQuery(checkoutRequestId), { state: 'pending' });
  sim.decide(checkoutRequestId, 'cancelled');

  const res = await rawQuery(checkoutRequestId);
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, {
    ResponseCode: '0',
    ResponseDescription: 'The service request has been accepted successsfully',
    MerchantRequestID: merchantRequestId,
    CheckoutRequestID: checkoutRequestId,
    ResultCode: '1032',
    ResultDesc: 'Request cancelled by user',
  });
  assert.deepEqual(await client.stkQuery(checkoutRequestId), { state: 'final', resultCode: 1032, resultDesc: 'Request cancelled by user' });
});

test('a paid push queries as final with ResultCode 0', async () => {
  const { checkoutRequestId } = await push('0722 000 113');
  sim.decide(checkoutRequestId, 'success');
  assert.deepEqual(await clientFor(sim).stkQuery(checkoutRequestId), { state: 'final', resultCode: 0, resultDesc: 'The service request is processed successfully.' });
});

test('an unknown CheckoutRequestID is a 400.002.02, non-retryable DarajaInvalidRequest', async () => {
  const res = await rawQuery('ws_CO_01012024000000000000000000');
  assert.equal(res.status, 400);
  assert.equal(res.body.errorMessage, 'Bad Request - Invalid CheckoutRequestID');
  const failure = await failureOf(() => clientFor(sim).stkQuery('ws_CO_01012024000000000000000000'));
  assert.equal(failure.type, 'DarajaInvalidRequest');
  assert.equal(failure.nonRetryable, true);
});

test('a query signed with the wrong passkey is "[MerchantValidate] - Wrong credentials", a non-retryable DarajaAuthFailed', async () => {
  const { checkoutRequestId } = await push('0722 000 114');
  const res = await rawQuery(checkoutRequestId, 'not-the-passkey');
  assert.equal(res.status, 500);
  assert.deepEqual([res.body.errorCode, res.body.errorMessage], ['500.001.1001', '[MerchantValidate] - Wrong credentials']);
  const failure = await failureOf(() => clientFor(sim, { passkey: 'not-the-passkey' }).stkQuery(checkoutRequestId));
  assert.equal(failure.type, 'DarajaAuthFailed');
  assert.equal(failure.nonRetryable, true);
});
