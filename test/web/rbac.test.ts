import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoEmail, SECOND_RESELLER_EMAIL } from '../../db/seed';
import { STAFF_ROLES, type StaffRole } from '../../db/queries/staff';
import { can, type Permission } from '../../web/app/auth/permissions';
import { startBackOffice, Visitor, type BackOffice } from '../support/backoffice';

// Every back-office page, the permission it needs, and (for ids) which seeded row to open.
const ROUTES: { path: string; permission: Permission }[] = [
  { path: '/dashboard', permission: 'overview:view' },
  { path: '/dashboard/customers', permission: 'customers:read' },
  { path: '/dashboard/customers/new', permission: 'customers:write' },
  { path: '/dashboard/customers/:customerId', permission: 'customers:read' },
  { path: '/dashboard/customers/:customerId/edit', permission: 'customers:write' },
  { path: '/dashboard/customers/import', permission: 'customers:import' },
  { path: '/dashboard/customers/export.csv', permission: 'customers:export' },
  { path: '/dashboard/applications', permission: 'customers:kyc' },
  { path: '/dashboard/installations', permission: 'installations:read' },
  { path: '/dashboard/packages', permission: 'packages:read' },
  { path: '/dashboard/payments', permission: 'payments:read' },
  { path: '/dashboard/payments/new', permission: 'payments:record' },
  { path: '/dashboard/payments/:paymentId', permission: 'payments:read' },
  { path: '/dashboard/packages/new', permission: 'packages:write' },
  { path: '/dashboard/packages/:packageId', permission: 'packages:write' },
  { path: '/dashboard/routers', permission: 'routers:read' },
  { path: '/dashboard/routers/new', permission: 'routers:write' },
  { path: '/dashboard/routers/:routerId', permission: 'routers:write' },
  { path: '/dashboard/staff', permission: 'staff:manage' },
  { path: '/dashboard/staff/new', permission: 'staff:manage' },
  { path: '/dashboard/staff/:staffId', permission: 'staff:manage' },
  { path: '/dashboard/sms', permission: 'sms:send' },
  { path: '/dashboard/sms/new', permission: 'sms:send' },
  { path: '/dashboard/sms/log', permission: 'sms:send' },
  { path: '/dashboard/sms/templates', permission: 'settings:manage' },
  { path: '/dashboard/audit', permission: 'audit:read' },
  { path: '/dashboard/settings', permission: 'settings:manage' },
  { path: '/dashboard/tenants', permission: 'tenants:manage' },
  { path: '/dashboard/tenants/new', permission: 'tenants:manage' },
];

const TENANT_ROLES = STAFF_ROLES.filter((r) => r !== 'super_admin');

let office: BackOffice;
const ids: Record<string, string> = {};
let othersCustomerId: string;

before(async () => {
  office = await startBackOffice();
  const { sql } = office.db;
  const [row] = await sql<{ customerId: string; packageId: string; routerId: string; staffId: string; paymentId: string }[]>`
    select
      (select c.id from customers c join staff s on s.id = c.reseller_id where s.email = ${demoEmail('reseller')} limit 1) as "customerId",
      (select p.id from payments p join customers c on c.id = p.customer_id join staff s on s.id = c.reseller_id
        where s.email = ${demoEmail('reseller')} order by p.received_at limit 1) as "paymentId",
      (select id from packages limit 1) as "packageId",
      (select id from routers limit 1) as "routerId",
      (select id from staff where email = ${demoEmail('support')}) as "staffId"`;
  Object.assign(ids, row);
  const [other] = await sql<{ id: string }[]>`
    select c.id from customers c join staff s on s.id = c.reseller_id where s.email = ${SECOND_RESELLER_EMAIL} limit 1`;
  othersCustomerId = other!.id;
});

after(() => office.close());

const fill = (path: string) => path.replace(/:(\w+)/g, (_, key: string) => ids[key]!);

test('anonymous visitors are sent to sign in from every back-office page', async () => {
  const visitor = new Visitor(office.app);
  for (const route of ROUTES) {
    const res = await visitor.get(fill(route.path));
    assert.equal(res.statusCode, 302, route.path);
    assert.match(String(res.headers.location), /^\/dashboard\/login\?next=/, route.path);
  }
});

for (const role of TENANT_ROLES) {
  test(`${role}: allowed pages answer 200, the rest 403`, async () => {
    const visitor = new Visitor(office.app);
    await visitor.signIn(demoEmail(role));
    for (const route of ROUTES) {
      const res = await visitor.get(fill(route.path));
      const expected = can(role, route.permission) ? 200 : 403;
      assert.equal(res.statusCode, expected, `${role} ${route.path}`);
    }
  });
}

test('super admin: manages ISPs, and is asked to pick one before working inside it', async () => {
  const visitor = new Visitor(office.app);
  await visitor.signIn(demoEmail('super_admin'));
  for (const route of ROUTES) {
    const res = await visitor.get(fill(route.path));
    if (route.permission === 'tenants:manage') assert.equal(res.statusCode, 200, route.path);
    else assert.equal(res.headers.location, '/dashboard/tenants?pick=1', route.path);
  }
  const picked = await visitor.submit(`/dashboard/tenants/${office.tenantId}`, { intent: 'work' });
  assert.equal(picked.statusCode, 302);
  for (const route of ROUTES) assert.equal((await visitor.get(fill(route.path))).statusCode, 200, `super_admin in the ISP ${route.path}`);
});

test('actions are refused server-side for roles without the permission, whatever the form says', async () => {
  const expectations: [StaffRole, number][] = TENANT_ROLES.map((role) => [role, can(role, 'packages:write') ? 400 : 403]);
  for (const [role, expected] of expectations) {
    const visitor = new Visitor(office.app);
    await visitor.signIn(demoEmail(role));
    // A page the role may open supplies a valid CSRF token, so only the permission can refuse.
    const res = await visitor.submit('/dashboard', { kind: 'pppoe', name: '' }, '/dashboard/packages/new');
    assert.equal(res.statusCode, expected, role);
  }
  const [{ n }] = (await office.db.sql<{ n: number }[]>`select count(*) as n from packages where name = ''`) as unknown as [{ n: number }];
  assert.equal(n, 0);
});

test("a reseller cannot open another reseller's customer by id", async () => {
  const visitor = new Visitor(office.app);
  await visitor.signIn(demoEmail('reseller'));
  assert.equal((await visitor.get(`/dashboard/customers/${ids.customerId}`)).statusCode, 200);
  assert.equal((await visitor.get(`/dashboard/customers/${othersCustomerId}`)).statusCode, 404);
  assert.equal((await visitor.get(`/dashboard/customers/${othersCustomerId}/edit`)).statusCode, 404);
  const list = await visitor.get('/dashboard/customers');
  assert.doesNotMatch(list.body, new RegExp(othersCustomerId));
});

test("a suspended ISP's staff are refused until it is reactivated", async () => {
  const visitor = new Visitor(office.app);
  await visitor.signIn(demoEmail('admin'));
  await office.db.sql`update tenants set status = 'suspended' where id = ${office.tenantId}`;
  try {
    const res = await visitor.get('/dashboard/customers');
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /is suspended on Mtandao/);
  } finally {
    await office.db.sql`update tenants set status = 'active' where id = ${office.tenantId}`;
  }
  assert.equal((await visitor.get('/dashboard/customers')).statusCode, 200);
});
