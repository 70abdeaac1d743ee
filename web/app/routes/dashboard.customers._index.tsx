import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { applications } from '../../../db/queries/applications';
import { CUSTOMER_STATUSES, customers } from '../../../db/queries/customers';
import { formatKenyanPhone } from '../../../domain/phone';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { CsrfField } from '../components/form';
import { startMissingLifecycles } from '../lifecycle/start-many.server';
import { filterQuery, listFilter } from '../customers/filter';
import { formatEat, STATUS_LABELS } from '../components/labels';
import { EmptyState, Pagination, pageFrom } from '../components/pagination';

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'customers:read');
  const url = new URL(args.request.url);
  const filter = listFilter(url);
  const { page, limit, offset } = pageFrom(url);
  const { rows, total } = await customers.list(args.context.sql, me.scope, { ...filter, limit, offset });
  const withoutLifecycle = me.can('customers:write') ? await applications.countWithoutLifecycle(args.context.sql, me.scope) : 0;
  return json({
    csrf: me.csrf,
    withoutLifecycle,
    rows,
    total,
    page,
    filter,
    // Resellers only ever see their own customers, so the column would say the same name on every row.
    showReseller: !me.scope.resellerId,
    can: { write: me.can('customers:write'), import: me.can('customers:import'), export: me.can('customers:export') },
  });
}

/** "Start lifecycles": imported customers, and any created while Temporal was down, get their workflow. */
export async function action(args: ActionFunctionArgs) {
  const me = await requireStaff(args, 'customers:write');
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const { started, failed } = await startMissingLifecycles(args.context, me);
  const message = failed > 0 && started === 0 ? 'The workflow service cannot be reached just now. Try again in a minute.' : `Started ${started} lifecycle${started === 1 ? '' : 's'}${failed ? `; ${failed} could not start (try again)` : ''}.`;
  return json({ ok: failed === 0, message }, { status: failed > 0 && started === 0 ? 503 : 200 });
}

export default function Customers() {
  const { rows, total, page, filter, showReseller, can, csrf, withoutLifecycle } = useLoaderData<typeof loader>();
  const started = useActionData<typeof action>();
  const navigation = useNavigation();
  const starting = navigation.state === 'submitting' && navigation.formMethod === 'POST';
  const filtered = Boolean(filter.search || filter.status);
  return (
    <>
      <div className="heading">
        <h1>Customers</h1>
        <div>
          {can.write ? <Link to="/dashboard/customers/new" className="button">New customer</Link> : null}{' '}
          {can.import ? <Link to="/dashboard/customers/import" className="button secondary">Import</Link> : null}{' '}
          {can.export ? <a href={`/dashboard/customers/export.csv${filterQuery(filter)}`} className="button secondary" download>Export CSV</a> : null}
        </div>
      </div>
      {started ? (
        <p className={`notice ${started.ok ? 'notice-ok' : 'notice-bad'}`} role="status" data-testid="start-lifecycles-result">
          {started.message}
        </p>
      ) : null}
      {withoutLifecycle > 0 ? (
        <Form method="post" data-testid="start-lifecycles">
          <CsrfField token={csrf} />
          <button type="submit" className="secondary" disabled={starting} aria-busy={starting}>
            {starting ? 'Starting…' : `Start lifecycles for ${withoutLifecycle} customer${withoutLifecycle === 1 ? '' : 's'} without one`}
          </button>
        </Form>
      ) : null}
      <Form method="get" className="filters" role="search">
        <label>
          Search
          <input type="search" name="q" defaultValue={filter.search ?? ''} placeholder="Name, phone, account no. or national ID" />
        </label>
        <label>
          Status
          <select name="status" defaultValue={filter.status ?? ''}>
            <option value="">Any status</option>
            {CUSTOMER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Search</button>
      </Form>
      {rows.length === 0 ? (
        filtered ? (
          <EmptyState title="No customers match">
            <p>Try part of the name, the phone number as the customer gives it (0712…), or clear the filters.</p>
            <Link to="/dashboard/customers">Show all customers</Link>
          </EmptyState>
        ) : (
          <EmptyState title="No customers yet">
            <p>Add customers one at a time, or import a spreadsheet of the customers you already serve.</p>
          </EmptyState>
        )
      ) : (
        <>
          <table className="table">
            <thead>
              <tr>
                <th>Account</th>
                <th>Name</th>
                <th>Phone</th>
                <th>Status</th>
                {showReseller ? <th>Reseller</th> : null}
                <th>Added</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/dashboard/customers/${c.id}`}>{c.accountNumber}</Link>
                  </td>
                  <td>
                    <Link to={`/dashboard/customers/${c.id}`}>
                      {c.firstName} {c.lastName}
                    </Link>
                  </td>
                  <td>{formatKenyanPhone(c.phone)}</td>
                  <td>{STATUS_LABELS[c.status]}</td>
                  {showReseller ? <td>{c.resellerName ?? '—'}</td> : null}
                  <td>{formatEat(c.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pagination page={page} total={total} />
        </>
      )}
    </>
  );
}
