import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { audit } from '../../../db/queries/audit';
import { customers } from '../../../db/queries/customers';
import { ledger } from '../../../db/queries/ledger';
import { payments } from '../../../db/queries/payments';
import { subscriptions } from '../../../db/queries/subscriptions';
import { formatKes } from '../../../domain/money';
import { requireStaff } from '../auth/guard.server';
import { CustomerProfile, DuplicateWarning, History, Payments, Subscriptions } from '../components/customer-detail';
import { LifecyclePanel } from '../components/lifecycle-panel';
import { historyLine } from '../customers/history';
import { lifecycleAction } from '../lifecycle/actions.server';
import { lifecyclePanel } from '../lifecycle/panel.server';

const HISTORY_ROWS = 50;

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'customers:read');
  const { sql } = args.context;
  const tenantId = me.tenant.id;
  const customer = await customers.get(sql, me.scope, args.params.id ?? '');
  if (!customer) throw new Response('No such customer', { status: 404 });
  const money = me.can('payments:read');
  const [duplicates, subs, balanceCents, recentPayments, history, lifecycle] = await Promise.all([
    customers.possibleDuplicates(sql, tenantId, { phone: customer.phone, nationalId: customer.nationalId, exceptId: customer.id }),
    subscriptions.forCustomer(sql, tenantId, customer.id),
    money ? ledger.balance(sql, tenantId, customer.id) : null,
    money ? payments.recentForCustomer(sql, tenantId, customer.id, 10) : null,
    me.can('audit:read') ? audit.list(sql, tenantId, { entityType: 'customer', entityId: customer.id, limit: HISTORY_ROWS, offset: 0 }) : null,
    lifecyclePanel(args, me, customer),
  ]);
  // A reseller learns that a match exists, never who another reseller's customer is.
  const visible = duplicates.filter((d) => !me.scope.resellerId || d.resellerId === me.scope.resellerId);
  return json({
    customer,
    duplicates: {
      visible: visible.map((d) => ({
        id: d.id,
        accountNumber: d.accountNumber,
        name: `${d.firstName} ${d.lastName}`,
        samePhone: d.phone === customer.phone,
        sameNationalId: d.nationalId !== null && d.nationalId === customer.nationalId,
      })),
      hidden: duplicates.length - visible.length,
    },
    subscriptions: subs,
    balanceCents,
    payments: recentPayments,
    history: history ? { rows: history.rows.map(historyLine), total: history.total } : null,
    canWrite: me.can('customers:write'),
    lifecycle,
    csrf: me.csrf,
  });
}

/** Lifecycle actions (suspend, pause, change package, terminate, start): lifecycle/actions.server.ts. */
export async function action(args: ActionFunctionArgs) {
  return lifecycleAction(args);
}

export default function CustomerDetail() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const c = data.customer;
  return (
    <>
      <div className="heading">
        <h1>
          {c.firstName} {c.lastName}
        </h1>
        {data.canWrite ? (
          <Link to={`/dashboard/customers/${c.id}/edit`} className="button">
            Edit
          </Link>
        ) : null}
      </div>
      {params.get('created') ? <p className="notice notice-ok" role="status">Customer {c.accountNumber} created.</p> : null}
      {params.get('saved') ? <p className="notice notice-ok" role="status">Changes saved.</p> : null}
      {params.get('lifecycle') === 'later' && !data.lifecycle.workflowId ? (
        <p className="notice notice-bad" role="status" data-testid="lifecycle-later">
          The customer is saved, but the workflow service could not be reached: the lifecycle starts later. Use “Start lifecycle” below once it is back.
        </p>
      ) : null}
      <DuplicateWarning visible={data.duplicates.visible} hidden={data.duplicates.hidden} />
      <CustomerProfile customer={c} />
      <LifecyclePanel panel={data.lifecycle} account={c.accountNumber} csrf={data.csrf} result={result} />
      <h2>Subscriptions</h2>
      <Subscriptions rows={data.subscriptions} />
      {data.balanceCents !== null && data.payments ? (
        <>
          <h2>Wallet</h2>
          <p>
            Balance: <strong>{formatKes(data.balanceCents)}</strong>
          </p>
          <h2>Recent payments</h2>
          <Payments rows={data.payments} />
        </>
      ) : null}
      {data.history ? (
        <>
          <h2>History</h2>
          <History rows={data.history.rows} />
          {data.history.total > HISTORY_ROWS ? <p>Showing the latest {HISTORY_ROWS} of {data.history.total} entries.</p> : null}
        </>
      ) : null}
      <p>
        <Link to="/dashboard/customers">← All customers</Link>
      </p>
    </>
  );
}
