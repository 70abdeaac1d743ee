import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { decryptSecret } from '../../db/encryption';
import { audit } from '../../db/queries/audit';
import { demoEmail } from '../../db/seed';
import { startBackOffice, Visitor, type BackOffice } from '../support/backoffice';
import { testSecrets } from '../support/web';

// One seeded back office for the file; each test makes its own records, so order does not matter.
let office: BackOffice;
before(async () => {
  office = await startBackOffice();
});
after(async () => {
  await office.close();
});

async function signedIn(email: string, password?: string): Promise<Visitor> {
  const visitor = new Visitor(office.app);
  await visitor.signIn(email, password);
  return visitor;
}

/** The page's text as a person reads it: tags and React's text-node markers gone, entities decoded. */
function read(res: LightMyRequestResponse): string {
  return res.body
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function assertRefused(res: LightMyRequestResponse, messages: RegExp[]): void {
  assert.equal(res.statusCode, 400, `expected 400, got ${res.statusCode}`);
  const page = read(res);
  assert.match(page, /Please correct the highlighted fields|cannot/);
  for (const m of messages) assert.match(page, m);
}

function assertSignedOut(res: LightMyRequestResponse): void {
  assert.equal(res.statusCode, 302);
  assert.match(String(res.headers.location), /^\/dashboard\/login\?next=/);
}

const count = async (table: 'routers' | 'staff' | 'tenants') => Number((await office.db.sql`select count(*)::int as n from ${office.db.sql(table)}`)[0]!.n);
const auditText = async (entityType: string, entityId: string) => {
  const rows = await office.db.sql<{ action: string; text: string }[]>`
    select action, coalesce(before::text, '') || coalesce(after::text, '') as text from audit_log
    where entity_type = ${entityType} and entity_id = ${entityId} order by id`;
  return rows;
};

test('routers: bad input is refused and stores nothing; the password is stored sealed and never shown', async () => {
  const admin = await signedIn(demoEmail('admin'));
  const routersBefore = await count('routers');

  const typedSecret = 'Typed-Then-Refused-77';
  const bad = await admin.submit('/dashboard/routers/new', { name: 'X', host: 'not a host!', apiPort: '70000', username: '', password: typedSecret });
  assertRefused(bad, [/Name must be at least 2 characters/, /Enter a hostname like/, /API port must be at most 65535/, /Enter the API username/]);
  assert.ok(!bad.body.includes(typedSecret), 'a refused form does not echo the password');
  assertRefused(await admin.submit('/dashboard/routers/new', { name: 'Edge', host: '10.0.0.300', username: 'api' }), [/Enter a hostname like/, /Enter the API password/]);
  const dup = await admin.submit('/dashboard/routers/new', { name: 'kahawa core', host: '10.9.9.9', username: 'api', password: 'whatever-1' });
  assertRefused(dup, [/A router with this name already exists/]);
  assert.match(dup.body, /value="10.9.9.9"/, 'what was typed is kept');
  assert.equal(await count('routers'), routersBefore);

  const secret = 'Rtr-S3cret-9f2b';
  const created = await admin.submit('/dashboard/routers/new', { name: 'Githurai Tower', host: '10.20.0.1', apiPort: '', useTls: 'on', username: 'mtandao', password: secret, site: 'Githurai 45' });
  assert.equal(created.statusCode, 302);
  assert.equal(created.headers.location, '/dashboard/routers');
  const sealed = async () => (await office.db.sql<{ id: string; apiPort: number; host: string; enc: string }[]>`
    select id, api_port as "apiPort", host, password_enc as enc from routers where tenant_id = ${office.tenantId} and name = 'Githurai Tower'`)[0]!;
  const router = await sealed();
  assert.equal(router.apiPort, 8729, 'TLS without a port means api-ssl');
  assert.ok(!router.enc.includes(secret));
  assert.equal(decryptSecret(router.enc, testSecrets.encryptionKey), secret);

  const list = await admin.get('/dashboard/routers');
  assert.match(read(list), /Githurai Tower[\s\S]*10\.20\.0\.1:8729/);
  const editPath = `/dashboard/routers/${router.id}`;
  const edit = await admin.get(editPath);
  assert.equal(edit.statusCode, 200);
  assert.match(edit.body, /Leave blank to keep the current password/);
  for (const page of [list, edit]) {
    assert.ok(!page.body.includes(secret) && !page.body.includes(router.enc), 'neither the password nor its ciphertext reaches a page');
  }

  assertRefused(await admin.submit(editPath, { name: 'Githurai Tower', host: '', username: 'mtandao' }), [/Enter the router's address/]);
  assert.deepEqual(await sealed(), router, 'a refused edit changes nothing');

  const kept = await admin.submit(editPath, { name: 'Githurai Tower', host: 'githurai.example.co.ke', apiPort: '8729', useTls: 'on', username: 'mtandao', password: '', site: '' });
  assert.equal(kept.statusCode, 302);
  const afterKeep = await sealed();
  assert.equal(afterKeep.host, 'githurai.example.co.ke');
  assert.equal(afterKeep.enc, router.enc, 'a blank password keeps the stored one');

  const newSecret = 'N3w-Router-Secret';
  assert.equal((await admin.submit(editPath, { name: 'Githurai Tower', host: 'githurai.example.co.ke', apiPort: '8729', useTls: 'on', username: 'mtandao', password: newSecret })).statusCode, 302);
  const afterChange = await sealed();
  assert.equal(decryptSecret(afterChange.enc, testSecrets.encryptionKey), newSecret);

  const rows = await auditText('router', router.id);
  assert.deepEqual(rows.map((r) => r.action), ['router.create', 'router.update', 'router.update']);
  const auditPage = await admin.get('/dashboard/audit?type=router');
  for (const leak of [secret, newSecret, router.enc, afterChange.enc]) {
    assert.ok(rows.every((r) => !r.text.includes(leak)), 'no password or ciphertext in the audit log');
    assert.ok(!auditPage.body.includes(leak), 'no password or ciphertext on the audit page');
  }

  const support = await signedIn(demoEmail('support'));
  assert.ok(!(await support.get('/dashboard/routers')).body.includes('Add router'), 'read-only roles get no add button');
  assert.equal((await support.get('/dashboard/routers/new')).statusCode, 403);
  assert.equal((await support.submit('/dashboard/routers', {}, editPath)).statusCode, 403);
});

test('staff: bad input is refused; deactivation and password resets end sessions; admins cannot lock themselves out', async () => {
  const admin = await signedIn(demoEmail('admin'));
  const staffBefore = await count('staff');

  assertRefused(await admin.submit('/dashboard/staff/new', { name: 'J', email: 'not-an-email', role: 'super_admin', password: 'short' }), [
    /Name must be at least 2 characters/,
    /Enter a valid email address/,
    /Choose a role/,
    /Password must be at least 10 characters/,
  ]);
  const dup = await admin.submit('/dashboard/staff/new', { name: 'Jane Wambui', email: demoEmail('finance').toUpperCase(), role: 'support', password: 'long-enough-pw' });
  assertRefused(dup, [/Someone already signs in with this email address/]);
  assert.match(dup.body, /value="Jane Wambui"/);
  assert.equal(await count('staff'), staffBefore);

  const email = 'jane.wambui@demo-isp.co.ke';
  const created = await admin.submit('/dashboard/staff/new', { name: 'Jane Wambui', email, role: 'support', password: 'first-password-1' });
  assert.equal(created.statusCode, 302);
  const memberPath = String(created.headers.location);
  assert.match(memberPath, /^\/dashboard\/staff\/[0-9a-f-]{36}$/);
  const list = read(await admin.get('/dashboard/staff'));
  assert.match(list, /Jane Wambui[\s\S]*jane\.wambui@demo-isp\.co\.ke[\s\S]*Support[\s\S]*Active/);

  let jane = await signedIn(email, 'first-password-1');
  assert.equal((await jane.get('/dashboard/routers')).statusCode, 200);

  const deactivated = await admin.submit(memberPath, { intent: 'deactivate' });
  assert.equal(deactivated.statusCode, 302);
  assert.match(read(await admin.get(String(deactivated.headers.location))), /Deactivated\. They have been signed out everywhere/);
  assertSignedOut(await jane.get('/dashboard/routers'));
  const refused = await new Visitor(office.app).submit('/dashboard/login', { email, password: 'first-password-1' });
  assert.equal(refused.statusCode, 403);
  assert.match(read(refused), /This account has been deactivated/);

  assert.equal((await admin.submit(memberPath, { intent: 'reactivate' })).statusCode, 302);
  jane = await signedIn(email, 'first-password-1');

  assertRefused(await admin.submit(memberPath, { intent: 'password', newPassword: 'short' }), [/Password must be at least 10 characters/]);
  assert.equal((await admin.submit(memberPath, { intent: 'password', newPassword: 'second-password-2' })).statusCode, 302);
  assertSignedOut(await jane.get('/dashboard'));
  assert.equal((await new Visitor(office.app).submit('/dashboard/login', { email, password: 'first-password-1' })).statusCode, 401);
  jane = await signedIn(email, 'second-password-2');

  // A role change takes effect at once: the old session, with the old permissions, ends.
  assert.equal((await admin.submit(memberPath, { intent: 'details', name: 'Jane W. Wambui', role: 'technician' })).statusCode, 302);
  assertSignedOut(await jane.get('/dashboard'));
  jane = await signedIn(email, 'second-password-2');
  assert.equal((await jane.get('/dashboard/routers/new')).statusCode, 200, 'technicians may add routers');

  const [me] = await office.db.sql<{ id: string }[]>`select id from staff where email = ${demoEmail('admin')}`;
  const myPath = `/dashboard/staff/${me!.id}`;
  assertRefused(await admin.submit(myPath, { intent: 'deactivate' }), [/You cannot deactivate your own account/]);
  assertRefused(await admin.submit(myPath, { intent: 'details', name: 'Demo admin', role: 'support' }), [/You cannot change your own role/]);
  const [still] = await office.db.sql<{ role: string; active: boolean }[]>`select role, active from staff where id = ${me!.id}`;
  assert.deepEqual({ ...still }, { role: 'admin', active: true });
  assert.equal((await admin.get('/dashboard/staff')).statusCode, 200, 'the admin is still signed in');

  const janeId = memberPath.split('/').pop()!;
  const rows = await auditText('staff', janeId);
  assert.deepEqual(rows.map((r) => r.action), ['staff.create', 'staff.update', 'staff.update', 'staff.reset_password', 'staff.update']);
  assert.ok(rows.every((r) => !r.text.includes('$argon2') && !r.text.includes('password-')), 'no hashes or passwords in the audit log');

  const support = await signedIn(demoEmail('support'));
  assert.equal((await support.get('/dashboard/staff')).statusCode, 403);
  assert.equal((await support.submit('/dashboard/routers', { intent: 'deactivate' }, myPath)).statusCode, 403);
});

test('settings: bad input is refused and stores nothing; a change is audited and the audit log filters it', async () => {
  const admin = await signedIn(demoEmail('admin'));
  const base = {
    name: 'Demo Networks Ltd', vatRate: '16', paybill: '174379', tillNumber: '', billingMode: 'prepaid', graceDays: '0', reminderDays: '7,3,1',
    lateFee: '0', suspendAfterDays: '0', smsSenderId: 'DEMONET', brandColor: '#0b6e4f', logoUrl: '', kraPin: 'P051234567Q', invoicePrefix: 'INV', accountPrefix: 'MT',
  };
  const tenantRow = async () => (await office.db.sql`select * from tenants where id = ${office.tenantId}`)[0];
  const stored = await tenantRow();

  const bad = await admin.submit('/dashboard/settings', {
    ...base, vatRate: '60', paybill: '12', billingMode: 'sometimes', graceDays: '61', reminderDays: '7,0,99', brandColor: 'green',
    logoUrl: 'ftp://logo', kraPin: '123', accountPrefix: 'M1', smsSenderId: 'A', suspendAfterDays: 'soon',
  });
  assertRefused(bad, [
    /VAT rate as a percentage from 0 to 50/, /A paybill number has 5 to 7 digits/, /Choose prepaid or postpaid/, /Grace days must be at most 60/,
    /Each reminder day must be a whole number from 1 to 60/, /Enter a colour as #rrggbb/, /Enter a web address starting with https:\/\//,
    /Enter a KRA PIN like/, /Use 1 to 4 letters/, /A sender ID is 3 to 11/, /Days before suspension must be a number/,
  ]);
  assert.match(bad.body, /value="ftp:\/\/logo"/, 'what was typed is kept');
  assertRefused(await admin.submit('/dashboard/settings', { ...base, reminderDays: '1,2,3,4,5,6,7,8,9,10,11' }), [/at most 10 reminder days/]);
  assert.deepEqual(await tenantRow(), stored);

  const saved = await admin.submit('/dashboard/settings', {
    ...base, vatRate: '16.5', graceDays: '3', reminderDays: '1, 7 ,3,7', lateFee: '2.5%', brandColor: '#0A5C8E', kraPin: 'p051234567q', tillNumber: '123456', invoicePrefix: 'inv',
  });
  assert.equal(saved.statusCode, 302);
  const page = await admin.get(String(saved.headers.location));
  assert.match(read(page), /Settings saved/);
  assert.match(page.body, /name="reminderDays"[^>]*value="7,3,1"/);
  const now = await tenantRow();
  assert.deepEqual(
    { vat: now!.vat_rate_bp, grace: now!.grace_days, reminders: now!.reminder_days, lateFee: now!.late_fee_bp, colour: now!.brand_color, pin: now!.kra_pin, till: now!.till_number, prefix: now!.invoice_prefix },
    { vat: 1650, grace: 3, reminders: [7, 3, 1], lateFee: 250, colour: '#0a5c8e', pin: 'P051234567Q', till: '123456', prefix: 'INV' },
  );

  const [entry] = await office.db.sql<{ actor: string; before: { vatRateBp: number }; after: { vatRateBp: number } }[]>`
    select actor_label as actor, before, after from audit_log where tenant_id = ${office.tenantId} and action = 'tenant.update_settings'`;
  assert.match(entry!.actor, /Demo admin/);
  assert.equal(entry!.before.vatRateBp, 1600);
  assert.equal(entry!.after.vatRateBp, 1650);

  // Something of another kind, by someone else, for the filters to tell apart.
  const technician = await signedIn(demoEmail('technician'));
  assert.equal((await technician.submit('/dashboard/routers/new', { name: 'Audit Filter Router', host: '10.1.1.1', username: 'api', password: 'tech-secret-1' })).statusCode, 302);

  const everything = read(await admin.get('/dashboard/audit'));
  assert.match(everything, /tenant\.update_settings[\s\S]*vatRateBp: 1600 → 1650/);
  assert.ok(everything.indexOf('router.create') < everything.indexOf('tenant.update_settings'), 'newest first');
  const tenantOnly = read(await admin.get('/dashboard/audit?type=tenant'));
  assert.match(tenantOnly, /tenant\.update_settings/);
  assert.ok(!tenantOnly.includes('router.create'));
  const routerOnly = read(await admin.get('/dashboard/audit?type=router'));
  assert.match(routerOnly, /router\.create/);
  assert.ok(!routerOnly.includes('tenant.update_settings'));
  const [tech] = await office.db.sql<{ id: string }[]>`select id from staff where email = ${demoEmail('technician')}`;
  const byTechnician = read(await admin.get(`/dashboard/audit?actor=${tech!.id}`));
  assert.match(byTechnician, /router\.create/);
  assert.ok(!byTechnician.includes('tenant.update_settings'));

  for (let i = 0; i < 30; i++) {
    await audit.record(office.db.sql, { tenantId: office.tenantId, actor: { id: null, label: 'paging probe' }, action: 'probe.ping', entityType: 'probe', entityId: String(i) });
  }
  assert.match(read(await admin.get('/dashboard/audit?type=probe')), /Page 1 of 2 · 30 in all/);
  const second = read(await admin.get('/dashboard/audit?type=probe&page=2'));
  assert.equal(second.match(/probe\.ping/g)?.length, 5);

  const finance = await signedIn(demoEmail('finance'));
  assert.equal((await finance.get('/dashboard/audit')).statusCode, 200, 'finance reads the audit log');
  assert.equal((await finance.get('/dashboard/settings')).statusCode, 403);
});

test('super admin: picks an ISP, creates one with its first admin, who sees only their own empty ISP', async () => {
  const superAdmin = await signedIn(demoEmail('super_admin'));
  const home = await superAdmin.get('/dashboard');
  assert.equal(home.statusCode, 302);
  assert.equal(home.headers.location, '/dashboard/tenants?pick=1');
  assert.match(read(await superAdmin.get('/dashboard/tenants?pick=1')), /Choose an ISP to work in[\s\S]*Demo Networks Ltd/);

  const before = { tenants: await count('tenants'), staff: await count('staff') };
  assertRefused(await superAdmin.submit('/dashboard/tenants/new', { name: 'K', slug: 'Bad Slug!', status: 'closed', adminName: '', adminEmail: 'nope', adminPassword: 'short' }), [
    /ISP name must be at least 2 characters/,
    /Use 3 to 40 lowercase letters/,
    /Choose a status/,
    /Enter the admin's name/,
    /Enter a valid email address/,
    /Password must be at least 10 characters/,
  ]);
  const fields = { name: 'Kahawa Net', slug: 'kahawa-net', status: 'active', adminName: 'Akinyi Otieno', adminEmail: 'akinyi@kahawa.co.ke', adminPassword: 'kahawa-admin-1' };
  assertRefused(await superAdmin.submit('/dashboard/tenants/new', { ...fields, slug: 'demo', adminEmail: demoEmail('admin') }), [/Another ISP already uses this short name/, /Someone already signs in with this email address/]);
  assert.deepEqual({ tenants: await count('tenants'), staff: await count('staff') }, before);

  const created = await superAdmin.submit('/dashboard/tenants/new', fields);
  assert.equal(created.statusCode, 302);
  const tenantPath = String(created.headers.location).replace(/\?.*/, '');
  const tenantId = tenantPath.split('/').pop()!;
  assert.match(read(await superAdmin.get(String(created.headers.location))), /ISP created[\s\S]*Akinyi Otieno <akinyi@kahawa\.co\.ke>/);

  const akinyi = await signedIn('akinyi@kahawa.co.ke', 'kahawa-admin-1');
  const overview = read(await akinyi.get('/dashboard'));
  assert.match(overview, /Kahawa Net/);
  assert.ok(!overview.includes('Demo Networks Ltd'));
  assert.match(read(await akinyi.get('/dashboard/packages')), /No packages yet/);
  assert.match(read(await akinyi.get('/dashboard/routers')), /No routers yet/);
  const team = read(await akinyi.get('/dashboard/staff'));
  assert.match(team, /Akinyi Otieno/);
  assert.ok(!team.includes('Demo admin'));
  const [demoRouter] = await office.db.sql<{ id: string }[]>`select id from routers where tenant_id = ${office.tenantId} limit 1`;
  assert.equal((await akinyi.get(`/dashboard/routers/${demoRouter!.id}`)).statusCode, 404, "another ISP's router does not exist for them");
  assert.equal((await akinyi.get('/dashboard/tenants')).statusCode, 403);

  const work = await superAdmin.submit(tenantPath, { intent: 'work' });
  assert.equal(work.statusCode, 302);
  assert.equal(work.headers.location, '/dashboard');
  assert.match(read(await superAdmin.get('/dashboard')), /Kahawa Net/);
  assert.match(read(await superAdmin.get('/dashboard/tenants')), /Kahawa Net[\s\S]*Working here/);

  assert.equal((await superAdmin.submit(tenantPath, { intent: 'suspend' })).statusCode, 302);
  const [row] = await office.db.sql<{ status: string }[]>`select status from tenants where id = ${tenantId}`;
  assert.equal(row!.status, 'suspended');
  const actions = await office.db.sql<{ action: string; before: unknown; after: unknown }[]>`
    select action, before, after from audit_log where tenant_id = ${tenantId} and entity_type = 'tenant' order by id`;
  assert.deepEqual(actions.map((a) => a.action), ['tenant.create', 'tenant.set_status']);
  assert.deepEqual([actions[1]!.before, actions[1]!.after], [{ status: 'active' }, { status: 'suspended' }]);
});
