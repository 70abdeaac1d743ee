import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/**
 * The customerLifecycle workflow's contract: its input, state, signals, updates and query. The web app
 * imports these (typed handles, the same validation the workflow applies); nothing here does I/O.
 */

export const LIFECYCLE_STAGES = ['kyc_review', 'rejected', 'installation', 'awaiting_payment', 'active', 'suspended', 'paused', 'terminated'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** Who asked for a change: staff (with their role) or the customer from the portal. */
export type LifecycleActor =
  | { kind: 'staff'; staffId: string; role: string; name: string }
  | { kind: 'customer'; name: string };

/** Roles (and the customer) allowed to take each action; the workflow's update validators enforce them too. */
export const ACTION_ROLES = {
  decideKyc: ['super_admin', 'admin', 'support'],
  installation: ['super_admin', 'admin', 'technician'],
  changePackage: ['super_admin', 'admin', 'support', 'customer'],
  pause: ['super_admin', 'admin', 'support', 'customer'],
  suspend: ['super_admin', 'admin', 'support'],
  terminate: ['super_admin', 'admin'],
} as const satisfies Record<string, readonly string[]>;
export type LifecycleAction = keyof typeof ACTION_ROLES;

export function actorMay(actor: LifecycleActor, action: LifecycleAction): boolean {
  const who = actor.kind === 'customer' ? 'customer' : actor.role;
  return (ACTION_ROLES[action] as readonly string[]).includes(who);
}

/** `customer-<tenant slug>-<account number>`: one run chain per customer, readable in the Temporal UI. */
export function lifecycleWorkflowId(tenantSlug: string, accountNumber: string): string {
  return `customer-${tenantSlug}-${accountNumber}`;
}

export interface LifecycleInput {
  tenantId: string;
  customerId: string;
  accountNumber: string;
  phone: string;
  /**
   * `application`: a new applicant, starting at KYC review. `adopt`: a customer that exists already
   * (imported, or from before the workflow): the first run reads its stage and expiry from the database.
   */
  start: 'application' | 'adopt';
  /** Carried by continue-as-new; absent on the first run. */
  carried?: CarriedState;
  /**
   * How long a router step keeps retrying before the lifecycle moves on without it (default 10 minutes);
   * the stage is still recorded, so reconciliation repairs the router once it answers again.
   */
  routerRetryWindow?: string;
  /**
   * Database steps run as local activities (the default, for throughput). The Java time-skipping test
   * server does not see local activities and can skip past a workflow task that is running them, so the
   * time-skipping tests run the very same steps as regular activities.
   */
  databaseSteps?: 'local' | 'activities';
}

export interface LifecycleEvent {
  at: string;
  kind: string;
  summary: string;
}

export interface PaymentNotice {
  paymentId: string;
  amountCents: number;
  method: string;
  receipt?: string | null;
}

/** Everything a run hands to the next. Times are ISO strings (workflow arguments are JSON). */
export interface CarriedState {
  stage: LifecycleStage;
  cycle: number;
  packageId: string | null;
  routerId: string | null;
  serviceUsername: string | null;
  periodStart: string | null;
  expiresAt: string | null;
  /** Set while a prepaid customer is past expiry inside the grace period. */
  overdueSince: string | null;
  /** A staff suspension: payments do not reconnect until staff lift it. */
  manualHold: string | null;
  pausedRemainingMs: number | null;
  /** Reminder days already sent for the current expiry. */
  remindersSent: number[];
  /** Invoices (ids) that already carry a late fee (postpaid). */
  feesCharged: string[];
  /** Payments signalled but not yet applied: carried so none is lost across continue-as-new. */
  pendingPayments: PaymentNotice[];
  /** Payment ids already applied, newest last (bounded): a duplicate signal is ignored. */
  appliedPayments: string[];
  recentEvents: LifecycleEvent[];
  installation: { technicianId: string | null; technicianName: string | null; scheduledAt: string | null } | null;
}

export interface LifecycleView {
  stage: LifecycleStage;
  cycle: number;
  billingMode: 'prepaid' | 'postpaid' | null;
  packageId: string | null;
  routerId: string | null;
  serviceUsername: string | null;
  periodStart: string | null;
  expiresAt: string | null;
  overdueSince: string | null;
  manualHold: string | null;
  pausedRemainingMs: number | null;
  balanceCents: number | null;
  openInvoice: { number: string; outstandingCents: number; dueAt: string } | null;
  nextAction: { kind: string; at: string } | null;
  recentEvents: LifecycleEvent[];
  installation: CarriedState['installation'];
  pendingPayments: number;
}

export interface ActionResult {
  ok: boolean;
  message: string;
}

/** A payment already recorded in the database (ledger credited): the workflow applies it. */
export const paymentReceivedSignal = defineSignal<[PaymentNotice]>('paymentReceived');
export const lifecycleStateQuery = defineQuery<LifecycleView>('lifecycleState');

export interface KycDecision {
  actor: LifecycleActor;
  decision: 'approve' | 'reject';
  reason?: string;
}
export const decideKycUpdate = defineUpdate<ActionResult, [KycDecision]>('decideKyc');

export interface InstallationSchedule {
  actor: LifecycleActor;
  technicianId: string;
  /** ISO instant. */
  scheduledAt: string;
}
export const scheduleInstallationUpdate = defineUpdate<ActionResult, [InstallationSchedule]>('scheduleInstallation');

export interface InstallationDone {
  actor: LifecycleActor;
  routerId: string;
  equipmentSerial: string;
  packageId?: string;
}
export const completeInstallationUpdate = defineUpdate<ActionResult, [InstallationDone]>('completeInstallation');

export interface PackageChange {
  actor: LifecycleActor;
  packageId: string;
}
export const changePackageUpdate = defineUpdate<ActionResult, [PackageChange]>('changePackage');

export interface ReasonedAction {
  actor: LifecycleActor;
  reason: string;
}
export const pauseUpdate = defineUpdate<ActionResult, [ReasonedAction]>('pause');
export const resumeUpdate = defineUpdate<ActionResult, [{ actor: LifecycleActor }]>('resume');
export const suspendUpdate = defineUpdate<ActionResult, [ReasonedAction]>('suspend');
export const unsuspendUpdate = defineUpdate<ActionResult, [{ actor: LifecycleActor }]>('unsuspend');
export const terminateUpdate = defineUpdate<ActionResult, [ReasonedAction]>('terminate');

/** In which stages each update is accepted (the validators reject others before anything is recorded). */
export const UPDATE_STAGES: Record<string, readonly LifecycleStage[]> = {
  decideKyc: ['kyc_review'],
  scheduleInstallation: ['installation'],
  completeInstallation: ['installation'],
  changePackage: ['awaiting_payment', 'active', 'suspended'],
  pause: ['active'],
  resume: ['paused'],
  suspend: ['active'],
  unsuspend: ['suspended'],
  terminate: ['kyc_review', 'installation', 'awaiting_payment', 'active', 'suspended', 'paused'],
};
