import type { Duration, RetryPolicy } from '@temporalio/common';
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  ParentClosePolicy,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { CustomerRef, LifecycleActivities, PackageTerms } from '../../activities/lifecycle/activities';
import type { NotifyInput, NotifyResult } from '../../activities/sms/notify';
import type { TemplateKey } from '../../activities/sms/templates';
import type { AccountStatus } from '../../db/queries/billing';
import type { BillingPolicy } from '../../db/queries/lifecycle';
import { addValidity, prorate, reminderTimes } from '../../domain/periods';
import { AccountNumber, CustomerId, ExpiresAt, LifecycleStage as StageAttr, Phone, RouterId, TenantId } from '../../temporal/search-attributes';
import type { MpesaPaymentInput } from '../mpesa-payment';
import { formatShillings, nairobiDate, nairobiTime } from './format';
import {
  actorMay,
  changePackageUpdate,
  completeInstallationUpdate,
  decideKycUpdate,
  lifecycleStateQuery,
  pauseUpdate,
  paymentReceivedSignal,
  resumeUpdate,
  scheduleInstallationUpdate,
  suspendUpdate,
  terminateUpdate,
  unsuspendUpdate,
  UPDATE_STAGES,
  type ActionResult,
  type CarriedState,
  type LifecycleAction,
  type LifecycleActor,
  type LifecycleInput,
  type LifecycleStage,
  type LifecycleView,
  type PaymentNotice,
} from './messages';

/**
 * Database steps are local activities: milliseconds each, idempotent, and recorded as markers instead of
 * three history events and two server round trips apiece — what lets one worker keep a thousand customers
 * within a second of their expiry. They retry through a database blip; bad input fails at once.
 */
const DB_RETRY: RetryPolicy = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: ['LifecycleInvalidInput'] };
const localDb = proxyLocalActivities<LifecycleActivities>({ startToCloseTimeout: '30 seconds', retry: DB_RETRY });
/** The same steps as regular activities, for the time-skipping test server (see LifecycleInput.databaseSteps). */
const remoteDb = proxyActivities<LifecycleActivities>({ startToCloseTimeout: '30 seconds', retry: DB_RETRY });

/** The welcome SMS goes to Africa's Talking: a regular activity, like every other message. */
const messaging = proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 6 },
});

/**
 * Router steps retry (configuration errors are non-retryable by type) until the window closes; then the
 * lifecycle records the failure and goes on, so one dead router never holds a customer's payments hostage.
 */
function routerSteps(window: Duration) {
  return proxyActivities<LifecycleActivities>({
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: window,
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
  });
}

const sms = proxyActivities<{ notify(input: NotifyInput): Promise<NotifyResult> }>({
  startToCloseTimeout: '30 seconds',
  // An SMS that cannot go after a few minutes is logged and given up: the lifecycle never waits on it.
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 6 },
});

type Command = { action: string; arg: never; result?: ActionResult };

const RECENT_EVENTS = 20;
const APPLIED_PAYMENTS = 50;

/**
 * One PPPoE customer from application to termination, id `customer-<tenant>-<account>`. Each run is one
 * billing cycle: it continues as new when the period renews, carrying its state (and any payment that
 * arrived meanwhile). Staff and customer actions are updates, serialised through the main loop so the
 * router, the database and this state change in one order; payments are signals.
 */
export async function customerLifecycle(input: LifecycleInput): Promise<{ stage: LifecycleStage }> {
  const wfId = workflowInfo().workflowId;
  const routerStep = routerSteps((input.routerRetryWindow ?? '10 minutes') as Duration);
  const db = input.databaseSteps === 'activities' ? remoteDb : localDb;
  const ref: CustomerRef = { tenantId: input.tenantId, customerId: input.customerId };
  const st: CarriedState = input.carried ?? {
    stage: 'kyc_review', cycle: 0, packageId: null, routerId: null, serviceUsername: null, periodStart: null, expiresAt: null,
    overdueSince: null, manualHold: null, pausedRemainingMs: null, remindersSent: [], feesCharged: [], pendingPayments: [], appliedPayments: [],
    recentEvents: [], installation: null,
  };
  const commands: Command[] = [];
  const deferred: { at: number; notice: NotifyInput }[] = [];
  let policy: BillingPolicy | null = null;
  let pkg: PackageTerms | null = null;
  let account: AccountStatus | null = null;
  let name = '';
  let next: { kind: string; at: number; run: (firedAt: Date) => Promise<void> } | null = null;
  let rollOver = false;

  setHandler(lifecycleStateQuery, (): LifecycleView => {
    const open = account?.openInvoices[0];
    return {
      stage: st.stage, cycle: st.cycle, billingMode: policy?.billingMode ?? null, packageId: st.packageId, routerId: st.routerId,
      serviceUsername: st.serviceUsername, periodStart: st.periodStart, expiresAt: st.expiresAt, overdueSince: st.overdueSince,
      manualHold: st.manualHold, pausedRemainingMs: st.pausedRemainingMs, balanceCents: account?.balanceCents ?? null,
      openInvoice: open ? { number: open.number, outstandingCents: open.outstandingCents, dueAt: new Date(open.dueAt).toISOString() } : null,
      nextAction: next ? { kind: next.kind, at: new Date(next.at).toISOString() } : null,
      recentEvents: st.recentEvents, installation: st.installation, pendingPayments: st.pendingPayments.length,
    };
  });
  setHandler(paymentReceivedSignal, (p: PaymentNotice) => {
    if (st.appliedPayments.includes(p.paymentId) || st.pendingPayments.some((q) => q.paymentId === p.paymentId)) return;
    st.pendingPayments.push(p);
  });
  const updates = [
    [decideKycUpdate, 'decideKyc'], [scheduleInstallationUpdate, 'installation'], [completeInstallationUpdate, 'installation'],
    [changePackageUpdate, 'changePackage'], [pauseUpdate, 'pause'], [resumeUpdate, 'pause'], [suspendUpdate, 'suspend'],
    [unsuspendUpdate, 'suspend'], [terminateUpdate, 'terminate'],
  ] as const;
  for (const [definition, permission] of updates) {
    setHandler(
      definition,
      async (arg: { actor: LifecycleActor }) => {
        const command: Command = { action: definition.name, arg: arg as never };
        commands.push(command);
        await condition(() => command.result !== undefined);
        return command.result!;
      },
      { validator: (arg: { actor: LifecycleActor }) => validate(definition.name, permission, arg) },
    );
  }

  function validate(action: string, permission: LifecycleAction, arg: { actor: LifecycleActor; reason?: string }) {
    if (!arg?.actor || !actorMay(arg.actor, permission)) throw new Error('You are not allowed to do that for this customer.');
    if (!UPDATE_STAGES[action]!.includes(st.stage)) throw new Error(`Not possible while the customer is ${st.stage.replace('_', ' ')}.`);
    if (['pause', 'suspend', 'terminate'].includes(action) && !arg.reason?.trim()) throw new Error('Give a reason.');
  }

  const now = () => new Date(Date.now());
  const iso = (d: Date) => d.toISOString();
  const key = (step: string) => `${wfId}:c${st.cycle}:${step}`;

  /** A timeline line, stamped `at` (default now): a timed step passes the instant its timer fired. */
  async function event(kind: string, summary: string, detail?: unknown, at: Date = now()) {
    st.recentEvents = [{ at: iso(at), kind, summary }, ...st.recentEvents].slice(0, RECENT_EVENTS);
    await db.recordEvent({ ...ref, key: key(`${kind}:${at.getTime()}`), at: iso(at), kind, summary, ...(detail === undefined ? {} : { detail }) });
  }

  async function enterStage(stage: LifecycleStage, kind: string, summary: string, detail?: unknown, at: Date = now()) {
    st.stage = stage;
    st.recentEvents = [{ at: iso(at), kind, summary }, ...st.recentEvents].slice(0, RECENT_EVENTS);
    await db.recordStage({ ...ref, key: key(`${kind}:${at.getTime()}`), at: iso(at), stage, kind, summary, workflowId: wfId, ...(detail === undefined ? {} : { detail }) });
    searchAttributes();
  }

  function searchAttributes() {
    upsertSearchAttributes([
      { key: StageAttr, value: st.stage },
      ...(st.routerId ? [{ key: RouterId, value: st.routerId }] : []),
      ...(st.expiresAt ? [{ key: ExpiresAt, value: new Date(st.expiresAt) }] : []),
    ]);
  }

  /** Sends a customer SMS; one that cannot go is logged on the timeline, never fatal to the lifecycle. */
  async function say(template: TemplateKey, params: Record<string, string | number>, step: string) {
    const notice: NotifyInput = { ...ref, template, params: { name, account: input.accountNumber, ...params }, idempotencyKey: key(`sms:${step}`), now: iso(now()) };
    await deliver(notice);
  }

  async function deliver(notice: NotifyInput) {
    try {
      const result = await sms.notify({ ...notice, now: iso(now()) });
      if (result.outcome === 'deferred') deferred.push({ at: Date.parse(result.deferUntil), notice });
    } catch (err) {
      await event('sms_failed', `SMS "${notice.template}" could not be sent: ${failureMessage(err)}`);
    }
  }

  async function router(state: 'active' | 'suspended' | 'removed', kick: boolean): Promise<boolean> {
    try {
      await routerStep.applyRouterState({ ...ref, state, kick });
      return true;
    } catch (err) {
      await event('router_failed', `Router step "${state}" failed: ${failureMessage(err)}`);
      return false;
    }
  }

  async function refreshAccount() {
    account = await db.accountStatus(ref);
  }

  const paybill = () => policy?.paybill ?? '';
  const expiryText = () => (st.expiresAt ? `${nairobiDate(new Date(st.expiresAt))} ${nairobiTime(new Date(st.expiresAt))}` : '');

  // ---- start of the run -------------------------------------------------------------------------------
  const snap = await db.loadLifecycle(ref);
  policy = snap.policy;
  name = snap.customer.firstName;
  upsertSearchAttributes([
    { key: TenantId, value: input.tenantId },
    { key: CustomerId, value: input.customerId },
    { key: AccountNumber, value: input.accountNumber },
    { key: Phone, value: snap.customer.phone },
  ]);
  if (!input.carried) {
    if (input.start === 'adopt') adopt(snap);
    else st.packageId = snap.customer.requestedPackageId;
  }
  if (st.packageId) pkg = await db.loadPackage({ tenantId: input.tenantId, packageId: st.packageId });
  if (st.stage === 'active' || st.stage === 'suspended' || st.stage === 'awaiting_payment') await refreshAccount();
  searchAttributes();
  if (!input.carried && input.start === 'application') {
    await enterStage('kyc_review', 'applied', 'Application received; waiting for KYC review');
    const duplicates = await db.findDuplicates(ref);
    if (duplicates.length > 0) await event('duplicate_suspected', `Same phone or national ID as ${duplicates.join(', ')}`, { accounts: duplicates });
    await say('application_received', {}, 'application');
  } else if (!input.carried) {
    await enterStage(st.stage, 'adopted', `Lifecycle started from the existing record (${st.stage.replace('_', ' ')})`);
  }

  function adopt(s: typeof snap) {
    const sub = s.subscription;
    const status = s.customer.status as LifecycleStage | 'applied';
    if (sub) {
      Object.assign(st, {
        packageId: sub.packageId, routerId: sub.routerId, serviceUsername: sub.serviceUsername,
        periodStart: sub.periodStart ? iso(new Date(sub.periodStart)) : null, expiresAt: sub.expiresAt ? iso(new Date(sub.expiresAt)) : null,
        pausedRemainingMs: sub.pausedRemainingSeconds === null ? null : sub.pausedRemainingSeconds * 1000,
      });
    } else {
      st.packageId = s.customer.requestedPackageId;
    }
    if (status === 'applied' || status === 'kyc_review') st.stage = 'kyc_review';
    else if (status === 'rejected' || status === 'terminated') st.stage = status;
    else if (!sub) st.stage = 'installation';
    else if (status === 'installation' || status === 'awaiting_payment') st.stage = sub.expiresAt ? 'active' : 'awaiting_payment';
    else st.stage = status;
    // A suspended customer already past expiry owes the invoice the next expiry step issues.
    if (st.stage === 'suspended' && st.expiresAt) st.overdueSince = st.expiresAt;
  }

  // ---- the loop ---------------------------------------------------------------------------------------
  const ended = () => st.stage === 'rejected' || st.stage === 'terminated';
  for (;;) {
    if (ended()) {
      await condition(allHandlersFinished);
      return { stage: st.stage };
    }
    while (commands.length > 0) {
      const command = commands.shift()!;
      command.result = await run(command);
      if (ended()) break;
    }
    if (ended()) continue;
    while (st.pendingPayments.length > 0 && !rollOver) {
      const payment = st.pendingPayments[0]!;
      await applyPayment(payment);
      st.pendingPayments.shift();
      st.appliedPayments = [...st.appliedPayments, payment.paymentId].slice(-APPLIED_PAYMENTS);
    }
    if (rollOver || workflowInfo().continueAsNewSuggested) {
      // Updates still waiting for their answer must get it from this run; a new one is served first.
      await condition(() => allHandlersFinished() || commands.length > 0);
      if (commands.length > 0) continue;
      await continueAsNew<typeof customerLifecycle>({ ...input, start: 'adopt', carried: st });
    }
    next = nextTimedAction();
    const wait = next ? Math.max(0, next.at - Date.now()) : undefined;
    const woke = await condition(() => commands.length > 0 || st.pendingPayments.length > 0, wait as number);
    if (!woke && next) {
      const due = next;
      next = null;
      await due.run(now());
    }
  }

  // ---- timers -----------------------------------------------------------------------------------------
  function nextTimedAction(): typeof next {
    const candidates: NonNullable<typeof next>[] = [];
    const firstDeferred = deferred.sort((a, b) => a.at - b.at)[0];
    if (firstDeferred) candidates.push({ kind: 'send_deferred_sms', at: firstDeferred.at, run: async () => { deferred.shift(); await deliver(firstDeferred.notice); } });
    if (policy && st.expiresAt && pkg) {
      const expiry = Date.parse(st.expiresAt);
      if (policy.billingMode === 'prepaid') prepaidTimers(expiry, candidates);
      else postpaidTimers(expiry, candidates);
    }
    return candidates.sort((a, b) => a.at - b.at)[0] ?? null;
  }

  function prepaidTimers(expiry: number, out: NonNullable<typeof next>[]) {
    if (st.stage !== 'active') return;
    if (!st.overdueSince) {
      // Only reminders still ahead: a customer adopted two days before expiry is not told "7 days left".
      const reminder = reminderTimes(new Date(expiry), policy!.reminderDays, now()).find((r) => !st.remindersSent.includes(r.daysBefore));
      if (reminder) out.push({ kind: `reminder_${reminder.daysBefore}d`, at: reminder.at.getTime(), run: (at) => remind(reminder.daysBefore, at) });
      out.push({ kind: 'expiry', at: expiry, run: expire });
    } else {
      out.push({ kind: 'suspend_after_grace', at: Date.parse(st.overdueSince) + policy!.graceDays * 86_400_000, run: (at) => suspendForNonPayment(at) });
    }
  }

  function postpaidTimers(expiry: number, out: NonNullable<typeof next>[]) {
    if (st.stage !== 'active' && st.stage !== 'suspended') return;
    if (st.stage === 'active') out.push({ kind: 'next_billing_period', at: expiry, run: nextPostpaidPeriod });
    const overdue = (account?.openInvoices ?? []).filter((i) => i.kind === 'service');
    const oldest = account?.openInvoices[0];
    if (st.stage === 'active' && oldest && !st.manualHold) {
      out.push({ kind: 'suspend_unpaid', at: new Date(oldest.dueAt).getTime() + policy!.suspendAfterDays * 86_400_000, run: (at) => suspendForNonPayment(at) });
    }
    if (policy!.lateFeeBp > 0) {
      const unfined = overdue.find((i) => !st.feesCharged.includes(i.id));
      if (unfined) out.push({ kind: 'late_fee', at: new Date(unfined.dueAt).getTime(), run: () => lateFee(unfined) });
    }
  }

  async function remind(daysBefore: number, firedAt: Date) {
    st.remindersSent.push(daysBefore);
    await refreshAccount();
    const due = Math.max(pkg!.priceCents - account!.balanceCents, 0);
    // Enough on the account already: it renews by itself at expiry, nothing to ask for.
    if (due === 0) return;
    await say('expiry_reminder', { days: daysBefore, amount: formatShillings(due), paybill: paybill(), package: pkg!.name, expiry: expiryText() }, `reminder:${daysBefore}`);
    await event('reminder_sent', `Reminder: expires in ${daysBefore} day(s); KES ${formatShillings(due)} due`, undefined, firedAt);
  }

  async function expire(firedAt: Date) {
    // Renewing at the boundary: the new period starts at the old expiry, not the few ms later the timer ran.
    const outcome = await db.renewCycle({ ...ref, key: key('renew'), now: st.expiresAt!, pkg: pkg!, force: true });
    account = outcome.account;
    if (outcome.renewed) {
      await renewed(outcome.expiresAt, outcome.periodStart, 'Renewed automatically from the account balance');
      await say('renewal', { package: pkg!.name, amount: formatShillings(pkg!.priceCents), expiry: expiryText() }, 'renewal');
      return;
    }
    st.overdueSince = st.expiresAt;
    const due = `KES ${formatShillings(outcome.invoice?.outstandingCents ?? 0)} due on ${outcome.invoice?.number ?? 'the invoice'}`;
    if (policy!.graceDays === 0) await suspendForNonPayment(firedAt, `Expired unpaid (${due}); suspended`);
    else await event('expired', `Expired; ${due}; online until the grace period ends`);
    if (policy!.stkOnInvoice && outcome.invoice) await pushStk(outcome.invoice.outstandingCents);
  }

  /** Off the router first (the customer's access is what the clock is about), then the record and the SMS. */
  async function suspendForNonPayment(firedAt: Date, summary = 'Suspended for non-payment') {
    await router('suspended', true);
    await enterStage('suspended', 'suspended', summary, undefined, firedAt);
    const owed = Math.max(-account!.balanceCents, account!.openInvoices.reduce((sum, i) => sum + i.outstandingCents, 0));
    await say('suspended', { amount: formatShillings(owed), paybill: paybill() }, `suspended:${Date.now()}`);
  }

  async function renewed(expiresAt: Date | string, periodStart: Date | string, summary: string) {
    st.expiresAt = iso(new Date(expiresAt));
    st.periodStart = iso(new Date(periodStart));
    st.overdueSince = null;
    st.remindersSent = [];
    st.cycle += 1;
    rollOver = true;
    await event('renewed', `${summary}; active until ${expiryText()}`);
    searchAttributes();
  }

  async function nextPostpaidPeriod() {
    const start = new Date(st.expiresAt!);
    const end = addValidity(start, pkg!.validity);
    await db.saveSubscription({ ...ref, periodStart: iso(start), expiresAt: iso(end) });
    const dueAt = new Date(start.getTime() + policy!.invoiceDueDays * 86_400_000);
    const invoice = await db.issueInvoice({
      ...ref, key: `${wfId}:c${st.cycle + 1}:invoice`, kind: 'service', totalCents: pkg!.priceCents, description: `${pkg!.name} internet`,
      issuedAt: iso(now()), dueAt: iso(dueAt), periodStart: iso(start), periodEnd: iso(end), packageId: pkg!.id,
    });
    await renewed(end, start, `Invoice ${invoice.number} issued for the next period`);
    if (invoice.outstandingCents > 0) await say('invoice_issued', { amount: formatShillings(invoice.outstandingCents), due: nairobiDate(dueAt), paybill: paybill() }, 'invoice');
  }

  async function lateFee(invoice: AccountStatus['openInvoices'][number]) {
    st.feesCharged = [...st.feesCharged, invoice.id].slice(-APPLIED_PAYMENTS);
    const fee = Math.round((invoice.totalCents * policy!.lateFeeBp) / 10_000);
    if (fee <= 0) return;
    const issued = await db.issueInvoice({
      ...ref, key: `${wfId}:latefee:${invoice.id}`, kind: 'late_fee', totalCents: fee, description: `Late payment fee on ${invoice.number}`,
      issuedAt: iso(now()), dueAt: iso(now()),
    });
    await refreshAccount();
    await event('late_fee', `Late fee KES ${formatShillings(fee)} (${issued.number}) on overdue ${invoice.number}`);
    const owed = account!.openInvoices.reduce((sum, i) => sum + i.outstandingCents, 0);
    await say('invoice_overdue', { amount: formatShillings(owed), fee: formatShillings(fee), paybill: paybill() }, `latefee:${invoice.id}`);
  }

  async function pushStk(amountCents: number) {
    // M-Pesa takes whole shillings: round the prompt up so it always covers what is owed.
    const whole = Math.ceil(amountCents / 100) * 100;
    if (whole <= 0) return;
    const args: MpesaPaymentInput = {
      tenantId: input.tenantId, customerId: input.customerId, phone: snap.customer.phone, amountCents: whole,
      accountReference: input.accountNumber, purpose: 'invoice', ownerWorkflowId: wfId,
    };
    await startChild('mpesaPayment', {
      workflowId: `mpesa-${input.tenantId}-${uuid4()}`,
      args: [args],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    await event('stk_sent', `M-Pesa prompt for KES ${formatShillings(whole)} sent to the customer's phone`);
  }

  // ---- payments ---------------------------------------------------------------------------------------
  async function applyPayment(p: PaymentNotice) {
    const amount = formatShillings(p.amountCents);
    const receipt = p.receipt ?? p.method;
    if (!pkg || !st.serviceUsername || st.stage === 'kyc_review' || st.stage === 'installation' || st.stage === 'paused') {
      await event('payment', `Payment of KES ${amount} (${receipt}) kept on the account`);
      await say('payment_received', { amount, receipt, expiry: expiryText() || '-' }, `payment:${p.paymentId}`);
      return;
    }
    if (policy!.billingMode === 'postpaid') return postpaidPayment(p, amount, receipt);
    const wasStage = st.stage;
    const outcome = await db.renewCycle({ ...ref, key: key('renew'), now: iso(now()), pkg, force: wasStage === 'awaiting_payment' });
    const reconnect = outcome.renewed && wasStage === 'suspended' && !st.manualHold;
    // Back online before anything else: this is the latency the customer who just paid is counting.
    if (reconnect) await router('active', true);
    account = outcome.account;
    if (!outcome.renewed) {
      await event('payment', `Payment of KES ${amount} (${receipt}); KES ${formatShillings(Math.max(pkg.priceCents - account!.balanceCents, 0))} more renews ${pkg.name}`);
      await say('payment_received', { amount, receipt, expiry: expiryText() || '-' }, `payment:${p.paymentId}`);
      return;
    }
    await renewed(outcome.expiresAt, outcome.periodStart, `Payment of KES ${amount} (${receipt}) renewed ${pkg.name}`);
    if (wasStage === 'awaiting_payment') {
      await activate();
    } else if (reconnect) {
      await enterStage('active', 'reconnected', `Reconnected by payment ${receipt}`);
      await say('reconnected', { package: pkg.name, expiry: expiryText() }, `reconnected:${p.paymentId}`);
      return;
    }
    await say('payment_received', { amount, receipt, expiry: expiryText() }, `payment:${p.paymentId}`);
  }

  async function postpaidPayment(p: PaymentNotice, amount: string, receipt: string) {
    await refreshAccount();
    await event('payment', `Payment of KES ${amount} (${receipt})`);
    await say('payment_received', { amount, receipt, expiry: expiryText() }, `payment:${p.paymentId}`);
    const stillOverdue = account!.openInvoices.some((i) => new Date(i.dueAt).getTime() + policy!.suspendAfterDays * 86_400_000 <= Date.now());
    if (st.stage === 'suspended' && !st.manualHold && !stillOverdue) {
      await router('active', true);
      await enterStage('active', 'reconnected', `Reconnected by payment ${receipt}`);
      await say('reconnected', { package: pkg!.name, expiry: expiryText() }, `reconnected:${p.paymentId}`);
      if (Date.parse(st.expiresAt!) <= Date.now()) await postpaidPeriodFrom(now());
    }
  }

  async function postpaidPeriodFrom(start: Date) {
    const end = addValidity(start, pkg!.validity);
    await db.saveSubscription({ ...ref, periodStart: iso(start), expiresAt: iso(end) });
    const invoice = await db.issueInvoice({
      ...ref, key: key('invoice'), kind: 'service', totalCents: pkg!.priceCents, description: `${pkg!.name} internet`,
      issuedAt: iso(now()), dueAt: iso(new Date(start.getTime() + policy!.invoiceDueDays * 86_400_000)), periodStart: iso(start), periodEnd: iso(end), packageId: pkg!.id,
    });
    await refreshAccount();
    await renewed(end, start, `Invoice ${invoice.number} issued`);
  }

  async function activate() {
    await router('active', false);
    await enterStage('active', 'activated', `Activated on ${pkg!.name}; PPPoE ${st.serviceUsername}`);
    await messaging.sendWelcome({ ...ref, key: `${wfId}:welcome`, packageName: pkg!.name, paybill: paybill(), now: iso(now()) }).catch((err: unknown) =>
      event('sms_failed', `Welcome SMS could not be sent: ${failureMessage(err)}`),
    );
  }

  // ---- staff and customer actions ----------------------------------------------------------------------
  async function run(command: Command): Promise<ActionResult> {
    try {
      return await perform(command.action, command.arg);
    } catch (err) {
      return { ok: false, message: failureMessage(err) };
    }
  }

  async function perform(action: string, arg: never): Promise<ActionResult> {
    // The stage may have moved since the validator accepted the update (it was queued behind another).
    if (!UPDATE_STAGES[action]!.includes(st.stage)) return { ok: false, message: `Not possible any more: the customer is now ${st.stage.replace('_', ' ')}.` };
    switch (action) {
      case 'decideKyc': return decideKyc(arg);
      case 'scheduleInstallation': return scheduleInstallation(arg);
      case 'completeInstallation': return completeInstallation(arg);
      case 'changePackage': return changePackage(arg);
      case 'pause': return pause(arg);
      case 'resume': return resume(arg);
      case 'suspend': return suspend(arg);
      case 'unsuspend': return unsuspend(arg);
      case 'terminate': return terminate(arg);
      default: return { ok: false, message: `unknown action ${action}` };
    }
  }

  async function decideKyc(arg: { actor: LifecycleActor; decision: 'approve' | 'reject'; reason?: string }): Promise<ActionResult> {
    const reason = arg.reason?.trim() || null;
    if (arg.decision === 'reject' && !reason) return { ok: false, message: 'Give the applicant a reason for the rejection.' };
    await db.recordKycDecision({ ...ref, actor: arg.actor, decision: arg.decision, reason });
    if (arg.decision === 'reject') {
      await enterStage('rejected', 'kyc_rejected', `Application rejected by ${arg.actor.name}: ${reason}`);
      await say('kyc_rejected', { reason: reason! }, 'kyc');
      return { ok: true, message: 'Application rejected; the applicant was told by SMS.' };
    }
    await enterStage('installation', 'kyc_approved', `KYC approved by ${arg.actor.name}`);
    await say('kyc_approved', {}, 'kyc');
    return { ok: true, message: 'Approved. Schedule the installation next.' };
  }

  async function scheduleInstallation(arg: { actor: LifecycleActor; technicianId: string; scheduledAt: string }): Promise<ActionResult> {
    const at = new Date(arg.scheduledAt);
    if (Number.isNaN(at.getTime())) return { ok: false, message: 'Choose a valid date and time.' };
    const { technicianName } = await db.saveInstallationSchedule({ ...ref, actor: arg.actor, technicianId: arg.technicianId, scheduledAt: iso(at) });
    const rebooked = st.installation?.scheduledAt != null;
    st.installation = { technicianId: arg.technicianId, technicianName, scheduledAt: iso(at) };
    await event('installation_scheduled', `Installation ${rebooked ? 're' : ''}scheduled for ${nairobiDate(at)} ${nairobiTime(at)} with ${technicianName}`);
    await say('installation_scheduled', { date: nairobiDate(at), time: nairobiTime(at), technician: technicianName }, `installation:${iso(at)}`);
    return { ok: true, message: `Installation booked for ${nairobiDate(at)} ${nairobiTime(at)}; the customer was told by SMS.` };
  }

  async function completeInstallation(arg: { actor: LifecycleActor; routerId: string; equipmentSerial: string; packageId?: string }): Promise<ActionResult> {
    const packageId = arg.packageId ?? st.packageId;
    if (!packageId) return { ok: false, message: 'Choose the package the customer takes.' };
    if (!arg.equipmentSerial?.trim()) return { ok: false, message: 'Enter the equipment serial number.' };
    pkg = await db.loadPackage({ tenantId: input.tenantId, packageId });
    const { serviceUsername } = await db.completeInstallation({ ...ref, actor: arg.actor, routerId: arg.routerId, equipmentSerial: arg.equipmentSerial.trim(), packageId });
    Object.assign(st, { packageId, routerId: arg.routerId, serviceUsername });
    await event('installation_completed', `Installed (equipment ${arg.equipmentSerial.trim()}); PPPoE user ${serviceUsername}`);
    if (policy!.billingMode === 'postpaid' || policy!.activateOn === 'installation') {
      await postpaidPeriodFrom(now());
      await activate();
      return { ok: true, message: `Installed and activated until ${expiryText()}.` };
    }
    await enterStage('awaiting_payment', 'awaiting_payment', `Waiting for the first payment of KES ${formatShillings(pkg.priceCents)}`);
    // The first period's invoice: credit already on the account (a deposit) pays it at once.
    const outcome = await db.renewCycle({ ...ref, key: key('renew'), now: iso(now()), pkg, force: true });
    account = outcome.account;
    if (outcome.renewed) {
      await renewed(outcome.expiresAt, outcome.periodStart, 'First period paid from the deposit');
      await activate();
      return { ok: true, message: `Installed and activated until ${expiryText()}.` };
    }
    if (policy!.stkOnInvoice) await pushStk(outcome.invoice?.outstandingCents ?? pkg.priceCents);
    return { ok: true, message: 'Installed. The service starts when the first payment arrives.' };
  }

  async function changePackage(arg: { actor: LifecycleActor; packageId: string }): Promise<ActionResult> {
    if (arg.packageId === st.packageId) return { ok: false, message: 'The customer is already on that package.' };
    const target = await db.loadPackage({ tenantId: input.tenantId, packageId: arg.packageId });
    const old = pkg;
    let money = '';
    if (old && st.stage === 'active' && st.periodStart && st.expiresAt) {
      const p = prorate({ oldPriceCents: old.priceCents, newPriceCents: target.priceCents, periodStart: new Date(st.periodStart), periodEnd: new Date(st.expiresAt), at: now() });
      const step = `change:${Date.now()}`;
      if (p.netCents > 0) {
        const inv = await db.issueInvoice({ ...ref, key: key(step), kind: 'proration', totalCents: p.netCents, description: `Change ${old.name} → ${target.name} for the rest of the period`, issuedAt: iso(now()), dueAt: iso(now()), packageId: target.id });
        money = `; KES ${formatShillings(p.netCents)} charged (${inv.number})`;
      } else if (p.netCents < 0) {
        await db.creditAccount({ ...ref, key: key(step), amountCents: -p.netCents, description: `Unused ${old.name} credited on change to ${target.name}` });
        money = `; KES ${formatShillings(-p.netCents)} credited`;
      }
    }
    await db.saveSubscription({ ...ref, packageId: target.id, actor: arg.actor, auditAction: 'subscription.package_changed' });
    pkg = target;
    st.packageId = target.id;
    if (st.stage === 'active') await router('active', true);
    await refreshAccount();
    await event('package_changed', `Package changed ${old ? `from ${old.name} ` : ''}to ${target.name} by ${arg.actor.name}${money}`);
    return { ok: true, message: `Now on ${target.name}${money}.` };
  }

  async function pause(arg: { actor: LifecycleActor; reason: string }): Promise<ActionResult> {
    const remaining = Math.max(Date.parse(st.expiresAt!) - Date.now(), 0);
    st.pausedRemainingMs = remaining;
    await db.saveSubscription({ ...ref, pausedRemainingSeconds: Math.round(remaining / 1000), actor: arg.actor, auditAction: 'subscription.paused' });
    await router('suspended', true);
    await enterStage('paused', 'paused', `Paused by ${arg.actor.name} (${arg.reason}); ${Math.round(remaining / 86_400_000)} day(s) kept`);
    return { ok: true, message: 'Paused. The remaining days are kept until the service resumes.' };
  }

  async function resume(arg: { actor: LifecycleActor }): Promise<ActionResult> {
    const expires = new Date(Date.now() + (st.pausedRemainingMs ?? 0));
    st.expiresAt = iso(expires);
    st.pausedRemainingMs = null;
    await db.saveSubscription({ ...ref, expiresAt: iso(expires), pausedRemainingSeconds: null, actor: arg.actor, auditAction: 'subscription.resumed' });
    await router('active', true);
    await enterStage('active', 'resumed', `Resumed by ${arg.actor.name}; active until ${expiryText()}`);
    return { ok: true, message: `Resumed; active until ${expiryText()}.` };
  }

  async function suspend(arg: { actor: LifecycleActor; reason: string }): Promise<ActionResult> {
    st.manualHold = arg.reason.trim();
    await db.auditAction({ ...ref, actor: arg.actor, action: 'customer.suspended', detail: { reason: st.manualHold } });
    await router('suspended', true);
    await enterStage('suspended', 'suspended_by_staff', `Suspended by ${arg.actor.name}: ${st.manualHold}`);
    return { ok: true, message: 'Suspended. Payments are still credited but do not reconnect until you resume the service.' };
  }

  async function unsuspend(arg: { actor: LifecycleActor }): Promise<ActionResult> {
    const wasHeld = st.manualHold !== null;
    st.manualHold = null;
    await db.auditAction({ ...ref, actor: arg.actor, action: 'customer.unsuspended', detail: {} });
    const paidUp = policy!.billingMode === 'postpaid'
      ? !(account?.openInvoices ?? []).some((i) => new Date(i.dueAt).getTime() + policy!.suspendAfterDays * 86_400_000 <= Date.now())
      : st.expiresAt !== null && Date.parse(st.expiresAt) > Date.now();
    if (!paidUp) {
      await event('unsuspended', `Staff hold lifted by ${arg.actor.name}; the account still needs a payment`);
      return { ok: true, message: wasHeld ? 'Hold lifted, but the account is unpaid: it reconnects on payment.' : 'The account is unpaid: it reconnects on payment.' };
    }
    await router('active', true);
    await enterStage('active', 'unsuspended', `Resumed by ${arg.actor.name}`);
    return { ok: true, message: 'Service resumed.' };
  }

  async function terminate(arg: { actor: LifecycleActor; reason: string }): Promise<ActionResult> {
    if (st.serviceUsername) await router('removed', true);
    let credit = '';
    if (pkg && st.periodStart && st.expiresAt && st.stage === 'active') {
      const unused = prorate({ oldPriceCents: pkg.priceCents, newPriceCents: 0, periodStart: new Date(st.periodStart), periodEnd: new Date(st.expiresAt), at: now() }).creditCents;
      if (unused > 0) {
        await db.creditAccount({ ...ref, key: `${wfId}:terminate:credit`, amountCents: unused, description: `Credit note: unused ${pkg.name} at termination` });
        credit = `; KES ${formatShillings(unused)} credited for unused time`;
      }
    }
    await db.auditAction({ ...ref, actor: arg.actor, action: 'customer.terminated', detail: { reason: arg.reason } });
    await refreshAccount();
    await enterStage('terminated', 'terminated', `Terminated by ${arg.actor.name}: ${arg.reason}${credit}; final balance KES ${formatShillings(account!.balanceCents)}`);
    return { ok: true, message: `Terminated${credit}.` };
  }
}

function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) return cause.message;
  return err instanceof Error ? err.message : String(err);
}
