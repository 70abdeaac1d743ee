import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoEmail } from '../../db/seed';
import { recordPayment, reversePayment, type NewPayment } from '../../db/queries/payments';
import { startBackOffice, Visitor, type BackOffice } from '../support/backoffice';

let office: BackOffice;
let finance: Visitor;

before(async () => {
  office = await startBackOffice();
  finance = new Visitor(office.app);
  await finance.signIn(demoEmail('finance'));
  const [c] = await office.db.sql<{ id: string }[]>`select id from customers where tenant_id = ${office.tenantId} order by account_number limit 1`;
  const pay = (p: Partial<NewPayment> & { externalRef: string; receivedAt: Date }) =>
    office.db.sql.begin((tx) => recordPayment(tx, { tenantId: office.tenantId, customerId: c!.id, method: 'cash', amountCents: 10_000, ...p }));
  // 00:30 on 11 March in Nairobi is still 10 March in UTC; 23:30 on 10 March in Nairobi is the day before.
  await pay({ externalRef: 'FLT-EARLY-11', receivedAt: new Date('2026-03-10T21:30:00Z') });
  await pay({ externalRef: 'FLT-LATE-10', method: 'bank', receivedAt: new Date('2026-03-10T20:30:00Z') });
  await pay({ externalRef: 'FLTSUSP0011', method: 'mpesa_c2b', customerId: null, receivedAt: new Date('2026-03-11T09:00:00Z') });
  const reversed = await pay({ externalRef: 'FLT-REV-12', receivedAt: new Date('2026-03-12T09:00:00Z') });
  await office.db.sql.begin((tx) => reversePayment(tx, { tenantId: office.tenantId, paymentId: reversed.paymentId, staffId: null, reason: 'counted twice' }));
  for (let i = 0; i < 30; i++) await pay({ externalRef: `FLT-PAGE-${i}`, receivedAt: new Date(`2026-04-01T0${i % 10}:00:00Z`) });
});
after(() => office.close());

const list = async (query: string) => {
  const res = await finance.get(`/dashboard/payments?${query}`);
  // React separates adjacent text with <!-- --> in server HTML.
  return { status: res.statusCode, body: res.body.replaceAll('<!-- -->', '') };
};

test('a date range is Nairobi days, both ends included', async () => {
  const day = await list('from=2026-03-11&to=2026-03-11');
  assert.equal(day.status, 200);
  assert.match(day.body, /FLT-EARLY-11/);
  assert.match(day.body, /FLTSUSP0011/);
  assert.doesNotMatch(day.body, /FLT-LATE-10/);
  assert.doesNotMatch(day.body, /FLT-REV-12/);
  const before = await list('to=2026-03-10&from=2026-03-10');
  assert.match(before.body, /FLT-LATE-10/);
  assert.doesNotMatch(before.body, /FLT-EARLY-11/);
});

test('status: normal, reversed and the suspense queue', async () => {
  const reversed = await list('status=reversed');
  assert.match(reversed.body, /FLT-REV-12/);
  assert.doesNotMatch(reversed.body, /FLT-EARLY-11/);
  const suspense = await list('status=suspense');
  assert.match(suspense.body, /FLTSUSP0011/);
  assert.doesNotMatch(suspense.body, /FLT-EARLY-11/);
  const normal = await list('status=normal&from=2026-03-11&to=2026-03-12');
  assert.match(normal.body, /FLT-EARLY-11/);
  assert.doesNotMatch(normal.body, /FLT-REV-12/);
  assert.doesNotMatch(normal.body, /FLTSUSP0011/);
  const withMethod = await list('status=normal&method=bank&from=2026-03-10&to=2026-03-12');
  assert.match(withMethod.body, /FLT-LATE-10/);
  assert.doesNotMatch(withMethod.body, /FLT-EARLY-11/);
});

test('bad filters show a message and are left out, never a 500', async () => {
  const bad = await list('from=2026-02-30&status=paid&method=bitcoin');
  assert.equal(bad.status, 400);
  assert.match(bad.body, /From is not a real date/);
  assert.match(bad.body, /Status must be normal, reversed or suspense/);
  assert.match(bad.body, /Method is not a payment method/);
  const garbage = await list(`from=${encodeURIComponent("'; drop table payments;--")}`);
  assert.equal(garbage.status, 400);
  assert.match(garbage.body, /From must be a date like 2026-11-21/);
  const backwards = await list('from=2026-03-12&to=2026-03-10');
  assert.equal(backwards.status, 400);
  assert.match(backwards.body, /To must not be before From/);
});

test('pagination keeps the filters', async () => {
  const page1 = await list('method=cash&from=2026-04-01&to=2026-04-01');
  assert.match(page1.body, /Page 1 of 2 · 30 in all/);
  const next = /href="([^"]*page=2[^"]*)"/.exec(page1.body)?.[1]?.replaceAll('&amp;', '&');
  assert.ok(next, 'a next-page link');
  const params = new URL(next, 'http://x').searchParams;
  assert.equal(params.get('method'), 'cash');
  assert.equal(params.get('from'), '2026-04-01');
  assert.equal(params.get('to'), '2026-04-01');
  const page2 = await finance.get(next);
  assert.match(page2.body.replaceAll('<!-- -->', ''), /Page 2 of 2 · 30 in all/);
});
