import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { PORTAL_DEMO_PHONES } from '../../db/seed-portal';
import { codeHash } from '../../web/app/client/otp.server';
import { startBackOffice, Visitor, type BackOffice } from '../support/backoffice';
import { testSecrets } from '../support/web';
import { ClientVisitor, text } from './support';

/**
 * The client portal's access rules on the real web app (production build) and the demo seed: sign-in,
 * one-time codes (wrong, expired, reused, guessed), and every customer route and download checked against
 * anonymous visitors and other customers' ids. Temporal is unreachable here: the SMS never leaves, so the
 * test puts a known code's hash on the row the request created, exactly as the server hashes it.
 */
let office: BackOffice;
const ids = { amina: '', baraka: '', aminaInvoice: '', barakaInvoice: '', barakaPayment: '', aminaPayment: '' };

before(async () => {
  office = await startBackOffice();
  const sql = office.db.sql;
  const rows = await sql<{ id: string; phone: string }[]>`select id, phone from customers where phone in ${sql([...PORTAL_DEMO_PHONES])}`;
  ids.amina = rows.find((r) => r.phone === PORTAL_DEMO_PHONES[0])!.id;
  ids.baraka = rows.find((r) => r.phone === PORTAL_DEMO_PHONES[1])!.id;
  const inv = async (c: string) => (await sql<{ id: string }[]>`select id from invoices where customer_id = ${c} order by issued_at desc limit 1`)[0]!.id;
  const pay = async (c: string) => (await sql<{ id: string }[]>`select id from payments where customer_id = ${c} order by received_at desc limit 1`)[0]!.id;
  ids.aminaInvoice = await inv(ids.amina);
  ids.barakaInvoice = await inv(ids.baraka);
  ids.aminaPayment = await pay(ids.amina);
  ids.barakaPayment = await pay(ids.baraka);
  await sql`insert into portal_payments (id, tenant_id, customer_id, workflow_id, phone, amount_cents)
    values (gen_random_uuid(), ${office.tenantId}, ${ids.baraka}, 'mpesa-test-baraka', ${PORTAL_DEMO_PHONES[1]}, 150000)`;
});

after(async () => {
  await office?.close();
});

const PAGES = ['/client', '/client/pay', '/client/invoices', '/client/usage', '/client/package', '/client/profile'];

test('anonymous visitors are sent to the sign-in page from every customer page and download', async () => {
  const anon = new ClientVisitor(office.app);
  const [barakaPay] = await office.db.sql<{ id: string }[]>`select id from portal_payments where customer_id = ${ids.baraka}`;
  for (const path of [...PAGES, `/client/invoices/${ids.aminaInvoice}.pdf`, `/client/receipts/${ids.aminaPayment}.pdf`, `/client/pay/${barakaPay!.id}`]) {
    const res = await anon.get(path);
    assert.equal(res.statusCode, 302, path);
    assert.equal(res.headers.location, `/client/login?next=${encodeURIComponent(path)}`, path);
  }
  // A staff session is no customer session.
  const staff = new Visitor(office.app);
  const signedIn = await staff.signIn('admin@demo.mtandao.local');
  const cookie = String(signedIn.headers['set-cookie']).split(';')[0]!;
  const res = await office.app.inject({ method: 'GET', url: '/client', headers: { cookie } });
  assert.equal(res.statusCode, 302);
});

test('a demo customer signs in by phone or account number; a wrong password is refused without saying which part was wrong', async () => {
  const v = new ClientVisitor(office.app);
  const wrong = await v.submit('/client/login', { identifier: '0711 000 111', password: 'not-the-password' });
  assert.equal(wrong.statusCode, 401);
  assert.match(text(wrong.body), /Phone, account number or password is incorrect/);
  const unknown = await v.submit('/client/login', { identifier: '0799999999', password: 'mtandao-demo' });
  assert.equal(unknown.statusCode, 401);
  assert.match(text(unknown.body), /Phone, account number or password is incorrect/);
  const noCsrf = await v.post('/client/login', { identifier: '0711000111', password: 'mtandao-demo' });
  assert.equal(noCsrf.statusCode, 403);

  const res = await v.signIn('0711000111');
  assert.equal(res.headers.location, '/client');
  const home = await v.get('/client');
  assert.equal(home.statusCode, 200);
  const page = text(home.body);
  assert.match(page, /Hello Amina/);
  assert.match(page, /Home 10 Mbps · 10 Mbps/);
  assert.match(page, /Amount due KES 0/);

  const [acct] = await office.db.sql<{ n: string }[]>`select account_number as n from customers where id = ${ids.baraka}`;
  const baraka = new ClientVisitor(office.app);
  await baraka.signIn(acct!.n.toLowerCase());
  const swahili = text((await baraka.get('/client')).body);
  assert.match(swahili, /Habari Baraka/, 'Baraka reads the portal in Swahili, his language');
  assert.match(swahili, /Kiasi cha kulipa KES 1,500/);
  assert.match(swahili, /Intaneti yako itaisha baada ya siku [12]/, 'expiring soon: a call to action');
});

test("another customer's invoice, receipt and payment ids are 404; one's own are PDFs", async () => {
  const amina = new ClientVisitor(office.app);
  await amina.signIn('0711000111');
  const [barakaPay] = await office.db.sql<{ id: string }[]>`select id from portal_payments where customer_id = ${ids.baraka}`;
  for (const path of [`/client/invoices/${ids.barakaInvoice}.pdf`, `/client/receipts/${ids.barakaPayment}.pdf`, `/client/pay/${barakaPay!.id}`, '/client/invoices/not-a-uuid.pdf', '/client/pay/nope']) {
    const res = await amina.get(path);
    assert.equal(res.statusCode, 404, path);
    assert.doesNotMatch(res.body, /Baraka/, path);
  }
  const own = await amina.get(`/client/invoices/${ids.aminaInvoice}.pdf`);
  assert.equal(own.statusCode, 200);
  assert.equal(own.headers['content-type'], 'application/pdf');
  assert.equal(own.rawPayload.subarray(0, 5).toString(), '%PDF-');
  const receipt = await amina.get(`/client/receipts/${ids.aminaPayment}.pdf`);
  assert.equal(receipt.statusCode, 200);
  const [pay] = await office.db.sql<{ receipt: string; ref: string }[]>`select receipt_number as receipt, external_ref as ref from payments where id = ${ids.aminaPayment}`;
  const words = execFileSync('pdftotext', ['-', '-'], { input: receipt.rawPayload, encoding: 'utf8' });
  for (const needle of ['RECEIPT', 'Demo Networks Ltd', pay!.receipt, pay!.ref, 'KES 2,500', 'Amina Otieno']) assert.ok(words.includes(needle), `the receipt says "${needle}"`);
  // The lists show only her own documents.
  const list = text((await amina.get('/client/invoices')).body);
  const [barakaNumber] = await office.db.sql<{ number: string }[]>`select number from invoices where id = ${ids.barakaInvoice}`;
  assert.doesNotMatch(list, new RegExp(barakaNumber!.number));
});

/** A seeded customer without a portal password asks for a code; the test swaps in a known code's hash. */
async function codeFor(v: ClientVisitor, identifier: string, code: string): Promise<string> {
  const res = await v.submit('/client/code?purpose=signup', { identifier, purpose: 'signup' });
  assert.equal(res.statusCode, 302, res.body.slice(0, 300));
  const [otp] = await office.db.sql<{ id: string }[]>`
    select o.id from customer_otps o join customers c on c.id = o.customer_id where c.phone = ${'254' + identifier.slice(1)} order by o.created_at desc limit 1`;
  await office.db.sql`update customer_otps set code_hash = ${codeHash({ encryptionKey: testSecrets.encryptionKey }, otp!.id, code)} where id = ${otp!.id}`;
  return otp!.id;
}

test('sign-up by SMS code: a wrong code is refused, the right one sets the password once; reuse and expiry are refused', async () => {
  const [seeded] = await office.db.sql<{ phone: string }[]>`
    select phone from customers c where tenant_id = ${office.tenantId} and status = 'active' and not exists (select 1 from customer_logins l where l.customer_id = c.id)
      and (select count(*) from customers d where d.phone = c.phone) = 1
    order by account_number limit 1`;
  const phone = `0${seeded!.phone.slice(3)}`;
  const v = new ClientVisitor(office.app);
  const id = await codeFor(v, phone, '482913');
  const [row] = await office.db.sql<{ codeHash: string }[]>`select code_hash as "codeHash" from customer_otps where id = ${id}`;
  assert.doesNotMatch(row!.codeHash, /482913/, 'only a keyed hash is stored');

  const wrong = await v.submit('/client/verify', { identifier: phone, code: '000000', password: 'a-new-password-1' });
  assert.equal(wrong.statusCode, 400);
  assert.match(text(wrong.body), /That code is not right/);
  const right = await v.submit('/client/verify', { identifier: phone, code: '482913', password: 'a-new-password-1' });
  assert.equal(right.statusCode, 302);
  assert.equal(right.headers.location, '/client');
  assert.equal((await v.get('/client')).statusCode, 200, 'signed in');

  const again = await new ClientVisitor(office.app).submit('/client/verify', { identifier: phone, code: '482913', password: 'another-password-2' });
  assert.equal(again.statusCode, 410, 'a used code never works twice');
  assert.match(text(again.body), /expired or was already used/);
  await new ClientVisitor(office.app).signIn(phone, 'a-new-password-1');

  const w = new ClientVisitor(office.app);
  const expiring = await codeFor(w, phone, '111222');
  await office.db.sql`update customer_otps set expires_at = now() - interval '1 second' where id = ${expiring}`;
  const expired = await w.submit('/client/verify', { identifier: phone, code: '111222', password: 'another-password-2' });
  assert.equal(expired.statusCode, 410);
  const [audited] = await office.db.sql<{ n: number }[]>`select count(*)::int as n from audit_log where action = 'customer.portal_password_set'`;
  assert.ok(audited!.n >= 1, 'setting a password is audited');
});

test('guessing is cut off: five wrong codes burn the code (the right one then fails), and a fourth code in 15 minutes is refused', async () => {
  const [seeded] = await office.db.sql<{ phone: string }[]>`
    select phone from customers c where tenant_id = ${office.tenantId} and status = 'suspended' and not exists (select 1 from customer_logins l where l.customer_id = c.id)
      and (select count(*) from customers d where d.phone = c.phone) = 1
    order by account_number limit 1`;
  const phone = `0${seeded!.phone.slice(3)}`;
  const v = new ClientVisitor(office.app);
  await codeFor(v, phone, '765432');
  for (let i = 0; i < 5; i++) {
    const res = await v.submit('/client/verify', { identifier: phone, code: String(100000 + i), password: 'brute-force-pass' });
    assert.equal(res.statusCode, i < 4 ? 400 : 410, `guess ${i + 1}`);
  }
  const late = await v.submit('/client/verify', { identifier: phone, code: '765432', password: 'brute-force-pass' });
  assert.equal(late.statusCode, 410);
  assert.match(text(late.body), /expired or was already used|Too many wrong codes/);

  await codeFor(v, phone, '100001');
  await codeFor(v, phone, '100002');
  const limited = await v.submit('/client/code?purpose=signup', { identifier: phone, purpose: 'signup' });
  assert.equal(limited.statusCode, 429);
  assert.match(text(limited.body), /Too many codes requested/);
  // An unknown number gets the same answer as a known one: the form does not reveal who is a customer.
  const unknown = await v.submit('/client/code?purpose=reset', { identifier: '0799123456', purpose: 'reset' });
  assert.equal(unknown.statusCode, 302);
});

test('five wrong passwords lock the account for 15 minutes', async () => {
  const [acct] = await office.db.sql<{ n: string }[]>`select account_number as n from customers where id = ${ids.baraka}`;
  const v = new ClientVisitor(office.app);
  for (let i = 0; i < 5; i++) assert.equal((await v.submit('/client/login', { identifier: acct!.n, password: `wrong-${i}` })).statusCode, 401);
  const locked = await v.submit('/client/login', { identifier: acct!.n, password: 'mtandao-demo' });
  assert.equal(locked.statusCode, 429);
  await office.db.sql`update customer_logins set locked_until = null, failed_logins = 0 where customer_id = ${ids.baraka}`;
});

test('profile: language, opt-out, password change (other devices signed out), and a problem report support staff see', async () => {
  const phone = '0711000111';
  const here = new ClientVisitor(office.app);
  const elsewhere = new ClientVisitor(office.app);
  await here.signIn(phone);
  await elsewhere.signIn(phone);
  const prefs = await here.submit('/client/profile', { intent: 'preferences', email: 'amina@example.co.ke', language: 'sw' });
  assert.equal(prefs.statusCode, 200, String(prefs.headers.location) + prefs.body.slice(0, 300));
  assert.match(text(prefs.body), /Imehifadhiwa/, 'the answer is already in the newly chosen language');
  const [row] = await office.db.sql<{ language: string; optOut: boolean }[]>`select language, marketing_opt_out as "optOut" from customers where id = ${ids.amina}`;
  assert.deepEqual({ ...row }, { language: 'sw', optOut: true }, 'an unticked box opts out of marketing');
  assert.match(text((await here.get('/client')).body), /Habari Amina/);

  const bad = await here.submit('/client/profile', { intent: 'password', current: 'wrong-password', password: 'new-password-123' });
  assert.equal(bad.statusCode, 400);
  const changed = await here.submit('/client/profile', { intent: 'password', current: 'mtandao-demo', password: 'new-password-123' });
  assert.equal(changed.headers.location, '/client/profile?done=password');
  assert.match(text((await here.get('/client/profile?done=password')).body), /Nenosiri limebadilishwa/);
  assert.equal((await here.get('/client')).statusCode, 200, 'this device stays signed in');
  assert.equal((await elsewhere.get('/client')).statusCode, 302, 'the other device is signed out');

  const report = await here.submit('/client/profile', { intent: 'support', category: 'slow', message: 'Internet is slow every evening after 8 pm.' });
  assert.equal(report.statusCode, 200);
  const support = new Visitor(office.app);
  await support.signIn('support@demo.mtandao.local');
  const list = await support.get('/dashboard/support');
  assert.equal(list.statusCode, 200);
  assert.match(text(list.body), /Internet is slow every evening/);
  const sales = new Visitor(office.app);
  await sales.signIn('sales@demo.mtandao.local');
  assert.equal((await sales.get('/dashboard/support')).statusCode, 403);

  // Back to the demo state for anyone else using this database.
  await here.submit('/client/profile', { intent: 'password', current: 'new-password-123', password: 'mtandao-demo' });
  await office.db.sql`update customers set language = 'en', marketing_opt_out = false, marketing_opt_out_at = null where id = ${ids.amina}`;
});

test('an online application: Swahili field errors, a duplicate phone refused, then saved as KYC review with a portal login', async () => {
  const v = new ClientVisitor(office.app);
  const page = await v.get('/client/apply');
  assert.equal(page.statusCode, 200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const [pkg] = await office.db.sql<{ id: string }[]>`select id from packages where tenant_id = ${office.tenantId} and kind = 'pppoe' order by price_cents limit 1`;
  const post = async (fields: Record<string, string>, lang = '') => {
    const form = new FormData();
    form.append('_csrf', csrf);
    for (const [k, val] of Object.entries(fields)) form.append(k, val);
    form.append('idDocument', new Blob([new Uint8Array([0x4d, 0x5a, 0x90, 0])], { type: 'image/png' }), 'id.png');
    return office.app.inject({ method: 'POST', url: '/client/apply', headers: { cookie: v.cookie, ...(lang ? { 'accept-language': lang } : {}) }, payload: form });
  };
  const fields = { packageId: pkg!.id, firstName: 'Neema', lastName: 'Chebet', phone: '0712 9', nationalId: '27654321', address: 'Kasarani, near the stadium gate C', password: 'neema-password-1' };
  const bad = await post(fields, 'sw');
  assert.equal(bad.statusCode, 400);
  assert.match(text(bad.body), /Angalia sehemu hii: Simu \(nambari ya M-Pesa\)/);
  assert.match(text(bad.body), /must be a JPEG or PNG photo or a PDF/, 'a renamed file is refused by its bytes, as in the back office');
  const taken = await post({ ...fields, phone: '0711000111' });
  assert.equal(taken.statusCode, 400);
  assert.match(text(taken.body), /An account with this phone number exists/);

  const form = new FormData();
  form.append('_csrf', csrf);
  for (const [k, val] of Object.entries({ ...fields, phone: '0712 903 114' })) form.append(k, val);
  const ok = await office.app.inject({ method: 'POST', url: '/client/apply', headers: { cookie: v.cookie }, payload: form });
  assert.equal(ok.statusCode, 302, ok.body.slice(0, 300));
  const [row] = await office.db.sql<{ status: string; requested: string; login: boolean }[]>`
    select c.status, c.requested_package_id as requested, exists (select 1 from customer_logins l where l.customer_id = c.id) as login
    from customers c where c.phone = '254712903114'`;
  assert.deepEqual({ ...row }, { status: 'kyc_review', requested: pkg!.id, login: true });
  const applicant = new ClientVisitor(office.app);
  await applicant.signIn('0712903114', 'neema-password-1');
  assert.match(text((await applicant.get('/client')).body), /Your application.*Application under review/);
});
