import type { LoaderFunctionArgs } from '@remix-run/node';
import { applications } from '../../../db/queries/applications';
import { billing } from '../../../db/queries/billing';
import type { Customer } from '../../../db/queries/customers';
import { lifecycle } from '../../../db/queries/lifecycle';
import { packages } from '../../../db/queries/packages';
import { actorMay, UPDATE_STAGES, type LifecycleAction, type LifecycleStage } from '../../../workflows/customer-lifecycle/messages';
import type { StaffContext } from '../auth/guard.server';
import type { LifecycleIntent } from '../forms/lifecycle';
import { liveLifecycle, staffActor } from './workflow.server';

export const TIMELINE_ROWS = 50;

/** Each action the panel offers: the update it sends, the role rule it falls under, and whether it needs a reason. */
export const INTENTS: Record<Exclude<LifecycleIntent, 'startLifecycle'>, { update: string; rule: LifecycleAction; label: string }> = {
  suspend: { update: 'suspend', rule: 'suspend', label: 'Suspend' },
  unsuspend: { update: 'unsuspend', rule: 'suspend', label: 'Resume service' },
  pause: { update: 'pause', rule: 'pause', label: 'Pause' },
  resume: { update: 'resume', rule: 'pause', label: 'Resume from pause' },
  changePackage: { update: 'changePackage', rule: 'changePackage', label: 'Change package' },
  terminate: { update: 'terminate', rule: 'terminate', label: 'Terminate' },
};

/**
 * The lifecycle panel of the customer page: the workflow's live state when Temporal answers, else the
 * database projection (which the workflow's activities keep in step), plus the timeline and allowed actions.
 */
export async function lifecyclePanel(args: LoaderFunctionArgs, me: StaffContext, customer: Pick<Customer, 'id' | 'status'>) {
  const { sql } = args.context;
  const tenantId = me.tenant.id;
  const money = me.can('payments:read');
  const [record, timeline, timelineTotal, documents, account, pppoe] = await Promise.all([
    applications.lifecycleRecord(sql, me.scope, customer.id),
    lifecycle.timeline(sql, tenantId, customer.id, TIMELINE_ROWS),
    applications.timelineCount(sql, tenantId, customer.id),
    applications.documents(sql, me.scope, customer.id),
    money ? billing.accountStatus(sql, tenantId, customer.id) : null,
    packages.list(sql, tenantId, { kind: 'pppoe' }),
  ]);
  const workflowId = record?.workflowId ?? null;
  const live = workflowId ? await liveLifecycle(args.context, workflowId) : null;
  const view = live?.state === 'live' ? live.view : null;
  const stage = (view?.stage ?? customer.status) as LifecycleStage | 'applied';
  const packageName = (id: string | null | undefined) => (id ? (pppoe.find((p) => p.id === id)?.name ?? null) : null);
  // Money comes from the ledger, which is ahead of the workflow's copy while a payment waits to be applied.
  const first = account?.openInvoices[0];
  const open = first ? { number: first.number, outstandingCents: first.outstandingCents, dueAt: first.dueAt } : null;
  const actor = staffActor(me);
  const lifecycleStaff = me.can('customers:lifecycle');
  const allowed = Object.fromEntries(
    Object.entries(INTENTS).map(([intent, i]) => [intent, Boolean(workflowId) && lifecycleStaff && actorMay(actor, i.rule) && (UPDATE_STAGES[i.update] ?? []).includes(stage as LifecycleStage)]),
  ) as Record<keyof typeof INTENTS, boolean>;
  return {
    workflowId,
    source: view ? ('live' as const) : ('database' as const),
    liveState: live?.state ?? 'none',
    stage,
    packageName: packageName(view?.packageId) ?? record?.subscription?.packageName ?? record?.requestedPackage ?? null,
    expiresAt: view?.expiresAt ?? record?.subscription?.expiresAt ?? null,
    balanceCents: account?.balanceCents ?? null,
    openInvoice: open,
    nextAction: view?.nextAction ?? null,
    manualHold: view?.manualHold ?? null,
    installation: view?.installation ?? null,
    router: record?.subscription ? { name: record.subscription.routerName, username: record.subscription.serviceUsername } : null,
    rejectionReason: record?.rejectionReason ?? null,
    timeline: timeline.map((t) => ({ id: t.id, at: t.at, kind: t.kind, summary: t.summary })),
    timelineTotal,
    documents,
    temporalUrl: workflowId && args.context.temporalUiUrl ? `${args.context.temporalUiUrl}/${encodeURIComponent(workflowId)}` : null,
    allowed,
    canStart: (!workflowId || live?.state === 'not_found') && stage !== 'rejected' && stage !== 'terminated' && (me.can('customers:write') || lifecycleStaff),
    packageChoices: pppoe.filter((p) => p.active).map((p) => ({ value: p.id, label: p.name })),
    payLink: me.can('payments:record'),
  };
}

export type LifecyclePanelData = Awaited<ReturnType<typeof lifecyclePanel>>;
