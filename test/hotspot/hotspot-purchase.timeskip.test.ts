import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createHotspotActivities } from '../../activities/hotspot/activities';
import { createRouterActivities } from '../../activities/mikrotik/activities';
import { createRouterOsGateway } from '../../activities/mikrotik/routeros-gateway';
import { createMpesaActivities } from '../../activities/mpesa/activities';
import type { DarajaClient } from '../../activities/mpesa/daraja-client';
import type { SendSmsInput } from '../../activities/sms';
import type { NotifyInput } from '../../activities/sms/notify';
import { hotspot } from '../../db/queries/hotspot';
import { mpesa } from '../../db/queries/mpesa';
import { packages } from '../../db/queries/packages';
import { routers } from '../../db/queries/routers';
import { tenants } from '../../db/queries/tenants';
import { seedDemo } from '../../db/seed';
import { packageDurationSeconds } from '../../domain/hotspot-time';
import { startRouterOsSimulator, type RouterOsSimulator } from '../../simulators/routeros/simulator';
import { CORE_TASK_QUEUE } from '../../temporal/task-queues';
import { WORKFLOWS_PATH } from '../../workers/core-worker';
import { hotspotPaymentWorkflowId, hotspotPurchase, hotspotPurchaseWorkflowId, hotspotStatusQuery, type HotspotPurchaseInput } from '../../workflows/hotspot-purchase';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { timeSkippingEnvironment } from '../support/temporal';
import { waitFor } from '../support/wait';
import { testSecrets } from '../support/web';

// Real database, real router activities against the RouterOS simulator, real M-Pesa activities over a scripted
// Daraja client; only SMS is recorded in memory. Timers (callback wait, late-payment polls, the package
// itself, provisioning back-off) run on the time-skipping server.
let db: TestDatabase;
let env: TestWorkflowEnvironment;
let sim: RouterOsSimulator;
let worker: Worker;
let running: Promise<void>;
let tenantId: string;
let routerId: string;
let deadRouterId: string;
let hourPackage: { id: string; name: string; priceCents: number; seconds: number };
const sms: { template: string; phone: string; params: Record<string, string | number>; body?: string }[] = [];
/** Per phone: what STK Query answers (`pending` keeps the guest waiting past the payment's window). */
const queryAnswer = new Map<string, number | 'pending'>();
const checkoutPhone = new Map<string, string>();

before(async () => {
  db = await createTestDatabase();
  await seedDemo(db.sql, { encryptionKey: testSecrets.encryptionKey });
  tenantId = (await tenants.bySlug(db.sql, 'demo'))!.id;
  sim = await startRouterOsSimulator({ version: '7.18', controlPort: false, tlsPort: false });
  const [live, dead] = await routers.list(db.sql, tenantId);
  routerId = live!.id;
  deadRouterId = dead!.id;
  await db.sql`update routers set host = ${sim.host}, api_port = ${sim.port}, use_tls = false where id = ${routerId}`;
  // Nothing listens on port 9 of loopback: every connection is refused, for ever.
  await db.sql`update routers set host = '127.0.0.1', api_port = 9, use_tls = false where id = ${deadRouterId}`;
  const hour = (await packages.list(db.sql, tenantId, { kind: 'hotspot' })).find((p) => p.name === '1 hour')!;
  hourPackage = { id: hour.id, name: hour.name, priceCents: hour.priceCents, seconds: packageDurationSeconds(hour) };

  env = await timeSkippingEnvironment();
  let n = 0;
  const daraja = {
    async stkPush(req: { phone: string }) {
      const checkoutRequestId = `ws_CO_TS${Date.now()}${++n}`;
      checkoutPhone.set(checkoutRequestId, req.phone);
      return { checkoutRequestId, merchantRequestId: `1-${n}-1`, customerMessage: 'Success', responseCode: '0', responseDescription: 'Success' };
    },
    async stkQuery(checkoutRequestId: string) {
      const answer = queryAnswer.get(checkoutPhone.get(checkoutRequestId) ?? '') ?? 0;
      return answer === 'pending' ? { state: 'pending' as const } : { state: 'final' as const, resultCode: answer, resultDesc: answer === 0 ? 'Paid' : 'Failed' };
    },
  } as unknown as DarajaClient;
  const gateway = createRouterOsGateway({ callTimeoutMs: 3000, idleMs: 1000 });
  worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: CORE_TASK_QUEUE,
    workflowsPath: WORKFLOWS_PATH,
    activities: {
      ...createMpesaActivities({
        sql: db.sql,
        client: daraja,
        daraja: { baseUrl: 'http://127.0.0.1:9', consumerKey: 'k', consumerSecret: 's', shortcode: '174379', passkey: 'p', publicUrl: 'http://127.0.0.1:9', webhookToken: 't' },
      }),
      ...createRouterActivities({ sql: db.sql, encryptionKey: testSecrets.encryptionKey, gateway }),
      ...createHotspotActivities({ sql: db.sql, encryptionKey: testSecrets.encryptionKey }),
      async notify(input: NotifyInput) {
        sms.push({ template: input.template, phone: input.phone ?? '', params: input.params });
        return { outcome: 'sent' as const, smsLogId: randomUUID(), status: 'sent' as const, providerMessageId: null, failureReason: null, sentNow: true };
      },
      async sendSms(input: SendSmsInput) {
        sms.push({ template: input.template, phone: input.phone, params: input.params, ...(input.body ? { body: input.body } : {}) });
        return { smsLogId: randomUUID(), status: 'sent' as const, providerMessageId: null, failureReason: null, sentNow: true };
      },
    },
  });
  running = worker.run();
});

after(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await sim?.stop();
  await db?.drop();
});

let deviceNo = 0;
async function purchase(phone: string, opts: { router?: string; extra?: Partial<HotspotPurchaseInput> } = {}) {
  const purchaseId = randomUUID();
  const router = opts.router ?? routerId;
  const hex = (++deviceNo).toString(16).padStart(2, '0').toUpperCase();
  const mac = `02:00:00:00:11:${hex}`;
  const host = router === routerId ? sim.controls.joinHotspot({ mac }) : { address: '10.5.50.200' };
  await hotspot.create(db.sql, {
    id: purchaseId,
    tenantId,
    routerId: router,
    packageId: hourPackage.id,
    phone,
    amountCents: hourPackage.priceCents,
    mac,
    deviceIp: String(host.address),
    linkLoginOnly: null,
    linkOrig: null,
    chapId: null,
    chapChallenge: null,
    clientIp: '127.0.0.1',
    workflowId: hotspotPurchaseWorkflowId(tenantId, purchaseId),
  });
  const handle = await env.client.workflow.start(hotspotPurchase, {
    taskQueue: CORE_TASK_QUEUE,
    workflowId: hotspotPurchaseWorkflowId(tenantId, purchaseId),
    args: [
      {
        tenantId,
        purchaseId,
        routerId: router,
        packageId: hourPackage.id,
        packageName: hourPackage.name,
        phone,
        amountCents: hourPackage.priceCents,
        durationSeconds: hourPackage.seconds,
        dataCapBytes: null,
        mac,
        ip: String(host.address),
        lockToMac: true,
        ...opts.extra,
      },
    ],
  });
  return { handle, purchaseId, mac };
}

/** With MTANDAO_RECORD_HISTORIES=1 the runs are kept as replay fixtures (test/hotspot/hotspot-replay.test.ts). */
async function keep(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.MTANDAO_RECORD_HISTORIES !== '1') return;
  writeFileSync(new URL(`../fixtures/histories/${name}.json`, import.meta.url), `${historyToJSON(await handle.fetchHistory())}\n`);
}

const menu = (name: string) => sim.controls.state().menus[name] ?? [];

test('paid → online; at the package end the user is removed and the session kicked', async () => {
  queryAnswer.set('254712400001', 0);
  const { handle, purchaseId, mac } = await purchase('254712400001');
  // The callback never comes (the scripted Daraja sends none): after the 90 s wait STK Query says paid.
  await env.sleep('2 minutes');
  await waitFor(async () => (await handle.query(hotspotStatusQuery)).stage === 'active', 60_000, 'active');
  const state = await handle.query(hotspotStatusQuery);
  assert.equal(state.loggedIn, true);
  assert.ok(menu('/ip/hotspot/user').some((u) => u.name === state.code && u['limit-uptime'] === '1h' && u['mac-address'] === mac), 'user with limit-uptime and MAC lock');
  assert.ok(menu('/ip/hotspot/active').some((s) => s.user === state.code), 'device online');
  assert.ok(sms.some((m) => m.template === 'hotspot_access_code' && m.params.code === state.code), 'code by SMS');

  const result = await handle.result(); // skips the hour
  assert.equal(result.stage, 'expired');
  assert.ok(!menu('/ip/hotspot/user').some((u) => u.name === state.code), 'user removed');
  assert.ok(!menu('/ip/hotspot/active').some((s) => s.user === state.code), 'session kicked');
  const row = await hotspot.get(db.sql, purchaseId);
  assert.equal(row?.status, 'expired');
  assert.ok(row?.endedAt);
  await keep(handle, 'hotspot-purchase-expired');
});

test('a payment that turns up after the guest gave up still provisions and sends the code', async () => {
  queryAnswer.set('254712400002', 'pending');
  const { handle, purchaseId } = await purchase('254712400002', { extra: { latePaymentWindow: '1 day' } });
  // Callback wait (90 s) + STK Query window (3 min) pass with no answer: the payment gives up.
  await env.sleep('5 minutes');
  await waitFor(async () => (await hotspot.get(db.sql, purchaseId))?.status === 'unpaid', 60_000, 'unpaid');
  assert.match((await handle.query(hotspotStatusQuery)).message, /still get access/);
  // What the webhook does with a paid callback whose payment workflow is over: record it on the checkout.
  const checkout = await mpesa.checkoutByWorkflow(db.sql, hotspotPaymentWorkflowId(tenantId, purchaseId));
  assert.equal(checkout?.status, 'timeout');
  await db.sql.begin((tx) => mpesa.recordStkPayment(tx, { checkoutRequestId: checkout!.checkoutRequestId!, receipt: 'TSLATE0001', amountCents: hourPackage.priceCents }));
  await env.sleep('30 minutes');
  await waitFor(async () => (await hotspot.get(db.sql, purchaseId))?.status === 'active', 60_000, 'active after the late payment');
  const state = await handle.query(hotspotStatusQuery);
  assert.ok(menu('/ip/hotspot/user').some((u) => u.name === state.code), 'user created');
  assert.ok(sms.some((m) => m.template === 'hotspot_access_code' && m.params.code === state.code && m.phone === '254712400002'), 'code by SMS');
  await handle.terminate('test done');
});

test('a router that never answers: past the deadline the money goes to the wallet for the phone and staff are alerted', async () => {
  queryAnswer.set('254712400003', 0);
  const { handle, purchaseId } = await purchase('254712400003', { router: deadRouterId, extra: { provisioningDeadline: '3 minutes' } });
  const result = await handle.result();
  assert.equal(result.stage, 'credited');
  assert.equal(await hotspot.walletBalance(db.sql, tenantId, '254712400003'), hourPackage.priceCents);
  const [alert] = await db.sql<{ action: string; after: { walletCredit: boolean } }[]>`
    select action, after from audit_log where tenant_id = ${tenantId} and entity_type = 'hotspot_purchase' and entity_id = ${purchaseId}`;
  assert.equal(alert?.action, 'hotspot.provisioning_failed');
  assert.equal(alert?.after.walletCredit, true);
  assert.equal((await hotspot.get(db.sql, purchaseId))?.status, 'credited');
  assert.ok(sms.some((m) => m.phone === '254712400003' && /saved for your number/.test(m.body ?? '')), 'the guest is told');
  await keep(handle, 'hotspot-purchase-credited');
});
