import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { packages } from '../../../db/queries/packages';
import { formatKes } from '../../../domain/money';
import { prorate } from '../../../domain/periods';
import { actorMay, changePackageUpdate, UPDATE_STAGES, type LifecycleActor } from '../../../workflows/customer-lifecycle/messages';
import { accountView, type AccountView } from './account.server';
import { t } from './i18n';
import { requireClientCsrf, requireCustomer, type CustomerContext } from './session.server';
import { sendLifecycleUpdate } from '../lifecycle/workflow.server';

const customerActor = (me: CustomerContext): LifecycleActor => ({ kind: 'customer', name: `${me.customer.firstName} ${me.customer.lastName}` });

/**
 * The proration the workflow will apply, from the same function and the same period (the workflow's own
 * state): it prorates only an active period, otherwise the new price starts with the next payment.
 */
function preview(a: AccountView, to: { name: string; priceCents: number }) {
  if (!a.pkg || a.stage !== 'active' || !a.periodStart || !a.expiresAt || a.expiresAt.getTime() <= a.periodStart.getTime()) return null;
  const p = prorate({ oldPriceCents: a.pkg.priceCents, newPriceCents: to.priceCents, periodStart: a.periodStart, periodEnd: a.expiresAt, at: new Date() });
  return { credit: formatKes(p.creditCents), charge: formatKes(p.chargeCents), net: formatKes(Math.abs(p.netCents)), netCents: p.netCents, percentLeft: Math.round(p.remainingPpm / 10_000) };
}

export async function packagePage(args: LoaderFunctionArgs) {
  const me = await requireCustomer(args);
  const a = await accountView(args.context, me);
  const offered = await packages.list(args.context.sql, me.tenant.id, { kind: 'pppoe', activeOnly: true });
  const to = new URL(args.request.url).searchParams.get('to');
  const target = offered.find((p) => p.id === to && p.id !== a.pkg?.id);
  return json({
    current: a.pkg ? { id: a.pkg.id, name: a.pkg.name, price: formatKes(a.pkg.priceCents) } : null,
    allowed: Boolean(me.workflowId) && UPDATE_STAGES.changePackage!.includes(a.stage as never),
    offered: offered.map((p) => ({ id: p.id, label: `${p.name} · ${Math.round(p.downloadKbps / 1000)} Mbps · ${formatKes(p.priceCents)}` })),
    target: target ? { id: target.id, name: target.name, price: formatKes(target.priceCents), preview: preview(a, target) } : null,
  });
}

export async function changePackage(args: ActionFunctionArgs) {
  const me = await requireCustomer(args);
  const form = await args.request.formData();
  await requireClientCsrf(args, form);
  const parsed = z.object({ packageId: z.string().uuid() }).safeParse({ packageId: form.get('packageId') });
  const offered = await packages.list(args.context.sql, me.tenant.id, { kind: 'pppoe', activeOnly: true });
  const target = parsed.success ? offered.find((p) => p.id === parsed.data.packageId) : undefined;
  if (!target) return json({ ok: false, message: t(me.lang, 'pkg.choose') }, { status: 400 });
  const a = await accountView(args.context, me);
  if (a.pkg?.id === target.id) return json({ ok: false, message: t(me.lang, 'pkg.same') }, { status: 400 });
  const actor = customerActor(me);
  if (!me.workflowId || !actorMay(actor, 'changePackage')) return json({ ok: false, message: t(me.lang, 'pkg.notNow') }, { status: 409 });
  const outcome = await sendLifecycleUpdate(args.context, me.workflowId, changePackageUpdate, { actor, packageId: target.id });
  return json({ ok: outcome.ok, message: outcome.message }, { status: outcome.status });
}

