import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoEmail } from '../../db/seed';
import { startBackOffice, Visitor, type BackOffice } from '../support/backoffice';

let office: BackOffice;
before(async () => {
  office = await startBackOffice();
});
after(() => office.close());

test('the session cookie is signed, httpOnly and SameSite, and sign-out ends it', async () => {
  const visitor = new Visitor(office.app);
  const res = await visitor.signIn(demoEmail('admin'));
  const cookie = String(res.headers['set-cookie']);
  assert.match(cookie, /mtandao_staff=[^;]+\.[^;]+;/, 'value carries a signature');
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);
  assert.equal((await visitor.get('/dashboard')).statusCode, 200);

  const out = await visitor.submit('/dashboard', {}, '/dashboard/logout');
  assert.equal(out.headers.location, '/dashboard/login');
  assert.equal((await visitor.get('/dashboard')).statusCode, 302);
});

test('a tampered session cookie is not accepted', async () => {
  const forged = Buffer.from(JSON.stringify({ staffId: '00000000-0000-0000-0000-000000000000', version: 1 })).toString('base64');
  const res = await office.app.inject({ url: '/dashboard', headers: { cookie: `mtandao_staff=${forged}.bogus` } });
  assert.equal(res.statusCode, 302);
  assert.match(String(res.headers.location), /^\/dashboard\/login/);
});

test('a form without the CSRF token is refused and changes nothing', async () => {
  const visitor = new Visitor(office.app);
  await visitor.signIn(demoEmail('admin'));
  const res = await visitor.post('/dashboard/packages/new', { kind: 'pppoe', name: 'Sneaky', downloadMbps: '5', uploadMbps: '5', price: '100', validityUnit: 'month', validityCount: '1', sharedDevices: '1' });
  assert.equal(res.statusCode, 403);
  const rows = await office.db.sql`select 1 from packages where name = 'Sneaky'`;
  assert.equal(rows.length, 0);
});

test('wrong passwords are answered vaguely, then the account locks even for the right password', async () => {
  const email = demoEmail('sales');
  for (let i = 0; i < 5; i++) {
    const res = await new Visitor(office.app).submit('/dashboard/login', { email, password: 'not-the-password' });
    assert.equal(res.statusCode, 401);
    assert.match(res.body, /Email or password is incorrect/);
  }
  const locked = await new Visitor(office.app).submit('/dashboard/login', { email, password: 'mtandao-demo' });
  assert.equal(locked.statusCode, 429);
  assert.match(locked.body, /Too many failed attempts/);
  const [audit] = await office.db.sql`select action from audit_log where action = 'staff.locked'`;
  assert.ok(audit, 'the lockout is in the audit log');

  const unknown = await new Visitor(office.app).submit('/dashboard/login', { email: 'nobody@demo.mtandao.local', password: 'whatever-it-is' });
  assert.equal(unknown.statusCode, 401, 'an unknown email looks the same as a wrong password');
  assert.match(unknown.body, /Email or password is incorrect/);
});

test('sign-in only redirects within the back office', async () => {
  const visitor = new Visitor(office.app);
  const res = await visitor.submit('/dashboard/login', { email: demoEmail('admin'), password: 'mtandao-demo', next: 'https://evil.example/steal' });
  assert.equal(res.headers.location, '/dashboard');
  const deep = await new Visitor(office.app).submit('/dashboard/login', { email: demoEmail('admin'), password: 'mtandao-demo', next: '/dashboard/packages' });
  assert.equal(deep.headers.location, '/dashboard/packages');
});

test('the login form reports missing fields beside them', async () => {
  const res = await new Visitor(office.app).submit('/dashboard/login', { email: 'not-an-email', password: '' });
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /Enter a valid email address/);
  assert.match(res.body, /Enter your password/);
});
