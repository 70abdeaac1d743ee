import type { Duration } from '@temporalio/common';
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  executeChild,
  log,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { HotspotActivities } from '../activities/hotspot/activities';
import type { RouterActivities } from '../activities/mikrotik/activities';
import type { SmsActivities } from '../activities/sms';
import { nairobiShort, routerOsDuration } from '../domain/hotspot-time';
import { LifecycleStage, Phone, RouterId, TenantId } from '../temporal/search-attributes';
import { mpesaPayment, type MpesaPaymentStatus } from './mpesa-payment';

export type HotspotStage = 'paying' | 'unpaid' | 'provisioning' | 'active' | 'expired' | 'credited';

export interface HotspotPurchaseInput {
  tenantId: string;
  /** The checkout's uuid: this workflow is `hotspot-<tenant>-<uuid>`, its payment `mpesa-<tenant>-<uuid>`. */
  purchaseId: string;
  routerId: string;
  packageId: string;
  packageName: string;
  /** Normalized 2547…/2541…; null for a voucher redemption (nothing to pay, nobody to text). */
  phone: string | null;
  /** A redeemed voucher: no payment step, straight to provisioning. */
  voucherId?: string;
  amountCents: number;
  durationSeconds: number;
  dataCapBytes: number | null;
  /** The device as the router's redirect named it; the API login needs one of them. */
  mac?: string;
  ip?: string;
  /** Lock the user to this MAC (a one-device package); shared packages stay unlocked. */
  lockToMac?: boolean;
  /** Test and tuning knobs; production uses the defaults. */
  payment?: { callbackWait?: Duration; queryWindow?: Duration; queryBackoff?: Duration };
  /** How long a payment that timed out may still turn up paid (default 24 hours). */
  latePaymentWindow?: Duration;
  /** How long the router may refuse or stay unreachable before the money goes to the wallet (default 15 minutes). */
  provisioningDeadline?: Duration;
}

export interface HotspotPurchaseState {
  stage: HotspotStage;
  /** Plain English for the guest. */
  message: string;
  paymentWorkflowId: string;
  payment?: MpesaPaymentStatus;
  code?: string;
  /** True once the API login put the device online; false means the portal should post the login form. */
  loggedIn: boolean;
  loginError?: string;
  expiresAt?: string;
}

export const hotspotStatusQuery = defineQuery<HotspotPurchaseState>('hotspotStatus');
/** A nudge that the payment row changed (a late callback was recorded); the workflow then looks at once. */
export const hotspotPaymentNudgeSignal = defineSignal('hotspotPaymentNudge');

export const hotspotPurchaseWorkflowId = (tenantId: string, purchaseId: string) => `hotspot-${tenantId}-${purchaseId}`;
export const hotspotPaymentWorkflowId = (tenantId: string, purchaseId: string) => `mpesa-${tenantId}-${purchaseId}`;

const db = proxyActivities<HotspotActivities>({
  startToCloseTimeout: '20 seconds',
  // Database writes for money already taken: keep trying through an outage.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', nonRetryableErrorTypes: ['HotspotPurchaseNotFound'] },
});

// One router call: a few quick attempts; the workflow's own loop (with durable sleeps) carries it to the deadline.
const router = proxyActivities<RouterActivities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 seconds', maximumAttempts: 3 },
});

// The guest is waiting on the portal: one fast try, the portal falls back to the router's login form.
const login = proxyActivities<RouterActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', maximumAttempts: 2 },
});

const sms = proxyActivities<SmsActivities>({
  startToCloseTimeout: '30 seconds',
  // A missed SMS is not worth blocking access for: a few tries, then the code stays on the portal.
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
});

/**
 * A hotspot guest's purchase, id `hotspot-<tenant>-<uuid>`: one STK payment (child `mpesaPayment`), then a
 * router user with a short access code, the device logged in through the API, the code by SMS, and a durable
 * timer to the package end that removes the user and kicks the session. A payment that times out is watched
 * (late callback or STK settlement) and still provisions; a router that never takes the guest before the
 * deadline turns into a wallet credit for the phone and a staff alert. A redeemed voucher (`voucherId`) skips
 * the payment and, if the router fails, gets its card back instead. Query `hotspotStatus` drives the portal.
 */
export async function hotspotPurchase(input: HotspotPurchaseInput): Promise<HotspotPurchaseState> {
  const paymentWorkflowId = hotspotPaymentWorkflowId(input.tenantId, input.purchaseId);
  let state: HotspotPurchaseState = input.voucherId
    ? { stage: 'provisioning', message: 'Voucher accepted. Connecting you…', paymentWorkflowId, loggedIn: false }
    : { stage: 'paying', message: 'Check your phone and enter your M-Pesa PIN.', paymentWorkflowId, loggedIn: false };
  let nudged = false;
  setHandler(hotspotStatusQuery, () => state);
  setHandler(hotspotPaymentNudgeSignal, () => {
    nudged = true;
  });
  /** Polls the checkout (a nudge cuts a pause short) until it is paid or the window closes. */
  const watchForLatePayment = async (windowMs: number): Promise<string | undefined> => {
    const until = Date.now() + windowMs;
    let pause = 15_000;
    for (;;) {
      nudged = false;
      const outcome = await db.hotspotCheckoutOutcome({ paymentWorkflowId });
      if (outcome.status === 'paid' && outcome.paymentId) return outcome.paymentId;
      if (Date.now() >= until) return undefined;
      await condition(() => nudged, Math.max(1, Math.min(pause, until - Date.now())));
      pause = Math.min(pause * 2, 10 * 60_000);
    }
  };
  const stage = (next: Partial<HotspotPurchaseState> & { stage: HotspotStage }) => {
    state = { ...state, ...next };
    upsertSearchAttributes([{ key: LifecycleStage, value: `hotspot_${next.stage}` }]);
  };
  upsertSearchAttributes([
    { key: TenantId, value: input.tenantId },
    ...(input.phone ? [{ key: Phone, value: input.phone }] : []),
    { key: RouterId, value: input.routerId },
    { key: LifecycleStage, value: input.voucherId ? 'hotspot_provisioning' : 'hotspot_paying' },
  ]);

  let paymentId: string | null = null;
  if (!input.voucherId) {
    if (!input.phone) throw ApplicationFailure.nonRetryable('a paid hotspot purchase needs a phone number', 'InvalidInput');
    const payment = await executeChild(mpesaPayment, {
      workflowId: paymentWorkflowId,
      // The payment records itself whatever happens to this run.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [
        {
          tenantId: input.tenantId,
          customerId: null,
          phone: input.phone,
          amountCents: input.amountCents,
          accountReference: 'HOTSPOT',
          purpose: 'hotspot',
          description: input.packageName.slice(0, 13),
          ...input.payment,
        },
      ],
    });
    state = { ...state, payment };
    paymentId = payment.stage === 'paid' ? (payment.paymentId ?? null) : null;
    // Only "no answer in time" can still turn out paid; a cancel, a wrong PIN or low balance is final.
    const mayStillPay = payment.stage === 'failed' && payment.checkoutRequestId !== undefined && payment.resultCode === undefined;
    if (!paymentId) {
      stage({
        stage: 'unpaid',
        message: mayStillPay ? `${payment.message} If you paid, you will still get access and your code by SMS.` : payment.message,
      });
      await db.setHotspotStatus({ purchaseId: input.purchaseId, status: 'unpaid', failure: payment.message });
      if (!mayStillPay) return state;
      paymentId = (await watchForLatePayment(msOf(input.latePaymentWindow ?? '24 hours'))) ?? null;
      if (!paymentId) return state;
      log.info('late payment found; provisioning', { purchaseId: input.purchaseId });
    }
  }

  stage({ stage: 'provisioning', message: input.voucherId ? 'Voucher accepted. Connecting you…' : 'Payment received. Connecting you…' });
  const creds = await db.assignHotspotCredentials({ purchaseId: input.purchaseId, paymentId });
  const ref = { tenantId: input.tenantId, routerId: input.routerId };
  const deadline = Date.now() + msOf(input.provisioningDeadline ?? '15 minutes');
  try {
    await untilDeadline(deadline, async () => {
      const profile = await router.ensureHotspotProfile({ ...ref, packageId: input.packageId });
      await router.upsertHotspotUser({
        ...ref,
        name: creds.code,
        passwordEnc: creds.passwordEnc,
        profile: profile.name,
        limitUptime: routerOsDuration(input.durationSeconds),
        ...(input.dataCapBytes ? { limitBytesTotal: input.dataCapBytes } : {}),
        macAddress: input.lockToMac && input.mac ? input.mac : null,
        comment: `mtandao hotspot ${input.purchaseId}`,
      });
    });
  } catch (err) {
    const reason = `Router did not take the guest before the deadline: ${failureMessage(err)}`;
    await db.creditHotspotWallet({ tenantId: input.tenantId, purchaseId: input.purchaseId, phone: input.phone, amountCents: input.amountCents, reason });
    stage({
      stage: 'credited',
      message: input.phone
        ? 'We received your payment but could not connect you. The amount is saved for your number and our staff have been alerted.'
        : 'We could not connect you just now. Your voucher still works: try it again in a few minutes.',
      code: creds.code,
    });
    if (!input.phone) return state;
    await sms
      .sendSms({
        tenantId: input.tenantId,
        phone: input.phone,
        template: 'custom',
        body: 'We received your hotspot payment but could not connect you. The amount is saved for your number; our staff will contact you.',
        params: {},
        idempotencyKey: `hotspot-credit:${input.purchaseId}`,
      })
      .catch((e: unknown) => log.warn('wallet-credit SMS not sent', { error: failureMessage(e) }));
    return state;
  }

  const provisionedAt = new Date(Date.now()).toISOString();
  const expiresAt = new Date(Date.now() + input.durationSeconds * 1000).toISOString();
  let loggedInAt: string | undefined;
  if (input.mac || input.ip) {
    try {
      await login.loginHotspotDevice({ ...ref, user: creds.code, passwordEnc: creds.passwordEnc, ...(input.ip ? { ip: input.ip } : {}), ...(input.mac ? { mac: input.mac } : {}) });
      loggedInAt = new Date(Date.now()).toISOString();
    } catch (err) {
      state = { ...state, loginError: failureMessage(err) };
    }
  }
  await db.setHotspotStatus({ purchaseId: input.purchaseId, status: 'active', provisionedAt, expiresAt, ...(loggedInAt ? { loggedInAt } : {}) });
  stage({ stage: 'active', message: 'You are online.', code: creds.code, loggedIn: loggedInAt !== undefined, expiresAt });

  if (input.phone) {
    await sms
      .notify({
        tenantId: input.tenantId,
        phone: input.phone,
        template: 'hotspot_access_code',
        params: { code: creds.code, package: input.packageName, expiry: nairobiShort(expiresAt) },
        idempotencyKey: `hotspot-code:${input.purchaseId}`,
        urgent: true,
      })
      .catch((e: unknown) => log.warn('access-code SMS not sent', { error: failureMessage(e) }));
  }

  await sleep(Math.max(0, Date.parse(expiresAt) - Date.now()));

  // The router enforces limit-uptime itself; removing the user also ends the calendar validity and any session.
  await untilDeadline(Date.now() + 7 * 86_400_000, () => router.removeHotspotUser({ ...ref, name: creds.code }));
  await db.setHotspotStatus({ purchaseId: input.purchaseId, status: 'expired', endedAt: new Date(Date.now()).toISOString() });
  stage({ stage: 'expired', message: 'Your package has ended. Buy another to keep browsing.' });
  return state;
}

/** Retries `fn` with durable, growing pauses until it succeeds, it is refused for good, or the deadline passes. */
async function untilDeadline<T>(deadline: number, fn: () => Promise<T>): Promise<T> {
  let pause = 5_000;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      const cause = err instanceof ActivityFailure ? err.cause : err;
      const final = cause instanceof ApplicationFailure && cause.nonRetryable;
      if (final || Date.now() + pause > deadline) throw err;
      await sleep(pause);
      pause = Math.min(pause * 2, 60_000);
    }
  }
}

function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

function msOf(d: Duration): number {
  if (typeof d === 'number') return d;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|seconds?|m|minutes?|h|hours?|d|days?)?\s*$/i.exec(String(d));
  if (!m) throw ApplicationFailure.nonRetryable(`cannot read duration ${String(d)}`, 'InvalidInput');
  const unit = (m[2] ?? 'ms').toLowerCase();
  const factor = unit.startsWith('ms') || unit.startsWith('milli') ? 1 : unit.startsWith('s') ? 1000 : unit.startsWith('m') ? 60_000 : unit.startsWith('h') ? 3_600_000 : 86_400_000;
  return Number(m[1]) * factor;
}
