import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import writeXlsxFile from 'write-excel-file/node';
import { customers } from '../../db/queries/customers';
import { tenants } from '../../db/queries/tenants';
import { demoEmail, SECOND_RESELLER_EMAIL } from '../../db/seed';
import { startBackOffice, Visitor, type BackOffice } from '../support/backoffice';

let office: BackOffice;

before(async () => {
  office = await startBackOffice();
});

after(() => office.close());

/** What a person reads on the page: no markup, no embedded loader data, entities decoded. */
function text(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<!-- -->/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

async function signedIn(role: string): Promise<{ visitor: Visitor; cookie: string }> {
  const visitor = new Visitor(office.app);
  const res = await visitor.signIn(role.includes('@') ? role : demoEmail(role));
  const set = res.headers['set-cookie'];
  const cookie = (Array.isArray(set) ? set : [String(set)]).map((l) => l.split(';')[0]!).find((p) => p.startsWith('mtandao_staff='))!;
  return { visitor, cookie };
}

const count = async (where = office.db.sql`true`) => {
  const [row] = await office.db.sql<{ n: number }[]>`select count(*) as n from customers where ${where}`;
  return row!.n;
};

const VALID = { firstName: 'Amina', lastName: 'Wekesa', phone: '0722 000 123', email: '', nationalId: '31234567', kraPin: '', address: 'Kahawa West', latitude: '', longitude: '', status: 'applied', notes: '' };

test('bad input on create is refused with every reason beside its field, and nothing is stored', async () => {
  const { visitor } = await signedIn('admin');
  const before = await count();
  const res = await visitor.submit('/dashboard/customers/new', { ...VALID, firstName: '', phone: '12345', email: 'not-an-email', nationalId: '12', kraPin: 'X1' });
  assert.equal(res.statusCode, 400);
  const page = text(res.body);
  for (const reason of ['Enter a first name', 'Enter a Kenyan mobile number', 'Enter a valid email address', 'A national ID is 6 to 10 digits', 'A KRA PIN looks like A123456789Z']) {
    assert.ok(page.includes(reason), reason);
  }
  const gps = await visitor.submit('/dashboard/customers/new', { ...VALID, latitude: '-1.29' });
  assert.equal(gps.statusCode, 400);
  assert.match(text(gps.body), /Give both latitude and longitude, or neither/);
  const notes = await visitor.submit('/dashboard/customers/new', { ...VALID, notes: 'x'.repeat(2001) });
  assert.equal(notes.statusCode, 400);
  assert.match(text(notes.body), /Notes must be at most 2000 characters/);
  assert.equal(await count(), before);
});

test('a new customer gets an account number, is listed, and its creation is in its history', async () => {
  const { visitor } = await signedIn('admin');
  const res = await visitor.submit('/dashboard/customers/new', { ...VALID, firstName: 'Zawadi', lastName: 'Chepkoech', phone: '+254 733 100 200', nationalId: '', kraPin: 'a123456789z', latitude: '-1.2921', longitude: '36.8219' });
  assert.equal(res.statusCode, 302);
  const detailPath = String(res.headers.location);
  // This app's Temporal is unreachable: the customer is saved and its lifecycle starts later.
  assert.match(detailPath, /^\/dashboard\/customers\/[0-9a-f-]{36}\?created=1&lifecycle=later$/);

  const detail = text((await visitor.get(detailPath)).body);
  assert.match(detail, /Customer MT\d{5} created/);
  assert.match(detail, /0733 100 200/);
  assert.match(detail, /A123456789Z/);
  assert.match(detail, /History .* Demo admin .* Created/);
  assert.match(detail, /Status KYC review/, 'a new customer is an application');
  assert.match(detail, /the lifecycle starts later/);
  assert.match(detail, /Start lifecycle/);
  // A customer whose workflow cannot be asked shows the database projection, saying so.
  await office.db.sql`update customers set workflow_id = 'customer-demo-unreachable' where id = ${detailPath.split('/')[3]!.split('?')[0]!}`;
  const projected = text((await visitor.get(detailPath)).body);
  assert.match(projected, /The workflow service did not answer\. Showing the last state recorded in the database/);
  assert.match(projected, /Stage KYC review/);

  const list = text((await visitor.get('/dashboard/customers')).body);
  assert.match(list, /Zawadi Chepkoech/);
});

test('a possible duplicate (same phone or national ID) is created, with a warning naming the match', async () => {
  const [seeded] = await office.db.sql<{ name: string; accountNumber: string; phone: string; resellerId: string | null }[]>`
    select first_name || ' ' || last_name as name, account_number as "accountNumber", phone, reseller_id as "resellerId"
    from customers where tenant_id = ${office.tenantId} and reseller_id is null order by account_number desc limit 1`;
  const { visitor } = await signedIn('admin');
  const res = await visitor.submit('/dashboard/customers/new', { ...VALID, firstName: 'Twin', lastName: 'Number', phone: `0${seeded!.phone.slice(3)}`, nationalId: '' });
  assert.equal(res.statusCode, 302, 'a duplicate is a warning, not a refusal');
  const detail = text((await visitor.get(String(res.headers.location))).body);
  assert.match(detail, new RegExp(`Possible duplicate.*${seeded!.name} \\(${seeded!.accountNumber}\\) has the same phone`));

  // A reseller is told a match exists without being shown another reseller's customer.
  const { visitor: reseller } = await signedIn('reseller');
  const own = await reseller.submit('/dashboard/customers/new', { ...VALID, firstName: 'Twin', lastName: 'Again', phone: `0${seeded!.phone.slice(3)}`, nationalId: '' });
  const seen = text((await reseller.get(String(own.headers.location))).body);
  assert.match(seen, /Possible duplicate.*2 customers you cannot see share this phone or national ID/);
  assert.doesNotMatch(seen, new RegExp(seeded!.accountNumber));
});

test('searching by phone as people say it (07…) finds the customer; a miss says so', async () => {
  const { visitor } = await signedIn('admin');
  await visitor.submit('/dashboard/customers/new', { ...VALID, firstName: 'Baraka', lastName: 'Mwende', phone: '254744555666', nationalId: '29876543' });
  for (const q of ['0744 555 666', '0744555666', '744555', 'baraka mwende', '29876543']) {
    const page = text((await visitor.get(`/dashboard/customers?q=${encodeURIComponent(q)}`)).body);
    assert.match(page, /Baraka Mwende/, q);
    assert.doesNotMatch(page, /Wanjiku/, q);
  }
  const miss = text((await visitor.get('/dashboard/customers?q=0799999999')).body);
  assert.match(miss, /No customers match/);

  const [active, suspended] = await office.db.sql<{ accountNumber: string }[]>`
    (select account_number as "accountNumber" from customers where tenant_id = ${office.tenantId} and status = 'active' limit 1)
    union all
    (select account_number from customers where tenant_id = ${office.tenantId} and status = 'suspended' limit 1)`;
  const filtered = text((await visitor.get('/dashboard/customers?status=suspended')).body);
  assert.match(filtered, new RegExp(suspended!.accountNumber));
  assert.doesNotMatch(filtered, new RegExp(active!.accountNumber));
});

test('bad input on edit is refused and changes nothing; a good edit is saved and in the history', async () => {
  const { visitor } = await signedIn('admin');
  const [target] = await office.db.sql<{ id: string; phone: string; firstName: string }[]>`
    select id, phone, first_name as "firstName" from customers where tenant_id = ${office.tenantId} order by account_number limit 1`;
  const editPath = `/dashboard/customers/${target!.id}/edit`;
  const form = text((await visitor.get(editPath)).body);
  assert.match(form, /Edit /);

  const bad = await visitor.submit(editPath, { ...VALID, firstName: 'Renamed', phone: 'call me' });
  assert.equal(bad.statusCode, 400);
  assert.match(text(bad.body), /Enter a Kenyan mobile number/);
  const [unchanged] = await office.db.sql<{ phone: string; firstName: string }[]>`select phone, first_name as "firstName" from customers where id = ${target!.id}`;
  assert.deepEqual({ ...unchanged }, { phone: target!.phone, firstName: target!.firstName });

  const good = await visitor.submit(editPath, { ...VALID, firstName: 'Renamed', phone: '0755 123 456', nationalId: '', status: 'suspended' });
  assert.equal(good.statusCode, 302);
  const detail = text((await visitor.get(String(good.headers.location))).body);
  assert.match(detail, /Changes saved/);
  assert.match(detail, /Renamed/);
  assert.match(detail, /0755 123 456/);
  assert.match(detail, /Edited: First name, Last name, Phone, .*Status/);
});

test('unknown ids, and customers of another ISP, are "not found"', async () => {
  const { visitor } = await signedIn('admin');
  const other = await office.db.sql.begin(async (tx) => {
    const t = await tenants.create(tx, { name: 'Other Net', slug: 'other-net', status: 'active' });
    return customers.create(tx, t.id, { ...VALID, phone: '254700111222', email: null, nationalId: null, kraPin: null, address: null, latitude: null, longitude: null, status: 'active', notes: null, firstName: 'Outsider' });
  });
  for (const path of [`/dashboard/customers/${other.id}`, `/dashboard/customers/${other.id}/edit`, '/dashboard/customers/00000000-0000-4000-8000-000000000000', '/dashboard/customers/not-an-id']) {
    const res = await visitor.get(path);
    assert.equal(res.statusCode, 404, path);
    assert.match(text(res.body), /No such customer/, path);
  }
  const posted = await visitor.submit('/dashboard/customers', { ...VALID, firstName: 'Hijack' }, `/dashboard/customers/${other.id}/edit`);
  assert.equal(posted.statusCode, 404);
  assert.equal(await count(office.db.sql`first_name = 'Hijack'`), 0);
  const list = text((await visitor.get('/dashboard/customers?q=Outsider')).body);
  assert.match(list, /No customers match/);
});

test('a reseller sees only their own customers, cannot open another reseller\'s, and owns what they create', async () => {
  const owned = await office.db.sql<{ id: string; accountNumber: string; email: string }[]>`
    select c.id, c.account_number as "accountNumber", s.email from customers c join staff s on s.id = c.reseller_id where c.tenant_id = ${office.tenantId}`;
  const mine = owned.filter((c) => c.email === demoEmail('reseller'));
  const theirs = owned.filter((c) => c.email === SECOND_RESELLER_EMAIL);
  assert.ok(mine.length > 0 && theirs.length > 0, 'the seed gives each reseller customers');

  const { visitor } = await signedIn('reseller');
  const list = text((await visitor.get('/dashboard/customers')).body);
  for (const c of mine) assert.match(list, new RegExp(c.accountNumber));
  for (const c of theirs) assert.doesNotMatch(list, new RegExp(c.accountNumber));
  assert.doesNotMatch(list, /Import|Export CSV/, 'resellers may neither import nor export');
  assert.equal((await visitor.get(`/dashboard/customers/${theirs[0]!.id}`)).statusCode, 404);
  assert.equal((await visitor.get(`/dashboard/customers/${theirs[0]!.id}/edit`)).statusCode, 404);
  assert.equal((await visitor.get(`/dashboard/customers/${mine[0]!.id}`)).statusCode, 200);

  const created = await visitor.submit('/dashboard/customers/new', { ...VALID, firstName: 'Resold', lastName: 'Line', phone: '0766 000 111', nationalId: '' });
  assert.equal(created.statusCode, 302);
  assert.match(text((await visitor.get('/dashboard/customers')).body), /Resold Line/);
  const { visitor: other } = await signedIn(SECOND_RESELLER_EMAIL);
  assert.doesNotMatch(text((await other.get('/dashboard/customers?q=Resold')).body), /Resold Line/);
});

test('staff are offered only the actions their role allows', async () => {
  const admin = text((await (await signedIn('admin')).visitor.get('/dashboard/customers')).body);
  assert.match(admin, /New customer\s+Import\s+Export CSV/);
  const support = text((await (await signedIn('support')).visitor.get('/dashboard/customers')).body);
  assert.doesNotMatch(support, /New customer|Import|Export CSV/);
  const finance = text((await (await signedIn('finance')).visitor.get('/dashboard/customers')).body);
  assert.match(finance, /Export CSV/);
  assert.doesNotMatch(finance, /New customer|Import/);
});

async function upload(role: string, filename: string, content: string | Uint8Array<ArrayBuffer>, type: string) {
  const { visitor, cookie } = await signedIn(role);
  const page = await visitor.get('/dashboard/customers/import');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const form = new FormData();
  form.append('_csrf', csrf);
  form.append('intent', 'upload');
  form.append('file', new Blob([content], { type }), filename);
  const res = await office.app.inject({ method: 'POST', url: '/dashboard/customers/import', headers: { cookie }, payload: form });
  return { visitor, res, csrf };
}

const HEADER = 'First Name,last_name,PHONE,Email,National ID,kra_pin,Address,Latitude,Longitude,Notes';

test('CSV import: the preview names each bad row and why; confirming imports exactly the good rows, once', async () => {
  const [seeded] = await office.db.sql<{ nationalId: string }[]>`
    select national_id as "nationalId" from customers where tenant_id = ${office.tenantId} and national_id is not null limit 1`;
  const csv = [
    HEADER,
    'Imani,Otieno,0711 222 001,imani@example.co.ke,30000001,,Roysambu,-1.21,36.89,',
    'Jabali,Kirui,0711222002,,30000002,P123456789A,,,,"Prefers calls after 6pm, not SMS"',
    'Bad,Phone,12345,,,,,,,',
    'Same,Phone,+254711222001,,,,,,,',
    `Seed,Clash,0711 222 005,,${seeded!.nationalId},,,,,`,
    'No,Email,0711 222 006,not-an-email,,,,,,',
    'Kito,Mbugua,0711 222 007,,,,,-1.3,36.7,',
    'Lulu,Auma,0711 222 008,,,,,,,',
  ].join('\r\n');
  const before = await count();
  const { visitor, res, csrf } = await upload('sales', 'customers.csv', csv, 'text/csv');
  assert.equal(res.statusCode, 302);
  const previewPath = String(res.headers.location);
  assert.match(previewPath, /^\/dashboard\/customers\/import\?id=[0-9a-f-]{36}$/);
  assert.equal(await count(), before, 'nothing is saved before confirming');

  const preview = text((await visitor.get(previewPath)).body);
  assert.match(preview, /8 rows read/);
  assert.match(preview, /4 ready to import, 4 will be left out/);
  assert.match(preview, /4 Bad Phone Enter a Kenyan mobile number/);
  assert.match(preview, /5 Same Phone Same phone as line 2/);
  assert.match(preview, new RegExp(`6 Seed Clash National ID ${seeded!.nationalId} already belongs to a customer`));
  assert.match(preview, /7 No Email Enter a valid email address/);
  assert.match(preview, /Imani Otieno .* Jabali Kirui .* Kito Mbugua .* Lulu Auma/);
  assert.match(preview, /Import 4 customers/);

  const id = new URL(previewPath, 'http://x').searchParams.get('id')!;
  const confirmed = await visitor.post('/dashboard/customers/import', { _csrf: csrf, id, intent: 'import' });
  assert.equal(confirmed.statusCode, 302);
  assert.equal(await count(), before + 4);
  const names = await office.db.sql<{ name: string; notes: string | null; status: string }[]>`
    select first_name || ' ' || last_name as name, notes, status from customers where phone like '25471122200%' order by phone`;
  assert.deepEqual(names.map((n) => n.name), ['Imani Otieno', 'Jabali Kirui', 'Kito Mbugua', 'Lulu Auma']);
  assert.equal(names[1]!.notes, 'Prefers calls after 6pm, not SMS');
  assert.ok(names.every((n) => n.status === 'applied'));
  assert.match(text((await visitor.get(previewPath)).body), /Imported 4 customers/);

  const again = await visitor.post('/dashboard/customers/import', { _csrf: csrf, id, intent: 'import' });
  assert.equal(again.statusCode, 302);
  assert.equal(await count(), before + 4, 'a second confirm imports nothing');
  const entries = await office.db.sql<{ after: { imported: number; rejected: number } }[]>`
    select after from audit_log where action = 'customer.import' and entity_id = ${id}`;
  assert.equal(entries.length, 1);
  assert.equal(entries[0]!.after.imported, 4);
  assert.equal(entries[0]!.after.rejected, 4);
  assert.match(text((await visitor.get('/dashboard/customers?q=Kito')).body), /Kito Mbugua/);
});

test('Excel import: an .xlsx with numbers for phones and IDs is read and imported', async () => {
  const sheet = [
    ['First name', 'Last name', 'Phone', 'National ID', 'Latitude', 'Longitude'],
    ['Wairimu', 'Ndegwa', 722333001, 31111111, -1.28, 36.82],
    ['Kamau', 'Gitonga', '0722 333 002', null, null, null],
    ['Broken', 'Row', 'phone?', null, null, null],
  ];
  const xlsx = new Uint8Array(await writeXlsxFile(sheet).toBuffer());
  const before = await count();
  const { visitor, res, csrf } = await upload('admin', 'customers.xlsx', xlsx, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.equal(res.statusCode, 302);
  const previewPath = String(res.headers.location);
  const preview = text((await visitor.get(previewPath)).body);
  assert.match(preview, /2 ready to import, 1 will be left out/);
  assert.match(preview, /4 Broken Row Enter a Kenyan mobile number/);
  const id = new URL(previewPath, 'http://x').searchParams.get('id')!;
  assert.equal((await visitor.post('/dashboard/customers/import', { _csrf: csrf, id, intent: 'import' })).statusCode, 302);
  assert.equal(await count(), before + 2);
  const [wairimu] = await office.db.sql<{ name: string; nationalId: string; latitude: number }[]>`
    select first_name || ' ' || last_name as name, national_id as "nationalId", latitude::float8 as latitude from customers where phone = '254722333001'`;
  assert.deepEqual({ ...wairimu }, { name: 'Wairimu Ndegwa', nationalId: '31111111', latitude: -1.28 });
});

test('a file whose every row is invalid imports nothing, even if confirmed anyway', async () => {
  const csv = `${HEADER}\n,,0700,,,,,,,\nOnly,First,,,,,,,,\n`;
  const before = await count();
  const { visitor, res, csrf } = await upload('admin', 'bad.csv', csv, 'text/csv');
  assert.equal(res.statusCode, 302);
  const previewPath = String(res.headers.location);
  const preview = text((await visitor.get(previewPath)).body);
  assert.match(preview, /Nothing to import/);
  assert.doesNotMatch(preview, /Import \d+ customers/);
  assert.match(preview, /2 .* Enter a first name/);
  assert.match(preview, /3 Only First Enter a phone number/);
  const id = new URL(previewPath, 'http://x').searchParams.get('id')!;
  await visitor.post('/dashboard/customers/import', { _csrf: csrf, id, intent: 'import' });
  assert.equal(await count(), before);
});

test('uploads that are not a customer spreadsheet are refused with a clear message', async () => {
  const pdf = await upload('admin', 'contract.pdf', '%PDF-1.4 …', 'application/pdf');
  assert.equal(pdf.res.statusCode, 400);
  assert.match(text(pdf.res.body), /not a CSV or Excel \(\.xlsx\) file/);

  const fake = await upload('admin', 'customers.xlsx', 'first_name,last_name,phone\n', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.equal(fake.res.statusCode, 400);
  assert.match(text(fake.res.body), /not a CSV or Excel/);

  const headless = await upload('admin', 'list.csv', 'name,mobile\nJane,0712345678\n', 'text/csv');
  assert.equal(headless.res.statusCode, 400);
  assert.match(text(headless.res.body), /missing: first_name, last_name, phone/);

  const huge = await upload('admin', 'huge.csv', `${HEADER}\n${'Jane,Doe,0712345678,,,,,,,\n'.repeat(220_000)}`, 'text/csv');
  assert.equal(huge.res.statusCode, 400);
  assert.match(text(huge.res.body), /larger than 5 MB/);

  const [staged] = await office.db.sql<{ n: number }[]>`select count(*) as n from customer_imports where filename in ('contract.pdf', 'list.csv', 'huge.csv')`;
  assert.equal(staged!.n, 0, 'a refused file leaves nothing behind');
});

test('CSV export: a header, the filtered rows of this ISP only, as a download', async () => {
  const { visitor } = await signedIn('finance');
  const res = await visitor.get('/dashboard/customers/export.csv?status=suspended');
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/csv/);
  assert.match(String(res.headers['content-disposition']), /^attachment; filename="customers-\d{4}-\d{2}-\d{2}\.csv"$/);
  const lines = res.body.replace(/^\uFEFF/, '').trim().split('\n');
  assert.equal(lines[0], 'account_number,first_name,last_name,phone,email,national_id,kra_pin,address,latitude,longitude,notes,status,reseller,added');
  const expected = await count(office.db.sql`tenant_id = ${office.tenantId} and status = 'suspended'`);
  assert.equal(lines.length - 1, expected);
  assert.ok(lines.slice(1).every((l) => l.includes(',Suspended,')));

  const all = await visitor.get('/dashboard/customers/export.csv');
  assert.equal(all.body.trim().split('\n').length - 1, await count(office.db.sql`tenant_id = ${office.tenantId}`));
  assert.doesNotMatch(all.body, /Outsider/);

  const { visitor: reseller } = await signedIn('reseller');
  assert.equal((await reseller.get('/dashboard/customers/export.csv')).statusCode, 403);
});
