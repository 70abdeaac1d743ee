import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoEmail } from '../../db/seed';
import { startBackOffice, Visitor, type BackOffice } from '../support/backoffice';

let office: BackOffice;
let admin: Visitor;
before(async () => {
  office = await startBackOffice();
  admin = new Visitor(office.app);
  await admin.signIn(demoEmail('admin'));
});
after(() => office.close());

const good = { kind: 'pppoe', name: 'Biashara 30', downloadMbps: '30', uploadMbps: '10', price: '4,500', validityUnit: 'month', validityCount: '1', sharedDevices: '1', active: 'on' };
const count = async () => Number((await office.db.sql<{ n: number }[]>`select count(*) as n from packages`)[0]!.n);

test('bad package input gets a message beside each field and stores nothing', async () => {
  const before = await count();
  const res = await admin.submit('/dashboard/packages/new', {
    ...good,
    name: '',
    downloadMbps: 'fast',
    price: '-50',
  });
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /Enter a name/);
  assert.match(res.body, /Download speed \(Mbps\) must be a number/);
  assert.match(res.body, /Enter the price in KES/);
  assert.equal(await count(), before);
});

test('rules across fields: monthly validity and burst speeds', async () => {
  const long = await admin.submit('/dashboard/packages/new', { ...good, validityCount: '13' });
  assert.equal(long.statusCode, 400);
  assert.match(long.body, /Monthly packages last at most 12 months/);
  const burst = await admin.submit('/dashboard/packages/new', { ...good, burstDownloadMbps: '20', burstUploadMbps: '20' });
  assert.equal(burst.statusCode, 400);
  assert.match(burst.body, /Burst download must be faster than the normal download speed/);
  const half = await admin.submit('/dashboard/packages/new', { ...good, burstDownloadMbps: '60' });
  assert.match(half.body, /Give both burst speeds, or neither/);
});

test('a PPPoE package cannot claim shared devices, and names are unique', async () => {
  const shared = await admin.submit('/dashboard/packages/new', { ...good, sharedDevices: '3' });
  assert.equal(shared.statusCode, 400);
  assert.match(shared.body, /shared devices apply to hotspot packages/);
  const dup = await admin.submit('/dashboard/packages/new', { ...good, name: 'home 10 mbps' });
  assert.equal(dup.statusCode, 400);
  assert.match(dup.body, /already exists/);
});

test('a new package is listed with its KES price, stored in cents, and audited', async () => {
  const res = await admin.submit('/dashboard/packages/new', good);
  assert.equal(res.statusCode, 302);
  const list = await admin.get('/dashboard/packages');
  assert.match(list.body, /Biashara 30/);
  assert.match(list.body, /KES 4,500/);
  const [row] = await office.db.sql<{ id: string; priceCents: number; downloadKbps: number }[]>`
    select id, price_cents as "priceCents", download_kbps as "downloadKbps" from packages where name = 'Biashara 30'`;
  assert.equal(row?.priceCents, 450_000);
  assert.equal(row?.downloadKbps, 30_000);
  const [entry] = await office.db.sql`select action from audit_log where entity_id = ${row!.id}`;
  assert.equal(entry?.action, 'package.create');
});

test('editing with bad input keeps the stored package unchanged', async () => {
  const [row] = await office.db.sql<{ id: string }[]>`select id from packages where name = 'Home 5 Mbps'`;
  const res = await admin.submit(`/dashboard/packages/${row!.id}`, { ...good, name: 'Home 5 Mbps', price: 'free' });
  assert.equal(res.statusCode, 400);
  const [after] = await office.db.sql<{ priceCents: number }[]>`select price_cents as "priceCents" from packages where id = ${row!.id}`;
  assert.equal(after?.priceCents, 150_000);
  const ok = await admin.submit(`/dashboard/packages/${row!.id}`, { ...good, name: 'Home 5 Mbps', price: '1,600' });
  assert.equal(ok.statusCode, 302);
  const [changed] = await office.db.sql<{ before: { priceCents: number }; after: { priceCents: number } }[]>`
    select before, after from audit_log where entity_id = ${row!.id} and action = 'package.update'`;
  assert.equal(changed?.before.priceCents, 150_000);
  assert.equal(changed?.after.priceCents, 160_000);
});

test('an unknown package id is a 404, not an error', async () => {
  assert.equal((await admin.get('/dashboard/packages/not-a-uuid')).statusCode, 404);
  assert.equal((await admin.get('/dashboard/packages/00000000-0000-4000-8000-000000000000')).statusCode, 404);
});
