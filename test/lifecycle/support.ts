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
  terminateUpdate,
  type LifecycleActor,
  type LifecycleInput,
  type LifecycleStage,
  type LifecycleView,
} from '../../workflows/customer-lifecycle/messages';
import type { customerLifecycle } from '../../workflows/customer-lifecycle/workflow';
import { createTestDatabase, type TestDatabase } from '../support/db';
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
    args: [{ tenantId: rig.tenantId, customerId: customer.id, accountNumber: customer.accountNumber, phone, start: opts.start ?? 'application' }],
  });
  return { id: customer.id, accountNumber: customer.accountNumber, phone, handle };
}

/** KYC approved, installation booked and completed on the rig's router. */
export async function approveAndInstall(rig: LifecycleRig, handle: LifecycleHandle, at: Date) {
  const approved = await handle.executeUpdate(decideKycUpdate, { args: [{ actor: rig.admin, decision: 'approve' }] });
  if (!approved.ok) throw new Error(approved.message);
  const booked = await handle.executeUpdate(scheduleInstallationUpdate, { args: [{ actor: rig.technician, technicianId: rig.technician.staffId, scheduledAt: at.toISOString() }] });
  if (!booked.ok) throw new Error(booked.message);
  const done = await handle.executeUpdate(completeInstallationUpdate, { args: [{ actor: rig.technician, routerId: rig.routerId, equipmentSerial: `SN-${randomBytes(3).toString('hex')}` }] });
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

export async function waitForState(handle: LifecycleHandle, what: string, ok: (v: LifecycleView) => boolean, ms = 30_000): Promise<LifecycleView> {
  let last: LifecycleView | undefined;
  try {
    await waitFor(async () => {
      last = await handle.query(lifecycleStateQuery);
      return ok(last);
    }, ms, what);
  } catch (err) {
    throw new Error(`${(err as Error).message}; last state ${JSON.stringify(last)}`);
  }
  return last!;
}

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
 * Ends a test's customer through the workflow's own terminate update. `handle.terminate()` would leave the
 * run's timers behind on the time-skipping server, which then stops skipping for every later test.
 */
export async function finish(rig: LifecycleRig, handle: LifecycleHandle) {
  const result = await handle.executeUpdate(terminateUpdate, { args: [{ actor: rig.admin, reason: 'Test over' }] });
  if (!result.ok) throw new Error(result.message);
  await handle.result();
}
