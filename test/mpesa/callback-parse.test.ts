import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ZodError } from 'zod';
import { parseC2bConfirmation, parseStkCallback } from '../../activities/mpesa/callback-parse';
import { c2bRegisterResponse } from '../../activities/mpesa/daraja-responses';

// Bodies as published (integration-facts §1.4, §1.7) and the variations reported in the wild.
const success = {
  Body: {
    stkCallback: {
      MerchantRequestID: '29115-34620561-1',
      CheckoutRequestID: 'ws_CO_191220191020363925',
      ResultCode: 0,
      ResultDesc: 'The service request is processed successfully.',
      CallbackMetadata: {
        Item: [
          { Name: 'Amount', Value: 1.0 },
          { Name: 'MpesaReceiptNumber', Value: 'NLJ7RT61SV' },
          { Name: 'Balance' },
          { Name: 'TransactionDate', Value: 20191219102115 },
          { Name: 'PhoneNumber', Value: 254708374149 },
        ],
      },
    },
  },
};

const expectedPaid = {
  merchantRequestId: '29115-34620561-1',
  checkoutRequestId: 'ws_CO_191220191020363925',
  resultDesc: 'The service request is processed successfully.',
  paid: true,
  resultCode: 0,
  amountCents: 100,
  receipt: 'NLJ7RT61SV',
  transactionTime: new Date('2019-12-19T07:21:15Z'),
  phone: '254708374149',
};

test('the published success callback parses to cents, a normalised phone and a UTC time', () => {
  assert.deepEqual(parseStkCallback(success), expectedPaid);
});

test('variations parse the same: Balance absent, strings for numbers, items in another order', () => {
  const variant = structuredClone(success) as { Body: { stkCallback: Record<string, unknown> } };
  variant.Body.stkCallback.ResultCode = '0';
  variant.Body.stkCallback.CallbackMetadata = {
    Item: [
      { Name: 'PhoneNumber', Value: '254708374149' },
      { Name: 'MpesaReceiptNumber', Value: 'NLJ7RT61SV' },
      { Name: 'TransactionDate', Value: '20191219102115' },
      { Name: 'Amount', Value: '1.00' },
    ],
  };
  assert.deepEqual(parseStkCallback(variant), expectedPaid);

  const withBalance = structuredClone(success);
  withBalance.Body.stkCallback.CallbackMetadata.Item[2] = { Name: 'Balance', Value: 0 } as never;
  assert.deepEqual(parseStkCallback(withBalance), expectedPaid);
});

test('failure callbacks have no metadata; ResultCode may be a number or a string', () => {
  const failed = { Body: { stkCallback: { MerchantRequestID: '29115-34620561-1', CheckoutRequestID: 'ws_CO_191220191020363925', ResultCode: 1032, ResultDesc: 'Request cancelled by user' } } };
  assert.deepEqual(parseStkCallback(failed), {
    merchantRequestId: '29115-34620561-1',
    checkoutRequestId: 'ws_CO_191220191020363925',
    resultDesc: 'Request cancelled by user',
    paid: false,
    resultCode: 1032,
  });
  const asString = structuredClone(failed) as { Body: { stkCallback: Record<string, unknown> } };
  asString.Body.stkCallback.ResultCode = '1037';
  assert.equal(parseStkCallback(asString).resultCode, 1037);
});

test('a "paid" callback missing its receipt or date, or a body of another shape, is refused', () => {
  const noReceipt = structuredClone(success);
  noReceipt.Body.stkCallback.CallbackMetadata.Item.splice(1, 1);
  assert.throws(() => parseStkCallback(noReceipt), (err: unknown) => err instanceof ZodError && /MpesaReceiptNumber/.test(err.message));
  const badDate = structuredClone(success);
  badDate.Body.stkCallback.CallbackMetadata.Item[3] = { Name: 'TransactionDate', Value: 2019121910 };
  assert.throws(() => parseStkCallback(badDate), ZodError);
  assert.throws(() => parseStkCallback({ stkCallback: {} }), ZodError);
});

const confirmation = {
  TransactionType: 'Pay Bill',
  TransID: 'RKTQDM7W6S',
  TransTime: '20191122063845',
  TransAmount: '10.00',
  BusinessShortCode: '600638',
  BillRefNumber: 'ACC123',
  InvoiceNumber: '',
  OrgAccountBalance: '49197.00',
  ThirdPartyTransID: '',
  MSISDN: '2547 ***** 126',
  FirstName: 'John',
  MiddleName: '',
  LastName: '',
};

test('the published C2B confirmation parses; the masked MSISDN yields no phone', () => {
  assert.deepEqual(parseC2bConfirmation(confirmation), {
    transactionType: 'Pay Bill',
    transId: 'RKTQDM7W6S',
    transactionTime: new Date('2019-11-22T03:38:45Z'),
    amountCents: 1000,
    businessShortCode: '600638',
    billRefNumber: 'ACC123',
    invoiceNumber: '',
    orgAccountBalanceCents: 4919700,
    thirdPartyTransId: '',
    msisdn: '2547 ***** 126',
    payerName: 'John',
  });
});

test('C2B variations: validation without a balance, hashed or plain MSISDN, numbers for strings', () => {
  const validation = parseC2bConfirmation({ ...confirmation, OrgAccountBalance: '' });
  assert.equal(validation.orgAccountBalanceCents, undefined);
  const hashed = parseC2bConfirmation({ ...confirmation, MSISDN: 'a'.repeat(64) });
  assert.equal(hashed.phone, undefined);
  const plain = parseC2bConfirmation({ ...confirmation, MSISDN: 254708374126, TransAmount: 10, BusinessShortCode: 600638, MiddleName: 'K', LastName: 'Otieno' });
  assert.equal(plain.phone, '254708374126');
  assert.equal(plain.amountCents, 1000);
  assert.equal(plain.businessShortCode, '600638');
  assert.equal(plain.payerName, 'John K Otieno');
  assert.throws(() => parseC2bConfirmation({ ...confirmation, TransTime: '22/11/2019' }), ZodError);
  assert.throws(() => parseC2bConfirmation({ ...confirmation, TransAmount: 'ten' }), ZodError);
});

test('C2B acknowledgements are read under either spelling of OriginatorConversationID', () => {
  const misspelt = c2bRegisterResponse.parse({ OriginatorCoversationID: '7619-37765134-1', ResponseCode: '0', ResponseDescription: 'success' });
  const corrected = c2bRegisterResponse.parse({ OriginatorConversationID: '7619-37765134-1', ResponseCode: 0, ResponseDescription: 'success' });
  assert.deepEqual(misspelt, corrected);
  assert.equal(misspelt.originatorConversationId, '7619-37765134-1');
});
