import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoEmail } from '../../db/seed';
import { ledger } from '../../db/queries/ledger';
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
  assert.doesNotMatch((await finance.get('/dashboard/payments?method=cash')).body, /EQ-884512/);
});

test('support may read payments but not record them', async () => {
  const support = new Visitor(office.app);
  await support.signIn(demoEmail('support'));
  assert.equal((await support.get('/dashboard/payments')).statusCode, 200);
  assert.equal((await support.get('/dashboard/payments/new')).statusCode, 403);
});
