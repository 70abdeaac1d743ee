import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { applications } from '../../../db/queries/applications';
import { customers, isUuid } from '../../../db/queries/customers';
import { installations, INSTALLATIONS_RECENT_DAYS } from '../../../db/queries/installations';
import { packages } from '../../../db/queries/packages';
import { routers } from '../../../db/queries/routers';
import { actorMay, completeInstallationUpdate, scheduleInstallationUpdate } from '../../../workflows/customer-lifecycle/messages';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { EmptyState } from '../components/pagination';
import { InstallationCard, type Choices } from '../components/installation-card';
import { completeSchema, scheduleSchema } from '../forms/lifecycle';
import { parseForm } from '../forms/parse.server';
import { formatNairobiDay, nairobiDay } from '../lifecycle/nairobi';
import { sendLifecycleUpdate, staffActor } from '../lifecycle/workflow.server';

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'installations:read');
  const { sql } = args.context;
  const canManage = me.can('installations:manage');
  const mine = new URL(args.request.url).searchParams.get('mine') === '1';
  const [board, technicians, routerRows, pppoe] = await Promise.all([
    installations.board(sql, me.scope, mine ? { technicianId: me.staff.id } : {}),
    canManage ? installations.technicians(sql, me.tenant.id) : [],
    canManage ? routers.list(sql, me.tenant.id) : [],
    canManage ? packages.list(sql, me.tenant.id, { kind: 'pppoe', activeOnly: true }) : [],
  ]);
  const choices: Choices = {
    technicians: technicians.map((t) => ({ value: t.id, label: t.name })),
    routers: routerRows.filter((r) => r.status !== 'disabled').map((r) => ({ value: r.id, label: r.site ? `${r.name} (${r.site})` : r.name })),
    packages: pppoe.map((p) => ({ value: p.id, label: p.name })),
  };
  return json({ csrf: me.csrf, board, choices, canManage, mine });
}

export async function action(args: ActionFunctionArgs) {
  const me = await requireStaff(args, 'installations:manage');
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const customerId = String(form.get('customerId') ?? '');
  const customer = isUuid(customerId) ? await customers.get(args.context.sql, me.scope, customerId) : undefined;
  if (!customer) throw new Response('No such customer', { status: 404 });
  const who = { customerId, name: `${customer.firstName} ${customer.lastName} (${customer.accountNumber})` };
  const actor = staffActor(me);
  if (!actorMay(actor, 'installation')) return json({ ...who, ok: false, message: 'Your role may not book or complete installations.', errors: {} }, { status: 403 });
  const record = await applications.lifecycleRecord(args.context.sql, me.scope, customerId);
  if (!record?.workflowId) return json({ ...who, ok: false, message: 'This customer has no lifecycle workflow yet: start it from the customer page first.', errors: {} }, { status: 409 });
  const intent = form.get('intent');
  if (intent === 'schedule') {
    const parsed = parseForm(form, scheduleSchema);
    if (!parsed.ok) return json({ ...who, ok: false, message: 'Check the booking.', errors: parsed.errors }, { status: 400 });
    const outcome = await sendLifecycleUpdate(args.context, record.workflowId, scheduleInstallationUpdate, { actor, technicianId: parsed.data.technicianId, scheduledAt: parsed.data.scheduledAt.toISOString() });
    return json({ ...who, ok: outcome.ok, message: outcome.message, errors: {} }, { status: outcome.status });
  }
  if (intent === 'complete') {
    const parsed = parseForm(form, completeSchema);
    if (!parsed.ok) return json({ ...who, ok: false, message: 'Check the installation details.', errors: parsed.errors }, { status: 400 });
    const outcome = await sendLifecycleUpdate(args.context, record.workflowId, completeInstallationUpdate, { actor, ...parsed.data });
    return json({ ...who, ok: outcome.ok, message: outcome.message, errors: {} }, { status: outcome.status });
  }
  throw new Response('Unknown action', { status: 400 });
}

export default function InstallationsBoard() {
  const { csrf, board, choices, canManage, mine } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const unscheduled = board.filter((b) => b.status === 'unscheduled');
  const scheduled = board.filter((b) => b.status === 'scheduled');
  const completed = board.filter((b) => b.status === 'completed');
  const days = [...new Set(scheduled.map((b) => nairobiDay(b.scheduledAt!)))];
  const card = (b: (typeof board)[number]) => (
    <InstallationCard key={b.customerId} item={b} csrf={csrf} choices={choices} canManage={canManage} errors={result && result.customerId === b.customerId ? result.errors : undefined} />
  );
  return (
    <>
      <div className="heading">
        <h1>Installations</h1>
        <Link to={mine ? '/dashboard/installations' : '/dashboard/installations?mine=1'} className="button secondary">
          {mine ? 'Show every visit' : 'Only my visits'}
        </Link>
      </div>
      {result ? (
        <p className={`notice ${result.ok ? 'notice-ok' : 'notice-bad'}`} role={result.ok ? 'status' : 'alert'} data-testid="installation-result">
          {result.name}: {result.message}
        </p>
      ) : null}
      {board.length === 0 && mine ? <EmptyState title="No visits booked with you" /> : null}
      {board.length === 0 && !mine ? (
        <EmptyState title="Nothing to install">
          <p>
            Approved applications appear here. <Link to="/dashboard/applications">See the applications queue</Link>
          </p>
        </EmptyState>
      ) : null}
      <section aria-label="Not yet booked" data-testid="unscheduled">
        <h2>Not yet booked ({unscheduled.length})</h2>
        {unscheduled.length === 0 ? <p>Every approved customer has a visit booked.</p> : <ul className="cards">{unscheduled.map(card)}</ul>}
      </section>
      <section aria-label="Booked visits" data-testid="scheduled">
        <h2>Booked ({scheduled.length})</h2>
        {days.length === 0 ? <p>No visits booked.</p> : null}
        {days.map((day) => (
          <div key={day}>
            <h3>{formatNairobiDay(`${day}T12:00:00+03:00`)}</h3>
            <ul className="cards">{scheduled.filter((b) => nairobiDay(b.scheduledAt!) === day).map(card)}</ul>
          </div>
        ))}
      </section>
      <section aria-label="Completed recently" data-testid="completed">
        <h2>Completed in the last {INSTALLATIONS_RECENT_DAYS} days ({completed.length})</h2>
        {completed.length === 0 ? <p>None yet.</p> : <ul className="cards">{completed.map(card)}</ul>}
      </section>
    </>
  );
}
