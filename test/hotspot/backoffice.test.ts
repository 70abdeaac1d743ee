import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { encryptSecret } from '../../db/encryption';
import { hotspot } from '../../db/queries/hotspot';
import { packages } from '../../db/queries/packages';
import { recordPayment } from '../../db/queries/payments';
import { routers } from '../../db/queries/routers';
import { demoEmail } from '../../db/seed';
import { startBackOffice, Visitor, type BackOffice } from '../support/backoffice';
import { testSecrets } from '../support/web';

let office: BackOffice;
let finance: Visitor;
let routerIds: string[];

// Purchases on both demo routers: paid and online, paid then credited (router failed), and one never paid.
before(async () => {
  office = await startBackOffice();
  finance = new Visitor(office.app);
  await finance.signIn(demoEmail('finance'));
  const sql = office.db.sql;
  routerIds = (await routers.list(sql, office.tenantId)).map((r) => r.id);
  const plans = await packages.list(sql, office.tenantId, { kind: 'hotspot' });
  const buy = async (n: number, routerId: string, plan: (typeof plans)[number], status: 'active' | 'credited' | 'unpaid', createdAt: string) => {
    const id = randomUUID();
    await hotspot.create(sql, {
      id, tenantId: office.tenantId, routerId, packageId: plan.id, phone: `2547120000${String(n).padStart(2, '0')}`, amountCents: plan.priceCents,
      mac: null, deviceIp: null, linkLoginOnly: null, linkOrig: null, chapId: null, chapChallenge: null, clientIp: '127.0.0.1', workflowId: `hotspot-${office.tenantId}-${id}`,
    });
    if (status !== 'unpaid') {
      const paid = await sql.begin((tx) => recordPayment(tx, { tenantId: office.tenantId, customerId: null, method: 'mpesa_stk', amountCents: plan.priceCents, externalRef: `HSBO${n}XYZ12`, receivedAt: new Date(createdAt) }));
      await hotspot.assignCredentials(sql, { id, paymentId: paid.paymentId, code: `K${String(n).padStart(5, '2')}`.replace(/[01]/g, '9'), passwordEnc: encryptSecret('x', testSecrets.encryptionKey) });
    }
    await hotspot.setStatus(sql, id, { status, expiresAt: new Date(Date.parse(createdAt) + 3_600_000) });
    await sql`update hotspot_purchases set created_at = ${createdAt} where id = ${id}`;
  };
  const [hour, day] = [plans.find((p) => p.name === '1 hour')!, plans.find((p) => p.name === '24 hours')!];
  await buy(1, routerIds[0]!, hour, 'active', '2026-05-01T07:00:00Z');
  await buy(2, routerIds[0]!, day, 'active', '2026-05-01T08:00:00Z');
  await buy(3, routerIds[1]!, day, 'active', '2026-05-02T08:00:00Z');
  await buy(4, routerIds[1]!, hour, 'credited', '2026-05-02T09:00:00Z');
  await buy(5, routerIds[1]!, hour, 'unpaid', '2026-05-02T10:00:00Z');
});
after(() => office.close());

const page = async (who: Visitor, query = '') => {
  const res = await who.get(`/dashboard/hotspot${query ? `?${query}` : ''}`);
  return { status: res.statusCode, body: res.body.replaceAll('<!-- -->', '') };
};

test('finance sees purchases, statuses and revenue per router (wallet credits are not revenue)', async () => {
  const all = await page(finance);
  assert.equal(all.status, 200);
  assert.match(all.body, /Kahawa Core/);
  assert.match(all.body, /Credited to wallet/);
  assert.match(all.body, /Not paid/);
  assert.match(all.body, /0712 000 001/);
  // Kahawa: KES 10 + 50; Roysambu: KES 50 (the credited KES 10 is not revenue); total KES 110.
  assert.match(all.body, /Kahawa Core<\/a><\/td><td class="num">2<\/td><td class="num">KES 60</);
  assert.match(all.body, /Roysambu Tower<\/a><\/td><td class="num">1<\/td><td class="num">KES 50</);
  assert.match(all.body, /KES 110/);
  assert.match(all.body, /href="\/dashboard\/hotspot"[^>]*>Hotspot</, 'linked from the back-office navigation');
  assert.match(all.body, /1 guest paid \(KES 10\) but the router never took them/, 'staff alert');
});

test('filters: router, package, Nairobi dates; a bad value gets a message', async () => {
  const roysambu = await page(finance, `router=${routerIds[1]}`);
  assert.doesNotMatch(roysambu.body, /0712 000 001/);
  assert.match(roysambu.body, /0712 000 004/);
  const may1 = await page(finance, 'from=2026-05-01&to=2026-05-01');
  assert.match(may1.body, /0712 000 002/);
  assert.doesNotMatch(may1.body, /0712 000 003/);
  const bad = await page(finance, 'from=2026-02-31&router=nope');
  assert.equal(bad.status, 400);
  assert.match(bad.body, /From is not a real date/);
  assert.match(bad.body, /Router is not a router/);
});

test('RBAC: technicians are refused, resellers do not see hotspot guests', async () => {
  const technician = new Visitor(office.app);
  await technician.signIn(demoEmail('technician'));
  assert.equal((await technician.get('/dashboard/hotspot')).statusCode, 403);
  const reseller = new Visitor(office.app);
  await reseller.signIn(demoEmail('reseller'));
  assert.equal((await reseller.get('/dashboard/hotspot')).statusCode, 404);
});

test('login.html for a router downloads with the portal address and the router id filled in', async () => {
  const technician = new Visitor(office.app);
  await technician.signIn(demoEmail('technician'));
  const res = await technician.get(`/dashboard/routers/${routerIds[0]}/login.html`);
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-disposition']), /login\.html/);
  assert.match(res.body, new RegExp(`/hotspot\\?router=${routerIds[0]}&amp;mac=\\$\\(mac-esc\\)`));
  assert.doesNotMatch(res.body, /PORTAL\.EXAMPLE|ROUTER-ID/);
  assert.equal((await technician.get(`/dashboard/routers/${randomUUID()}/login.html`)).statusCode, 404);
});
