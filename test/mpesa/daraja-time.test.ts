import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { stkPassword } from '../../activities/mpesa/daraja-client';
import { basicAuthorization } from '../../activities/mpesa/daraja-token';
import { fromDarajaTimestamp, toDarajaTimestamp } from '../../activities/mpesa/eat-time';
import { SANDBOX_PASSKEY } from '../../simulators/daraja/defaults';
import { startDarajaSimulator } from '../../simulators/daraja/server';
import { clientFor, rawPost } from './support';

const originalTz = process.env.TZ;
after(() => {
  process.env.TZ = originalTz;
});

test('the STK Password matches the published test vector', () => {
  assert.equal(
    stkPassword('174379', SANDBOX_PASSKEY, '20240315143022'),
    'MTc0Mzc5YmZiMjc5ZjlhYTliZGJjZjE1OGU5N2RkNzFhNDY3Y2QyZTBjODkzMDU5YjEwZjc4ZTZiNzJhZGExZWQyYzkxOTIwMjQwMzE1MTQzMDIy',
  );
});

test('the OAuth Basic header matches the published test vector', () => {
  assert.equal(basicAuthorization('testConsumerKey', 'testConsumerSecret'), 'Basic dGVzdENvbnN1bWVyS2V5OnRlc3RDb25zdW1lclNlY3JldA==');
});

test('timestamps are Nairobi time whatever time zone the machine runs in', () => {
  for (const tz of ['America/Los_Angeles', 'Pacific/Kiritimati', 'UTC']) {
    process.env.TZ = tz;
    const at = new Date(Date.UTC(2024, 2, 15, 11, 30, 22));
    if (tz !== 'UTC') assert.notEqual(at.getHours(), 14, `TZ=${tz} is in effect`);
    assert.equal(toDarajaTimestamp(at), '20240315143022', tz);
    // 22:00 UTC on New Year's Eve is already 01:00 on New Year's Day in Nairobi.
    assert.equal(toDarajaTimestamp(new Date('2024-12-31T22:00:00Z')), '20250101010000', tz);
    assert.equal(fromDarajaTimestamp('20240315143022')?.toISOString(), '2024-03-15T11:30:22.000Z', tz);
    assert.equal(fromDarajaTimestamp(20191219102115)?.toISOString(), '2019-12-19T07:21:15.000Z', tz);
  }
  for (const bad of ['20240230120000', '2024031514302', '20240315143060', 'yesterday']) assert.equal(fromDarajaTimestamp(bad), undefined, bad);
});

test('with the process in a far-off time zone the simulator still accepts the push, and refuses a UTC timestamp', async () => {
  process.env.TZ = 'Pacific/Kiritimati'; // UTC+14: a local-time bug would be eleven hours off
  const sim = await startDarajaSimulator({ callbackDelayMs: 0, manual: true });
  try {
    const accepted = await clientFor(sim).stkPush({
      amountCents: 100,
      phone: '0712 999 000',
      accountReference: 'TZ',
      description: 'Time zone',
      callbackUrl: 'https://isp.example.co.ke/webhooks/stk',
    });
    assert.match(accepted.checkoutRequestId, /^ws_CO_/);

    const utcDigits = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const res = await rawPost(sim, '/mpesa/stkpush/v1/processrequest', {
      BusinessShortCode: '174379',
      Password: stkPassword('174379', SANDBOX_PASSKEY, utcDigits),
      Timestamp: utcDigits,
      TransactionType: 'CustomerPayBillOnline',
      Amount: 1,
      PartyA: '254712999001',
      PartyB: '174379',
      PhoneNumber: '254712999001',
      CallBackURL: 'https://isp.example.co.ke/webhooks/stk',
      AccountReference: 'TZ',
      TransactionDesc: 'Time zone',
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.errorMessage, 'Bad Request - Invalid Timestamp');
  } finally {
    await sim.stop();
  }
});
