import { randomBytes } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { customers } from '../../db/queries/customers';
import { packages } from '../../db/queries/packages';
import { recordPayment } from '../../db/queries/payments';
import { routers } from '../../db/queries/routers';
import { staff } from '../../db/queries/staff';
import { tenants } from '../../db/queries/tenants';
import { seedDemo } from '../../db/seed';
import { SIM_API_KEY, SIM_USERNAME } from '../../simulators/africastalking/defaults';
import { startAfricasTalkingSimulator, type AfricasTalkingSimulator } from '../../simulators/africastalking/server';
import { startRouterOsSimulator, type RouterOsSimulator } from '../../simulators/routeros/simulator';
import type { Sql } from '../../db/client';
import { CORE_TASK_QUEUE } from '../../temporal/task-queues';
import { createCoreWorker, type CoreWorkerDeps } from '../../workers/core-worker';
import {
  completeInstallationUpdate,
  decideKycUpdate,
  lifecycleStateQuery,
  lifecycleWorkflowId,
  paymentReceivedSignal,
  scheduleInstallationUpdate,
  type LifecycleActor,
  type LifecycleInput,
  type LifecycleStage,
  type LifecycleView,
} from '../../workflows/customer-lifecycle/messages';
import type { customerLifecycle } from '../../workflows/customer-lifecycle/workflow';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { timeSkippingEnvironment } from '../support/temporal';
import { waitFor } from '../support/wait';
import { testSecrets } from '../support/web';

export type LifecycleHandle = WorkflowHandle<typeof customerLifecycle>;

/** The demo seed with its first router on a RouterOS simulator, an SMS simulator, and who does what. */
export interface LifecycleRig {
  db: TestDatabase;
  router: RouterOsSimulator;
  sms: AfricasTalkingSimulator;
  tenantId: string;
  tenantSlug: string;
  routerId: string;
  /** The cheapest PPPoE package (monthly). */
  pkg: { id: string; name: string; priceCents: number };
  otherPkg: { id: string; name: string; priceCents: number };
  admin: LifecycleActor;
  technician: LifecycleActor & { kind: 'staff' };
  workerDeps(connection: CoreWorkerDeps['connection'], namespace: string): CoreWorkerDeps;
  close(): Promise<void>;
}

export async function startLifecycleRig(): Promise<LifecycleRig> {
  const db = await createTestDatabase();
  await seedDemo(db.sql, { encryptionKey: testSecrets.encryptionKey });
  const router = await startRouterOsSimulator({ version: '7.18', controlPort: false, tlsPort: false });
  const sms = await startAfricasTalkingSimulator({ dlrUrl: null });
  const tenant = (await tenants.bySlug(db.sql, 'demo'))!;
  const routerId = (await routers.list(db.sql, tenant.id))[0]!.id;
  await db.sql`update routers set host = ${router.host}, api_port = ${router.port}, use_tls = false where id = ${routerId}`;
  const pppoe = (await packages.list(db.sql, tenant.id, { kind: 'pppoe' })).sort((a, b) => a.priceCents - b.priceCents);
  const staffRows = await staff.list(db.sql, tenant.id);
  const adminRow = staffRows.find((s) => s.role === 'admin')!;
  const techRow = staffRows.find((s) => s.role === 'technician')!;
  return {
    db, router, sms, tenantId: tenant.id, tenantSlug: tenant.slug, routerId,
    pkg: pick(pppoe[0]!), otherPkg: pick(pppoe[1]!),
    admin: { kind: 'staff', staffId: adminRow.id, role: 'admin', name: adminRow.name },
    technician: { kind: 'staff', staffId: techRow.id, role: 'technician', name: techRow.name },
    workerDeps: (connection, namespace) => ({
      connection, namespace, sql: db.sql, encryptionKey: testSecrets.encryptionKey,
      sms: { username: SIM_USERNAME, apiKey: SIM_API_KEY, baseUrl: sms.url },
    }),
    async close() {
      await router.stop();
      await sms.stop();
      await db.drop();
    },
  };
}

function pick(p: { id: string; name: string; priceCents: number }) {
  return { id: p.id, name: p.name, priceCents: p.priceCents };
}

export async function coreWorker(rig: LifecycleRig, connection: CoreWorkerDeps['connection'], namespace: string): Promise<Worker> {
  return createCoreWorker(rig.workerDeps(connection, namespace));
}

let applicants = 0;

/** A new applicant in KYC review with the rig's package requested, and their lifecycle started. */
export async function apply(rig: LifecycleRig, client: Client, opts: { packageId?: string; start?: LifecycleInput['start'] } = {}) {
  applicants += 1;
  const phone = `2547${String(process.pid % 100).padStart(2, '0')}${randomBytes(3).readUIntBE(0, 3).toString().padStart(6, '0').slice(0, 6)}`;
  const customer = await customers.create(rig.db.sql, rig.tenantId, {
    firstName: `Achieng${applicants}`, lastName: 'Test', phone, email: null, nationalId: null, kraPin: null, address: 'Kahawa West',
    latitude: null, longitude: null, status: 'kyc_review', notes: null,
  });
  await rig.db.sql`update customers set requested_package_id = ${opts.packageId ?? rig.pkg.id} where id = ${customer.id}`;
  const workflowId = lifecycleWorkflowId(rig.tenantSlug, customer.accountNumber);
  const handle: LifecycleHandle = await client.workflow.start<typeof customerLifecycle>('customerLifecycle', {
    taskQueue: CORE_TASK_QUEUE,
    workflowId,
    args: [{ tenantId: rig.tenantId, customerId: customer.id, accountNumber: customer.accountNumber, phone, start: opts.start ?? 'application', databaseSteps: 'activities' }],
  });
  handles.set(handle, { sql: rig.db.sql, customerId: customer.id });
  return { id: customer.id, accountNumber: customer.accountNumber, phone, handle };
}

/** KYC approved, installation booked and completed on the rig's router. */
async function traced<T>(handle: LifecycleHandle, what: string, p: Promise<T>): Promise<T> {
  const timer = setTimeout(() => {
    void (async () => {
      const d = await handle.describe();
      const h = await handle.fetchHistory();
      console.error('HANG', what, d.status.name, JSON.stringify((h.events ?? []).map((e) => [e.eventType, e.workflowExecutionFailedEventAttributes?.failure?.message ?? e.workflowTaskFailedEventAttributes?.failure?.message ?? e.activityTaskFailedEventAttributes?.failure?.message])).slice(0, 3000));
    })();
  }, 20_000);
  try {
    return await p;
  } finally {
    clearTimeout(timer);
  }
}

export async function approveAndInstall(rig: LifecycleRig, handle: LifecycleHandle, at: Date) {
  const approved = await traced(handle, 'kyc', handle.executeUpdate(decideKycUpdate, { args: [{ actor: rig.admin, decision: 'approve' }] }));
  if (!approved.ok) throw new Error(approved.message);
  const booked = await traced(handle, 'book', handle.executeUpdate(scheduleInstallationUpdate, { args: [{ actor: rig.technician, technicianId: rig.technician.staffId, scheduledAt: at.toISOString() }] }));
  if (!booked.ok) throw new Error(booked.message);
  const done = await traced(handle, 'complete', handle.executeUpdate(completeInstallationUpdate, { args: [{ actor: rig.technician, routerId: rig.routerId, equipmentSerial: `SN-${randomBytes(3).toString('hex')}` }] }));
  if (!done.ok) throw new Error(done.message);
  return done;
}

/** Cash at the counter: recorded (ledger credited) as the back office does, then signalled. */
export async function pay(sql: Sql, rig: LifecycleRig, customer: { id: string; handle: LifecycleHandle }, amountCents: number, receivedAt = new Date()) {
  const reference = `CASH-${randomBytes(4).toString('hex')}`;
  const recorded = await sql.begin((tx) =>
    recordPayment(tx, { tenantId: rig.tenantId, customerId: customer.id, method: 'cash', amountCents, externalRef: reference, receivedAt }),
  );
  await customer.handle.signal(paymentReceivedSignal, { paymentId: recorded.paymentId, amountCents, method: 'cash', receipt: reference });
  return recorded.paymentId;
}

/**
 * The workflow's view as the database projection shows it. Tests poll this, not the query: on the Java
 * time-skipping server a query that lands while a run continues as new can leave the server's clock locked.
 */
async function projectedView(sql: Sql, customerId: string): Promise<LifecycleView> {
  const [row] = await sql<{ stage: LifecycleStage; expiresAt: Date | null; paused: number | null; mode: 'prepaid' | 'postpaid'; balance: number }[]>`
    select c.status as stage, s.expires_at as "expiresAt", s.paused_remaining_seconds as paused, t.billing_mode as mode,
      (select coalesce(sum(amount_cents), 0)::bigint from ledger_entries l where l.customer_id = c.id) as balance
    from customers c join tenants t on t.id = c.tenant_id left join subscriptions s on s.customer_id = c.id and s.status <> 'cancelled'
    where c.id = ${customerId}`;
  const recent = await sql<{ at: Date; kind: string; summary: string }[]>`
    select at, kind, summary from lifecycle_events where customer_id = ${customerId} order by at desc, id desc limit 20`;
  const lastRenewal = recent.findIndex((e) => e.kind === 'renewed');
  const expired = recent.findIndex((e) => e.kind === 'expired' || e.kind === 'suspended');
  return {
    stage: row!.stage, cycle: -1, billingMode: row!.mode, packageId: null, routerId: null, serviceUsername: null, periodStart: null,
    expiresAt: row!.expiresAt?.toISOString() ?? null, overdueSince: expired >= 0 && (lastRenewal < 0 || expired < lastRenewal) ? row!.expiresAt?.toISOString() ?? null : null,
    manualHold: null, pausedRemainingMs: row!.paused === null ? null : row!.paused * 1000, balanceCents: row!.balance, openInvoice: null, nextAction: null,
    recentEvents: recent.map((e) => ({ at: e.at.toISOString(), kind: e.kind, summary: e.summary })), installation: null, pendingPayments: 0,
  };
}

/** Polls the projection until `ok`, then confirms with one live query (retrying if the workflow disagrees). */
export async function waitForState(handle: LifecycleHandle, what: string, ok: (v: LifecycleView) => boolean, ms = 30_000, customerId?: string): Promise<LifecycleView> {
  const id = customerId ?? idOf(handle);
  let last: LifecycleView | undefined;
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (ok(await projectedView(sqlOf(handle), id))) {
      // Let a renewal's continue-as-new finish before asking the workflow itself.
      await new Promise((r) => setTimeout(r, 300));
      last = await handle.query(lifecycleStateQuery);
      if (ok(last)) return last;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} not met within ${ms} ms; last state ${JSON.stringify(last ?? (await projectedView(sqlOf(handle), id)))}`);
}

const handles = new WeakMap<LifecycleHandle, { sql: Sql; customerId: string }>();
const sqlOf = (h: LifecycleHandle) => handles.get(h)!.sql;
const idOf = (h: LifecycleHandle) => handles.get(h)!.customerId;

/** The stage, with its payments applied and the run's settings loaded (a run just continued-as-new has none yet). */
export const waitForStage = (handle: LifecycleHandle, stage: LifecycleStage, ms?: number) =>
  waitForState(handle, `stage ${stage}`, (v) => v.stage === stage && v.pendingPayments === 0 && v.billingMode !== null, ms);

export function secretOf(rig: LifecycleRig, name: string) {
  return rig.router.controls.state().menus['/ppp/secret']?.find((s) => s.name === name);
}

export async function events(sql: Sql, customerId: string, kind: string) {
  return sql<{ at: Date; summary: string }[]>`select at, summary from lifecycle_events where customer_id = ${customerId} and kind = ${kind} order by at, id`;
}

/**
 * Waits for the run to complete by describing it. `handle.result()` on the time-skipping server unlocks and
 * re-locks time skipping around the wait, and a file that ends inside that dance can leave the next file's
 * clock stuck.
 */
export async function waitForClosed(handle: LifecycleHandle) {
  await waitFor(async () => (await handle.describe()).status.name === 'COMPLETED', 30_000, `${handle.workflowId} completed`);
}

/** The rig, the time-skipping server and a running core worker, for one time-skipping test file. */
export async function startTimeSkippingLifecycle() {
  const rig = await startLifecycleRig();
  const env = await timeSkippingEnvironment();
  const worker = await coreWorker(rig, env.nativeConnection, env.namespace ?? 'default');
  const running = worker.run();
  return {
    rig,
    env,
    /** Moves the server's clock forward to `instant` (never back), firing every timer on the way. */
    async skipTo(instant: number) {
      const now = await env.currentTimeMs();
      if (instant > now) await env.sleep(instant - now);
    },
    async close() {
      worker.shutdown();
      await running;
      await env.teardown();
      await rig.close();
    },
  };
}
