import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../config/logger';
import { packages } from '../../db/queries/packages';
import { routers } from '../../db/queries/routers';
import { tenants } from '../../db/queries/tenants';
import { demoEmail, seedDemo } from '../../db/seed';
import { SIM_API_KEY, SIM_USERNAME } from '../../simulators/africastalking/defaults';
import { startAfricasTalkingSimulator, type AfricasTalkingSimulator } from '../../simulators/africastalking/server';
import { startRouterOsSimulator, type RouterOsSimulator } from '../../simulators/routeros/simulator';
import { createTemporalClient, type TemporalClient } from '../../temporal/client';
import { buildApp } from '../../web/server/app';
import { Visitor } from '../support/backoffice';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { spawnEntry, type Spawned } from '../support/processes';
import { devServerEnvironment, type DevServerTestEnvironment } from '../support/temporal';
import { waitFor } from '../support/wait';
import { testSecrets } from '../support/web';

/**
 * The back office drives a customer from application to service while the worker is a real process
 * (workers/main.ts) that is SIGKILLed in the middle of the activation: the next worker finishes it, and the
 * router, the database projection and the SMS inbox each show the outcome exactly once.
 */
let db: TestDatabase;
let routerSim: RouterOsSimulator;
let smsSim: AfricasTalkingSimulator;
let temporal: DevServerTestEnvironment;
let client: TemporalClient;
let app: FastifyInstance;
let tenantId: string;
let routerId: string;
const workers: Spawned[] = [];

before(async () => {
  db = await createTestDatabase();
  await seedDemo(db.sql, { encryptionKey: testSecrets.encryptionKey });
  routerSim = await startRouterOsSimulator({ version: '7.18', controlPort: false });
  smsSim = await startAfricasTalkingSimulator({ dlrUrl: null });
  tenantId = (await tenants.bySlug(db.sql, 'demo'))!.id;
  routerId = (await routers.list(db.sql, tenantId))[0]!.id;
  await db.sql`update routers set host = ${routerSim.host}, api_port = ${routerSim.port}, use_tls = false where id = ${routerId}`;
  await db.sql`update tenants set sms_quiet_start_minute = 0, sms_quiet_end_minute = 0 where id = ${tenantId}`;
  temporal = await devServerEnvironment();
  client = createTemporalClient(temporal.address, temporal.namespace);
  app = await buildApp({ sql: db.sql, temporal: client, log: createLogger('web', 'silent'), remix: 'build', secrets: testSecrets });
});

after(async () => {
  for (const w of workers) w.child.kill('SIGKILL');
  await app?.close();
  await client?.connection.close();
  await temporal?.env.teardown();
  await routerSim?.stop();
  await smsSim?.stop();
  await db?.drop();
});

async function startWorker(): Promise<Spawned> {
  const worker = spawnEntry('workers/main.ts', {
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    AT_USERNAME: SIM_USERNAME,
    AT_API_KEY: SIM_API_KEY,
    AT_BASE_URL: smsSim.url,
    LOG_LEVEL: 'info',
  });
  workers.push(worker);
  await worker.waitForLine(/"msg":"worker polling"/, 90_000);
  return worker;
}

const text = (html: string) => html.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<!-- -->/g, '').replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/\s+/g, ' ');
const status = async (id: string) => (await db.sql<{ status: string }[]>`select status from customers where id = ${id}`)[0]!.status;
const events = async (id: string, kind: string) => (await db.sql<{ n: number }[]>`select count(*)::int as n from lifecycle_events where customer_id = ${id} and kind = ${kind}`)[0]!.n;

test('a worker SIGKILLed during activation: the next worker finishes it, once', { timeout: 300_000 }, async () => {
  const first = await startWorker();
  const admin = new Visitor(app);
  await admin.signIn(demoEmail('admin'));
  const pkg = (await packages.list(db.sql, tenantId, { kind: 'pppoe', activeOnly: true })).sort((a, b) => a.priceCents - b.priceCents)[0]!;
  const created = await admin.submit('/dashboard/customers/new', {
    firstName: 'Kamau', lastName: 'Njoroge', phone: '0722 987 654', email: '', nationalId: '34567890', kraPin: '', address: 'Zimmerman', latitude: '', longitude: '', notes: '', requestedPackageId: pkg.id,
  });
  assert.equal(created.statusCode, 302, text(created.body).slice(0, 300));
  assert.doesNotMatch(String(created.headers.location), /lifecycle=later/);
  const id = /customers\/([0-9a-f-]{36})/.exec(String(created.headers.location))![1]!;
  const [{ accountNumber }] = await db.sql<[{ accountNumber: string }]>`select account_number as "accountNumber" from customers where id = ${id}`;
  await waitFor(async () => (await events(id, 'applied')) === 1, 60_000, 'the application on the timeline');

  assert.equal((await admin.submit('/dashboard/applications', { customerId: id, decision: 'approve' })).statusCode, 200);
  const [tech] = await db.sql<[{ id: string }]>`select id from staff where email = ${demoEmail('technician')}`;
  assert.equal((await admin.submit('/dashboard/installations', { intent: 'schedule', customerId: id, technicianId: tech.id, scheduledAt: '2026-12-02T09:00' })).statusCode, 200);
  const done = await admin.submit('/dashboard/installations', { intent: 'complete', customerId: id, routerId, equipmentSerial: 'HW-HG8145-77', packageId: pkg.id });
  assert.equal(done.statusCode, 200, text(done.body).slice(0, 300));
  assert.equal(await status(id), 'awaiting_payment');

  // The router kills every API session, the first payment arrives: the period is paid, the router step keeps retrying...
  await routerSim.controls.setFaults({ fatal: 'session terminated on request' });
  const paid = await admin.submit('/dashboard/payments/new', { accountNumber, method: 'cash', amount: String(pkg.priceCents / 100), reference: '', receivedOn: new Date().toISOString().slice(0, 10), notes: '' });
  assert.equal(paid.statusCode, 302, text(paid.body).slice(0, 300));
  await waitFor(async () => (await events(id, 'renewed')) === 1, 60_000, 'the paid period');
  const handle = client.workflow.getHandle(`customer-demo-${accountNumber}`);
  await waitFor(async () => {
    const pending = (await handle.describe()).raw.pendingActivities ?? [];
    return pending.some((a) => a.activityType?.name === 'applyRouterState' && (a.attempt ?? 0) >= 2);
  }, 60_000, 'the router step retrying');
  assert.equal(await status(id), 'awaiting_payment', 'not active while the router is down');

  // ...and the worker dies without a clean shutdown.
  first.child.kill('SIGKILL');
  assert.equal(await first.exited, null);
  await routerSim.controls.clearFaults();
  await startWorker();

  await waitFor(async () => (await status(id)) === 'active', 120_000, 'activation finished by the second worker');
  const username = accountNumber.toLowerCase();
  const secrets = routerSim.controls.state().menus['/ppp/secret']!.filter((s) => s.name === username);
  assert.equal(secrets.length, 1, 'one PPPoE secret');
  assert.notEqual(String(secrets[0]!.disabled), 'true');
  assert.equal(await events(id, 'activated'), 1, 'activated once');
  await waitFor(() => smsSim.messages('+254722987654').some((m) => m.text.includes(username)), 60_000, 'the welcome SMS with the PPPoE user');
  assert.equal(smsSim.messages('+254722987654').filter((m) => m.text.includes(username)).length, 1, 'one welcome SMS');
  const [money] = await db.sql<[{ invoices: number; paid: number; credits: number }]>`
    select (select count(*)::int from invoices where customer_id = ${id}) as invoices,
      (select count(*)::int from invoices where customer_id = ${id} and status = 'paid') as paid,
      (select count(*)::int from ledger_entries where customer_id = ${id} and kind = 'payment') as credits`;
  assert.deepEqual({ ...money }, { invoices: 1, paid: 1, credits: 1 });
  const page = text((await admin.get(`/dashboard/customers/${id}`)).body);
  assert.match(page, /Stage Active/);
});
