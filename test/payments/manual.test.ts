import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoEmail } from '../../db/seed';
import { ledger } from '../../db/queries/ledger';
import { mpesa } from '../../db/queries/mpesa';
import { recordPayment } from '../../db/queries/payments';
import { startBackOffice, Visitor, type BackOffice } from '../support/backoffice';

let office: BackOffice;
let finance: Visitor;
let customer: { id: string; accountNumber: string };

before(async () => {
  office = await startBackOffice();
  finance = new Visitor(office.app);
  await finance.signIn(demoEmail('finance'));
  const [c] = await office.db.sql<{ id: string; accountNumber: string }[]>`
    select id, account_number as "accountNumber" from customers where tenant_id = ${office.tenantId} order by account_number limit 1`;
  customer = c!;
});
after(() => office.close());

const counts = async () => {
  const [row] = await office.db.sql<{ payments: number; credits: number; audits: number }[]>`
    select (select count(*)::int from payments where tenant_id = ${office.tenantId}) as payments,
      (select count(*)::int from ledger_entries where tenant_id = ${office.tenantId} and kind = 'payment') as credits,
      (select count(*)::int from audit_log where tenant_id = ${office.tenantId} and action = 'payment.record') as audits`;
  return row!;
};
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Nairobi' }).format(new Date());

test('bad input is a 400 with a message beside each field, and nothing is stored', async () => {
  const before = await counts();
  const res = await finance.submit('/dashboard/payments/new', { accountNumber: '', method: 'bank', amount: 'ten bob', reference: '', receivedOn: '2999-01-01' });
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /Enter the customer account number/);
  assert.match(res.body, /Enter the amount in KES/);
  assert.match(res.body, /Enter the bank slip or transaction number/);
  assert.match(res.body, /cannot be in the future/);
  const unknown = await finance.submit('/dashboard/payments/new', { accountNumber: 'ZZ99999', method: 'cash', amount: '500', receivedOn: today() });
  assert.equal(unknown.statusCode, 400);
  assert.match(unknown.body, /No customer has account number ZZ99999/);
  assert.deepEqual(await counts(), before);
});

test('a bank payment is recorded with one ledger credit and an audit entry; the same bank reference again is refused', async () => {
  const before = await counts();
  const balance = await ledger.balance(office.db.sql, office.tenantId, customer.id);
  const fields = { accountNumber: customer.accountNumber.toLowerCase(), method: 'bank', amount: '2,500', reference: 'EQ-884512', receivedOn: today() };
  const ok = await finance.submit('/dashboard/payments/new', fields);
  assert.equal(ok.statusCode, 302, ok.body.slice(0, 300));
  assert.equal(await ledger.balance(office.db.sql, office.tenantId, customer.id), balance + 250_000);
  assert.deepEqual(await counts(), { payments: before.payments + 1, credits: before.credits + 1, audits: before.audits + 1 });

  const again = await finance.submit('/dashboard/payments/new', { ...fields, amount: '2500' });
  assert.equal(again.statusCode, 400);
  assert.match(again.body, /already recorded/);
  assert.deepEqual(await counts(), { payments: before.payments + 1, credits: before.credits + 1, audits: before.audits + 1 });

  // The same number as a cheque is a different document.
  const cheque = await finance.submit('/dashboard/payments/new', { ...fields, method: 'cheque' });
  assert.equal(cheque.statusCode, 302);

  const list = await finance.get('/dashboard/payments?method=bank');
  assert.equal(list.statusCode, 200);
  assert.match(list.body, /EQ-884512/);
  assert.match(list.body, /KES 2,500/);
  const numbers = await office.db.sql<{ receiptNumber: string }[]>`
    select receipt_number as "receiptNumber" from payments where tenant_id = ${office.tenantId} and external_ref = 'EQ-884512' order by receipt_number`;
  assert.equal(numbers.length, 2);
  const [first, second] = numbers.map((n) => Number(n.receiptNumber.slice(3)));
  assert.equal(second, first! + 1, 'the refused duplicate took no number from the series');
  assert.match(list.body, new RegExp(numbers[0]!.receiptNumber));
  assert.doesNotMatch((await finance.get('/dashboard/payments?method=cash')).body, /EQ-884512/);
});

test('support may read payments but not record them', async () => {
  const support = new Visitor(office.app);
  await support.signIn(demoEmail('support'));
  assert.equal((await support.get('/dashboard/payments')).statusCode, 200);
  assert.equal((await support.get('/dashboard/payments/new')).statusCode, 403);
});

test('finance sees the suspense queue with the raw M-Pesa body and allocates a payment once, audited', async () => {
  const { sql } = office.db;
  const body = { TransactionType: 'Pay Bill', TransID: 'SUSP7W6S01', TransTime: '20261121093000', TransAmount: '300.00', BusinessShortCode: '174379', BillRefNumber: 'MT0OO01', MSISDN: '2547 ***** 126', FirstName: 'Wanjiru' };
  const recorded = await sql.begin((tx) =>
    recordPayment(tx, { tenantId: office.tenantId, customerId: null, method: 'mpesa_c2b', amountCents: 30_000, externalRef: 'SUSP7W6S01', payerName: 'Wanjiru', receivedAt: new Date() }),
  );
  await mpesa.insertEvent(sql, { kind: 'c2b_confirmation', naturalKey: 'SUSP7W6S01', body, sourceIp: '196.201.214.200', tenantId: office.tenantId, outcome: 'suspense' });

  const queue = await finance.get('/dashboard/payments?method=suspense');
  assert.equal(queue.statusCode, 200);
  assert.match(queue.body, /SUSP7W6S01/);
  assert.doesNotMatch(queue.body, /EQ-884512/, 'only unallocated payments');
  const page = `/dashboard/payments/${recorded.paymentId}`;
  const detail = await finance.get(page);
  assert.equal(detail.statusCode, 200);
  assert.match(detail.body, /MT0OO01/, 'the raw body shows what the customer typed');
  assert.match(detail.body, /Allocate payment/);

  const balance = await ledger.balance(sql, office.tenantId, customer.id);
  const bad = await finance.submit(page, { accountNumber: 'ZZ99999' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /No customer has account number ZZ99999/);
  const ok = await finance.submit(page, { accountNumber: customer.accountNumber });
  assert.equal(ok.statusCode, 302);
  assert.equal(await ledger.balance(sql, office.tenantId, customer.id), balance + 30_000);
  const again = await finance.post(page, { _csrf: /name="_csrf" value="([^"]+)"/.exec((await finance.get('/dashboard/payments/new')).body)![1]!, accountNumber: customer.accountNumber });
  assert.equal(again.statusCode, 409);
  assert.equal(await ledger.balance(sql, office.tenantId, customer.id), balance + 30_000);
  const audits = await sql`select 1 from audit_log where action = 'payment.allocate' and entity_id = ${recorded.paymentId}`;
  assert.equal(audits.length, 1);

  const reseller = new Visitor(office.app);
  await reseller.signIn(demoEmail('reseller'));
  assert.equal((await reseller.get(page)).statusCode, 404, 'a payment of a customer the reseller does not own');
  assert.doesNotMatch((await reseller.get('/dashboard/payments?method=suspense')).body, /SUSP7W6S01/);
});

test('a payment is reversed once with a reason: one negative ledger line, audited, never deleted', async () => {
  const { sql } = office.db;
  const [payment] = await sql<{ id: string; customerId: string; amountCents: number }[]>`
    select id, customer_id as "customerId", amount_cents as "amountCents" from payments
    where tenant_id = ${office.tenantId} and method = 'bank' and external_ref = 'EQ-884512'`;
  assert.ok(payment);
  const page = `/dashboard/payments/${payment.id}`;
  const balance = await ledger.balance(sql, office.tenantId, payment.customerId);
  const noReason = await finance.submit(page, { intent: 'reverse', reason: '' });
  assert.equal(noReason.statusCode, 400);
  assert.match(noReason.body, /Give the reason/);
  const ok = await finance.submit(page, { intent: 'reverse', reason: 'Cheque bounced' });
  assert.equal(ok.statusCode, 302);
  assert.equal(await ledger.balance(sql, office.tenantId, payment.customerId), balance - payment.amountCents);
  assert.doesNotMatch((await finance.get(page)).body, /Reverse payment/, 'no reverse form once reversed');
  const again = await finance.submit(page, { intent: 'reverse', reason: 'Cheque bounced twice' });
  assert.equal(again.statusCode, 409);
  assert.match(again.body, /already reversed/);
  assert.equal(await ledger.balance(sql, office.tenantId, payment.customerId), balance - payment.amountCents);
  assert.match((await finance.get(page)).body, /Cheque bounced/);
  assert.equal((await sql`select 1 from payments where id = ${payment.id}`).length, 1);
  assert.equal((await sql`select 1 from audit_log where action = 'payment.reverse' and entity_id = ${payment.id}`).length, 1);
});
