import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createLogger } from '../../config/logger';
import { packages } from '../../db/queries/packages';
import { routers } from '../../db/queries/routers';
import { tenants } from '../../db/queries/tenants';
import { demoEmail, SECOND_RESELLER_EMAIL, seedDemo } from '../../db/seed';
import { SIM_API_KEY, SIM_USERNAME } from '../../simulators/africastalking/defaults';
import { startAfricasTalkingSimulator, type AfricasTalkingSimulator } from '../../simulators/africastalking/server';
import { startRouterOsSimulator, type RouterOsSimulator } from '../../simulators/routeros/simulator';
import { createTemporalClient, type TemporalClient } from '../../temporal/client';
import { buildApp } from '../../web/server/app';
import { createCoreWorker } from '../../workers/core-worker';
import { Visitor } from '../support/backoffice';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { devServerEnvironment, type DevServerTestEnvironment } from '../support/temporal';
import { waitFor } from '../support/wait';
import { testSecrets } from '../support/web';

/**
 * The back office of the customer lifecycle, end to end: the real web app (production build) on the dev
 * server's workflow and the real core worker, with the RouterOS and Africa's Talking simulators.
 */
let db: TestDatabase;
let routerSim: RouterOsSimulator;
let smsSim: AfricasTalkingSimulator;
let temporal: DevServerTestEnvironment;
let client: TemporalClient;
let worker: Worker;
let running: Promise<void>;
let app: FastifyInstance;
let tenantId: string;
let routerId: string;
let pkg: { id: string; name: string; priceCents: number };
const UI = 'http://temporal-ui.test/namespaces/test/workflows';

before(async () => {
  db = await createTestDatabase();
  await seedDemo(db.sql, { encryptionKey: testSecrets.encryptionKey });
  routerSim = await startRouterOsSimulator({ version: '7.18', controlPort: false });
  smsSim = await startAfricasTalkingSimulator({ dlrUrl: null });
  tenantId = (await tenants.bySlug(db.sql, 'demo'))!.id;
  routerId = (await routers.list(db.sql, tenantId))[0]!.id;
  await db.sql`update routers set host = ${routerSim.host}, api_port = ${routerSim.port}, use_tls = false where id = ${routerId}`;
  // No quiet hours: application SMS would otherwise wait for 07:00 when the suite runs at night.
  await db.sql`update tenants set sms_quiet_start_minute = 0, sms_quiet_end_minute = 0 where id = ${tenantId}`;
  pkg = (await packages.list(db.sql, tenantId, { kind: 'pppoe', activeOnly: true })).sort((a, b) => a.priceCents - b.priceCents)[0]!;
  temporal = await devServerEnvironment();
  worker = await createCoreWorker({
    connection: temporal.env.nativeConnection,
    namespace: temporal.namespace,
    sql: db.sql,
    encryptionKey: testSecrets.encryptionKey,
    sms: { username: SIM_USERNAME, apiKey: SIM_API_KEY, baseUrl: smsSim.url },
  });
  running = worker.run();
  client = createTemporalClient(temporal.address, temporal.namespace);
  app = await buildApp({ sql: db.sql, temporal: client, log: createLogger('web', 'silent'), remix: 'build', secrets: testSecrets, temporalUiUrl: UI });
});

after(async () => {
  await app?.close();
  await client?.connection.close();
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await temporal?.env.teardown();
  await routerSim?.stop();
  await smsSim?.stop();
  await db?.drop();
});

/** What a person reads on the page: no markup, no embedded loader data, entities decoded. */
function text(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<!-- -->/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

async function signedIn(role: string): Promise<{ visitor: Visitor; cookie: string }> {
  const visitor = new Visitor(app);
  const res = await visitor.signIn(role.includes('@') ? role : demoEmail(role));
  const set = res.headers['set-cookie'];
  const cookie = (Array.isArray(set) ? set : [String(set)]).map((l) => l.split(';')[0]!).find((p) => p.startsWith('mtandao_staff='))!;
  return { visitor, cookie };
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4]);

/** Submits the new-customer form as a browser does (multipart), with optional files. */
async function apply(who: { visitor: Visitor; cookie: string }, fields: Record<string, string>, files: Record<string, { name: string; bytes: Uint8Array; type: string }> = {}): Promise<LightMyRequestResponse> {
  const page = await who.visitor.get('/dashboard/customers/new');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const form = new FormData();
  form.append('_csrf', csrf);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const [k, f] of Object.entries(files)) form.append(k, new Blob([f.bytes as Uint8Array<ArrayBuffer>], { type: f.type }), f.name);
  return app.inject({ method: 'POST', url: '/dashboard/customers/new', headers: { cookie: who.cookie }, payload: form });
}

const applicant = (first: string, phone: string, nationalId: string) => ({
  firstName: first, lastName: 'Mwangi', phone, email: '', nationalId, kraPin: '', address: 'Githurai 45, off Kamiti Rd', latitude: '-1.2050', longitude: '36.9140', notes: '', requestedPackageId: '',
});

const customerRow = async (id: string) =>
  (await db.sql<{ status: string; accountNumber: string; workflowId: string | null }[]>`
    select status, account_number as "accountNumber", workflow_id as "workflowId" from customers where id = ${id}`)[0]!;
const idFrom = (res: LightMyRequestResponse) => /\/dashboard\/customers\/([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
const counts = async () => (await db.sql<{ customers: number; documents: number }[]>`
  select (select count(*)::int from customers) as customers, (select count(*)::int from customer_documents) as documents`)[0]!;

let approvedId = '';
let adoptedId = '';

test('an application with a document goes through the queue: a technician may not decide, a rejection needs a reason, approval moves it to installation', { timeout: 180_000 }, async () => {
  const admin = await signedIn('admin');
  const [seeded] = await db.sql<{ phone: string; name: string }[]>`select phone, first_name || ' ' || last_name as name from customers where tenant_id = ${tenantId} order by account_number limit 1`;
  const res = await apply(admin, { ...applicant('Wanjiru', `0${seeded!.phone.slice(3)}`, '32123456'), requestedPackageId: pkg.id }, { idDocument: { name: 'wanjiru-id.png', bytes: PNG, type: 'image/png' } });
  assert.equal(res.statusCode, 302, res.body.slice(0, 300));
  assert.match(String(res.headers.location), /\?created=1$/, 'the lifecycle started, so no "starts later" note');
  const id = idFrom(res);
  const row = await customerRow(id);
  assert.equal(row.status, 'kyc_review');
  assert.equal(row.workflowId, `customer-demo-${row.accountNumber}`);
  const [doc] = await db.sql<{ id: string; contentType: string; size: number; kind: string }[]>`
    select id, content_type as "contentType", size_bytes as size, kind from customer_documents where customer_id = ${id}`;
  assert.deepEqual({ ...doc, id: undefined }, { id: undefined, contentType: 'image/png', size: PNG.byteLength, kind: 'national_id' });

  // The queue lists it with its package, documents and the duplicate warning.
  const support = await signedIn('support');
  const queue = await support.visitor.get('/dashboard/applications');
  assert.equal(queue.statusCode, 200);
  const from = queue.body.indexOf(`data-testid="application-${row.accountNumber}"`);
  assert.ok(from > 0, 'the applicant is in the queue');
  const card = text(queue.body.slice(from).split('data-testid="application-')[1]!);
  assert.match(card, new RegExp(`Wanjiru Mwangi ${row.accountNumber}`));
  assert.match(card, new RegExp(pkg.name));
  assert.match(card, /ID: wanjiru-id\.png/);
  assert.match(card, new RegExp(`Possible duplicate.*${seeded!.name}.*same phone`));
  const download = await support.visitor.get(`/dashboard/documents/${doc!.id}`);
  assert.equal(download.statusCode, 200);
  assert.equal(download.headers['content-type'], 'image/png');
  assert.match(String(download.headers['content-disposition']), /^attachment; filename="wanjiru-id\.png"/);
  assert.deepEqual(new Uint8Array(download.rawPayload), PNG);
  const { visitor: reseller } = await signedIn('reseller');
  assert.equal((await reseller.get(`/dashboard/documents/${doc!.id}`)).statusCode, 404, "another reseller's applicant's document is not there");

  // A technician may not decide; nothing changes.
  const tech = await signedIn('technician');
  const denied = await tech.visitor.submit('/dashboard/customers', { customerId: id, decision: 'approve' }, '/dashboard/applications');
  assert.equal(denied.statusCode, 403);
  assert.match(denied.body, /may not do this/);
  assert.equal((await tech.visitor.get('/dashboard/applications')).statusCode, 403);

  // The workflow has to be at its KYC wait before a decision can land.
  await waitFor(async () => (await db.sql`select 1 from lifecycle_events where customer_id = ${id} and kind = 'applied'`).length > 0, 60_000, 'the application on the timeline');
  const noReason = await support.visitor.submit('/dashboard/applications', { customerId: id, decision: 'reject', reason: '' });
  assert.equal(noReason.statusCode, 400);
  assert.match(text(noReason.body), /Enter a reason for the rejection/);
  assert.equal((await customerRow(id)).status, 'kyc_review');

  const approved = await support.visitor.submit('/dashboard/applications', { customerId: id, decision: 'approve' });
  assert.equal(approved.statusCode, 200, text(approved.body).slice(0, 400));
  assert.match(text(approved.body), /Wanjiru Mwangi .*: Approved\. Schedule the installation next\./);
  assert.equal((await customerRow(id)).status, 'installation');
  const again = await support.visitor.submit('/dashboard/applications', { customerId: id, decision: 'approve' });
  assert.equal(again.statusCode, 409, 'the validator refuses a second decision');
  assert.match(text(again.body), /Not possible while the customer is installation/);
  const page = text((await support.visitor.get(`/dashboard/customers/${id}`)).body);
  assert.match(page, /Stage Installation/);
  approvedId = id;

  // A second applicant is rejected with a reason.
  const other = await apply(admin, applicant('Otieno', '0733 456 789', '33445566'));
  const otherId = idFrom(other);
  await waitFor(async () => (await db.sql`select 1 from lifecycle_events where customer_id = ${otherId} and kind = 'applied'`).length > 0, 60_000, 'the second application');
  const rejected = await support.visitor.submit('/dashboard/applications', { customerId: otherId, decision: 'reject', reason: 'ID photo unreadable' });
  assert.equal(rejected.statusCode, 200);
  assert.match(text(rejected.body), /Application rejected/);
  assert.equal((await customerRow(otherId)).status, 'rejected');
  await waitFor(() => smsSim.messages('+254733456789').some((m) => /ID photo unreadable/.test(m.text)), 30_000, 'the rejection SMS');
});

test('bad uploads are refused with a clear 400 and nothing is stored', { timeout: 60_000 }, async () => {
  const admin = await signedIn('admin');
  const before = await counts();
  const fake = await apply(admin, applicant('Fake', '0744 000 001', ''), { idDocument: { name: 'id.png', bytes: new TextEncoder().encode('MZ this is not a picture'), type: 'image/png' } });
  assert.equal(fake.statusCode, 400);
  assert.match(text(fake.body), /The ID document must be a JPEG or PNG photo or a PDF; "id\.png" is none of these/);
  const big = new Uint8Array(5 * 1024 * 1024 + 1);
  big.set(PNG);
  const huge = await apply(admin, applicant('Huge', '0744 000 002', ''), { kraDocument: { name: 'kra.png', bytes: big, type: 'image/png' } });
  assert.equal(huge.statusCode, 400);
  assert.match(text(huge.body), /The KRA PIN certificate is larger than 5 MB/);
  assert.deepEqual(await counts(), before);
});

test('installations board: book, then complete → awaiting payment; a payment activates it on the router; the page shows timeline and next action', { timeout: 180_000 }, async () => {
  assert.ok(approvedId, 'needs the approved applicant of the first test');
  const { accountNumber, workflowId } = await customerRow(approvedId);
  const tech = await signedIn('technician');
  const board = await tech.visitor.get('/dashboard/installations');
  assert.equal(board.statusCode, 200);
  const unscheduled = text(/data-testid="unscheduled"[\s\S]*?<\/section>/.exec(board.body)![0]);
  assert.match(unscheduled, new RegExp(`Wanjiru Mwangi ${accountNumber}`));

  const [technician] = await db.sql<{ id: string }[]>`select id from staff where email = ${demoEmail('technician')}`;
  const booked = await tech.visitor.submit('/dashboard/installations', { intent: 'schedule', customerId: approvedId, technicianId: technician!.id, scheduledAt: '2026-12-01T10:30' });
  assert.equal(booked.statusCode, 200, text(booked.body).slice(0, 400));
  assert.match(text(booked.body), /Installation booked for .*10:30/);
  const [visit] = await db.sql<{ at: Date }[]>`select scheduled_at as at from installations where customer_id = ${approvedId}`;
  assert.equal(visit!.at.toISOString(), '2026-12-01T07:30:00.000Z', 'Nairobi 10:30 is 07:30 UTC');
  const scheduled = text(/data-testid="scheduled"[\s\S]*?<\/section>/.exec((await tech.visitor.get('/dashboard/installations')).body)![0]);
  assert.match(scheduled, /Tuesday,? 1 December 2026.*Wanjiru Mwangi.*10:30 with/);
  const mine = text((await tech.visitor.get('/dashboard/installations?mine=1')).body);
  assert.match(mine, /Wanjiru Mwangi/);
  assert.doesNotMatch(mine, /Not yet booked \([1-9]/, 'only visits booked with this technician');

  const missing = await tech.visitor.submit('/dashboard/installations', { intent: 'complete', customerId: approvedId, routerId, equipmentSerial: '', packageId: pkg.id });
  assert.equal(missing.statusCode, 400);
  assert.match(text(missing.body), /Enter the equipment serial number/);
  const done = await tech.visitor.submit('/dashboard/installations', { intent: 'complete', customerId: approvedId, routerId, equipmentSerial: 'ZTE-F670-0042', packageId: pkg.id });
  assert.equal(done.statusCode, 200, text(done.body).slice(0, 400));
  assert.match(text(done.body), /Installed\. The service starts when the first payment arrives\./);
  assert.equal((await customerRow(approvedId)).status, 'awaiting_payment');
  const username = accountNumber.toLowerCase();
  assert.ok(!routerSim.controls.state().menus['/ppp/secret']!.some((s) => s.name === username), 'no secret before payment');

  // Finance's "Record a payment" link prefills the account; the payment activates the customer.
  const admin = await signedIn('admin');
  const customerPage = (await admin.visitor.get(`/dashboard/customers/${approvedId}`)).body;
  assert.match(customerPage, new RegExp(`href="/dashboard/payments/new\\?account=${accountNumber}"`));
  assert.match((await admin.visitor.get(`/dashboard/payments/new?account=${accountNumber}`)).body, new RegExp(`name="accountNumber"[^>]*value="${accountNumber}"`));
  const paid = await admin.visitor.submit('/dashboard/payments/new', { accountNumber, method: 'cash', amount: String(pkg.priceCents / 100), reference: '', receivedOn: new Date().toISOString().slice(0, 10), notes: '' });
  assert.equal(paid.statusCode, 302, text(paid.body).slice(0, 300));
  await waitFor(async () => (await customerRow(approvedId)).status === 'active', 60_000, 'activation by payment');
  const secret = routerSim.controls.state().menus['/ppp/secret']!.find((s) => s.name === username);
  assert.ok(secret, 'the router holds the PPPoE secret');
  assert.notEqual(String(secret.disabled), 'true');

  // The renewal continues the workflow as new; its next timer is known once the new run has started.
  let page = '';
  const panelText = () => text(/data-testid="lifecycle"[\s\S]*?<\/section>/.exec(page)![0]);
  await waitFor(async () => {
    page = (await admin.visitor.get(`/dashboard/customers/${approvedId}`)).body;
    return !/Next action Waiting/.test(panelText());
  }, 30_000, 'the next scheduled action on the page');
  const panel = panelText();
  assert.match(panel, /Stage Active/);
  assert.match(panel, new RegExp(`Package ${pkg.name}`));
  assert.match(panel, /Next action (Expiry reminder \(\d+ days before\)|Expiry \(renews from the balance or suspends\)) at /);
  for (const line of ['Application received', 'KYC approved by', 'Installation scheduled for', 'Installed \\(equipment ZTE-F670-0042\\)', 'Activated on']) assert.match(panel, new RegExp(line));
  assert.ok(page.includes(`href="${UI}/${workflowId}"`), 'links the run in the Temporal UI');
});

test('customer page actions: suspend needs a reason and a permitted role; suspend → suspended; unsuspend → active', { timeout: 180_000 }, async () => {
  assert.ok(approvedId, 'needs the customer activated by payment in the previous test');
  const path = `/dashboard/customers/${approvedId}`;
  const username = (await customerRow(approvedId)).accountNumber.toLowerCase();
  const secret = () => routerSim.controls.state().menus['/ppp/secret']!.find((s) => s.name === username)!;

  const tech = await signedIn('technician');
  const denied = await tech.visitor.submit(path, { intent: 'suspend', reason: 'testing' });
  assert.equal(denied.statusCode, 403);
  assert.match(text(denied.body), /may not suspend customers/);

  const support = await signedIn('support');
  const form = (await support.visitor.get(path)).body;
  assert.match(form, /data-testid="action-suspend"/);
  assert.doesNotMatch(form, /data-testid="action-terminate"/, 'support may not terminate');
  const noReason = await support.visitor.submit(path, { intent: 'suspend', reason: '' });
  assert.equal(noReason.statusCode, 400);
  assert.match(text(noReason.body), /Enter a reason/);

  const suspended = await support.visitor.submit(path, { intent: 'suspend', reason: 'Reported stolen router' });
  assert.equal(suspended.statusCode, 200, text(suspended.body).slice(0, 400));
  assert.match(text(suspended.body), /Suspended\. Payments are still credited/);
  assert.equal((await customerRow(approvedId)).status, 'suspended');
  assert.equal(String(secret().disabled), 'true');
  assert.match(text(suspended.body), /Stage Suspended \(staff hold: Reported stolen router\)/);
  const twice = await support.visitor.submit(path, { intent: 'suspend', reason: 'again' });
  assert.equal(twice.statusCode, 409, "the workflow's validator refuses it while suspended");
  assert.match(text(twice.body), /Not possible while the customer is suspended/);

  const resumed = await support.visitor.submit(path, { intent: 'unsuspend' });
  assert.equal(resumed.statusCode, 200, text(resumed.body).slice(0, 400));
  assert.match(text(resumed.body), /Service resumed\./);
  assert.equal((await customerRow(approvedId)).status, 'active');
  assert.notEqual(String(secret().disabled), 'true');
  const [audited] = await db.sql<{ n: number }[]>`select count(*)::int as n from audit_log where entity_id = ${approvedId} and action in ('customer.suspended', 'customer.unsuspended')`;
  assert.equal(audited!.n, 2, 'audited once each, by the workflow');

  // The edit form keeps every other field editable but not the status, which the workflow owns.
  const admin = await signedIn('admin');
  const edit = `${path}/edit`;
  const editPage = (await admin.visitor.get(edit)).body;
  assert.doesNotMatch(editPage, /name="status"/);
  assert.match(text(editPage), /Status: Active · changed only by the lifecycle actions/);
  const saved = await admin.visitor.submit(edit, { ...applicant('Wanjiru', '0711 000 000', '32123456'), lastName: 'Mwangi-Kamau', status: 'terminated' });
  assert.equal(saved.statusCode, 302, text(saved.body).slice(0, 300));
  const [after] = await db.sql<{ status: string; lastName: string }[]>`select status, last_name as "lastName" from customers where id = ${approvedId}`;
  assert.deepEqual({ ...after }, { status: 'active', lastName: 'Mwangi-Kamau' });
});

test('a customer without a workflow gets one from "Start lifecycle"; its package change shows the proration', { timeout: 180_000 }, async () => {
  // A seeded active customer on the simulated router, from before lifecycles existed (workflow_id null).
  const [c] = await db.sql<{ id: string; packageId: string; expiresAt: Date }[]>`
    select c.id, s.package_id as "packageId", s.expires_at as "expiresAt" from customers c join subscriptions s on s.customer_id = c.id
    where c.tenant_id = ${tenantId} and c.status = 'active' and s.status = 'active' and s.router_id = ${routerId} and s.expires_at > now() + interval '3 days'
      and c.workflow_id is null and c.reseller_id is null
    order by c.account_number limit 1`;
  assert.ok(c, 'a seeded active customer');
  const path = `/dashboard/customers/${c.id}`;
  const admin = await signedIn('admin');
  const before = text((await admin.visitor.get(path)).body);
  assert.match(before, /lifecycle workflow has not started yet/);
  assert.match(before, /Workflow Not started/);
  const started = await admin.visitor.submit(path, { intent: 'startLifecycle' });
  assert.equal(started.statusCode, 200, text(started.body).slice(0, 300));
  assert.match(text(started.body), /Lifecycle started\./);
  const { workflowId } = await customerRow(c.id);
  assert.ok(workflowId, 'workflow_id recorded');
  await waitFor(async () => (await db.sql`select 1 from lifecycle_events where customer_id = ${c.id} and kind = 'adopted'`).length > 0, 60_000, 'the adopted run');
  const live = text((await admin.visitor.get(path)).body);
  assert.match(live, /Stage Active/);
  assert.doesNotMatch(live, /Start lifecycle/);
  assert.match(live, /History .*Lifecycle started/, 'audited, and readable in the history');

  const [target] = await db.sql<{ id: string; name: string; priceCents: number }[]>`
    select id, name, price_cents as "priceCents" from packages where tenant_id = ${tenantId} and kind = 'pppoe' and active and id <> ${c.packageId}
    order by price_cents desc limit 1`;
  const changed = await admin.visitor.submit(path, { intent: 'changePackage', packageId: target!.id });
  assert.equal(changed.statusCode, 200, text(changed.body).slice(0, 300));
  assert.match(text(changed.body), new RegExp(`Now on ${target!.name}; KES [\\d,.]+ (charged \\(INV\\d+\\)|credited)\\.`));
  const [sub] = await db.sql<{ packageId: string }[]>`select package_id as "packageId" from subscriptions where customer_id = ${c.id} and status <> 'cancelled'`;
  assert.equal(sub!.packageId, target!.id);
  const same = await admin.visitor.submit(path, { intent: 'changePackage', packageId: target!.id });
  assert.equal(same.statusCode, 422, 'a refusal by the workflow is a 4xx with its message');
  assert.match(text(same.body), /already on that package/);
  adoptedId = c.id;
});

test('pause keeps the remaining days and resume restores them; terminate needs an admin and a confirmation, and removes the secret', { timeout: 180_000 }, async () => {
  assert.ok(adoptedId, 'needs the adopted customer of the previous test');
  const path = `/dashboard/customers/${adoptedId}`;
  const username = (await db.sql<{ u: string }[]>`select service_username as u from subscriptions where customer_id = ${adoptedId} and status <> 'cancelled'`)[0]!.u;
  const secret = () => routerSim.controls.state().menus['/ppp/secret']!.find((s) => s.name === username);
  const support = await signedIn('support');
  const paused = await support.visitor.submit(path, { intent: 'pause', reason: 'Travelling to Kisumu for a month' });
  assert.equal(paused.statusCode, 200, text(paused.body).slice(0, 300));
  assert.match(text(paused.body), /Paused\. The remaining days are kept/);
  assert.equal((await customerRow(adoptedId)).status, 'paused');
  assert.equal(String(secret()?.disabled), 'true');
  const resumed = await support.visitor.submit(path, { intent: 'resume' });
  assert.equal(resumed.statusCode, 200, text(resumed.body).slice(0, 300));
  assert.match(text(resumed.body), /Resumed; active until/);
  assert.equal((await customerRow(adoptedId)).status, 'active');
  assert.notEqual(String(secret()?.disabled), 'true');

  const denied = await support.visitor.submit(path, { intent: 'terminate', reason: 'Moved away', confirm: 'yes' });
  assert.equal(denied.statusCode, 403, 'only admins terminate');
  const admin = await signedIn('admin');
  assert.match((await admin.visitor.get(path)).body, /data-testid="action-terminate"/);
  const unconfirmed = await admin.visitor.submit(path, { intent: 'terminate', reason: 'Moved away' });
  assert.equal(unconfirmed.statusCode, 400);
  assert.match(text(unconfirmed.body), /Tick the box to confirm/);
  assert.equal((await customerRow(adoptedId)).status, 'active');
  const terminated = await admin.visitor.submit(path, { intent: 'terminate', reason: 'Moved away', confirm: 'yes' });
  assert.equal(terminated.statusCode, 200, text(terminated.body).slice(0, 300));
  assert.match(text(terminated.body), /Terminated/);
  assert.equal((await customerRow(adoptedId)).status, 'terminated');
  assert.equal(secret(), undefined, 'the secret is gone from the router');
  assert.doesNotMatch((await admin.visitor.get(path)).body, /data-testid="action-/, 'no actions on a terminated customer');
});

test('"Start lifecycles for N customers" starts the ones in scope without a workflow', { timeout: 180_000 }, async () => {
  const reseller = await signedIn(SECOND_RESELLER_EMAIL);
  const [{ n }] = (await db.sql<[{ n: number }]>`
    select count(*)::int as n from customers c join staff s on s.id = c.reseller_id
    where s.email = ${SECOND_RESELLER_EMAIL} and c.workflow_id is null and c.status not in ('rejected', 'terminated')`);
  assert.ok(n > 0);
  const list = text((await reseller.visitor.get('/dashboard/customers')).body);
  assert.match(list, new RegExp(`Start lifecycles for ${n} customers? without one`));
  const res = await reseller.visitor.submit('/dashboard/customers', {});
  assert.equal(res.statusCode, 200, text(res.body).slice(0, 300));
  assert.match(text(res.body), new RegExp(`Started ${n} lifecycles?\\.`));
  const [{ left }] = (await db.sql<[{ left: number }]>`
    select count(*)::int as left from customers c join staff s on s.id = c.reseller_id where s.email = ${SECOND_RESELLER_EMAIL} and c.workflow_id is null
      and c.status not in ('rejected', 'terminated')`);
  assert.equal(left, 0);
  const [{ others }] = (await db.sql<[{ others: number }]>`
    select count(*)::int as others from customers where tenant_id = ${tenantId} and workflow_id is null and (reseller_id is null or reseller_id <> (select id from staff where email = ${SECOND_RESELLER_EMAIL}))`);
  assert.ok(others > 0, "nobody else's customers were started");
  assert.doesNotMatch(text((await reseller.visitor.get('/dashboard/customers')).body), /Start lifecycles for/);
});
