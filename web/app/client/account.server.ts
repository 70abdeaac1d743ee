import type { AppLoadContext } from '@remix-run/node';
import { audit } from '../../../db/queries/audit';
import { billing } from '../../../db/queries/billing';
import { packages, type Package } from '../../../db/queries/packages';
import { portal } from '../../../db/queries/portal';
import { usage } from '../../../db/queries/usage';
import type { LifecycleStage, LifecycleView } from '../../../workflows/customer-lifecycle/messages';
import { liveLifecycle, startLifecycle } from '../lifecycle/workflow.server';
import type { CustomerContext } from './session.server';

export interface AccountView {
  stage: LifecycleStage | 'applied';
  /** False when Temporal did not answer: the stage and expiry are the database projection's. */
  live: boolean;
  view: LifecycleView | null;
  pkg: Package | null;
  periodStart: Date | null;
  expiresAt: Date | null;
  balanceCents: number;
  dueCents: number;
  openInvoices: number;
  subscriptionId: string | null;
  requestedPackage: Package | null;
  rejectionReason: string | null;
}

/**
 * The customer's account as the portal shows it: the lifecycle workflow's own state when it answers (what
 * the system will do), the database projection otherwise; money always from the ledger, which is ahead of
 * the workflow's copy while a payment waits to be applied.
 */
export async function accountView(context: AppLoadContext, me: CustomerContext): Promise<AccountView> {
  const { sql } = context;
  const tenantId = me.tenant.id;
  const [live, sub, status, [extra]] = await Promise.all([
    me.workflowId ? liveLifecycle(context, me.workflowId) : Promise.resolve(undefined),
    portal.subscription(sql, tenantId, me.customer.id),
    billing.accountStatus(sql, tenantId, me.customer.id),
    sql<{ requestedPackageId: string | null; rejectionReason: string | null }[]>`
      select requested_package_id as "requestedPackageId", rejection_reason as "rejectionReason" from customers where tenant_id = ${tenantId} and id = ${me.customer.id}`,
  ]);
  const view = live?.state === 'live' ? live.view : null;
  const packageId = view?.packageId ?? sub?.packageId ?? null;
  const pkg = packageId ? ((await packages.get(sql, tenantId, packageId)) ?? null) : null;
  const requestedPackage = extra?.requestedPackageId ? ((await packages.get(sql, tenantId, extra.requestedPackageId)) ?? null) : null;
  const dueCents = status.openInvoices.reduce((n, i) => n + Math.max(0, i.outstandingCents), 0);
  return {
    stage: view?.stage ?? (me.customer.status === 'applied' ? 'applied' : me.customer.status),
    live: view !== null,
    view,
    pkg,
    periodStart: view?.periodStart ? new Date(view.periodStart) : (sub?.periodStart ?? null),
    expiresAt: view?.expiresAt ? new Date(view.expiresAt) : (sub?.expiresAt ?? null),
    balanceCents: status.balanceCents,
    dueCents,
    openInvoices: status.openInvoices.length,
    subscriptionId: sub?.id ?? null,
    requestedPackage,
    rejectionReason: extra?.rejectionReason ?? null,
  };
}

/** Bytes through the subscription since the period started (Nairobi days), from the router collector. */
export async function usedThisCycle(context: AppLoadContext, tenantId: string, subscriptionId: string, periodStart: Date | null): Promise<number> {
  const days = periodStart ? Math.min(62, Math.max(1, Math.ceil((Date.now() - periodStart.getTime()) / 86_400_000) + 1)) : 31;
  const points = await usage.subscriptionDaily(context.sql, tenantId, subscriptionId, days);
  return points.reduce((n, p) => n + p.uploadBytes + p.downloadBytes, 0);
}

/** What "pay now" asks for: what is owed, else the package price (prepaid renewals), else nothing. */
export function suggestedAmount(a: AccountView): number {
  if (a.dueCents > 0) return a.dueCents;
  if (a.balanceCents < 0) return -a.balanceCents;
  return a.pkg?.priceCents ?? a.requestedPackage?.priceCents ?? 0;
}

/**
 * A customer from before lifecycles (imported, or the demo seed) signing in gets their lifecycle adopted,
 * as the back office's "Start lifecycle" does: what the portal shows and changes is then the workflow's.
 * Best effort: when Temporal does not answer, the portal keeps reading the database projection.
 */
export async function adoptLifecycle(context: AppLoadContext, p: { tenantId: string; tenantSlug: string; customerId: string }): Promise<void> {
  const [c] = await context.sql<{ accountNumber: string; phone: string; status: string; workflowId: string | null }[]>`
    select account_number as "accountNumber", phone, status, workflow_id as "workflowId" from customers where tenant_id = ${p.tenantId} and id = ${p.customerId}`;
  if (!c || c.workflowId || c.status === 'terminated' || c.status === 'rejected') return;
  const started = await startLifecycle(context, { tenantId: p.tenantId, tenantSlug: p.tenantSlug, customerId: p.customerId, accountNumber: c.accountNumber, phone: c.phone, start: 'adopt' });
  if (started.ok) {
    await audit.record(context.sql, {
      tenantId: p.tenantId, actor: { id: null, label: `customer ${c.accountNumber} (portal sign-in)`, ip: context.clientIp },
      action: 'customer.lifecycle_started', entityType: 'customer', entityId: p.customerId, after: { workflowId: started.workflowId, start: 'adopt' },
    });
  }
}
