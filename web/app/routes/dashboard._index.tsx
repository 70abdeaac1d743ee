import { json, type LoaderFunctionArgs } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { CUSTOMER_STATUSES } from '../../../db/queries/customers';
import { overview } from '../../../db/queries/overview';
import { formatKes } from '../../../domain/money';
import { requireStaff } from '../auth/guard.server';
import { STATUS_LABELS } from '../components/labels';

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'overview:view');
  return json({ stats: await overview(args.context.sql, me.scope, me.tenant.timezone), showRevenue: me.can('payments:read') });
}

export default function Overview() {
  const { stats, showRevenue } = useLoaderData<typeof loader>();
  const total = Object.values(stats.customersByStatus).reduce((a, b) => a + b, 0);
  return (
    <>
      <h1>Overview</h1>
      <ul className="cards stats">
        <li className="card">
          <h2>{total}</h2>
          <p>customers</p>
        </li>
        <li className="card">
          <h2>{stats.activeSubscriptions}</h2>
          <p>active subscriptions</p>
        </li>
        {showRevenue ? (
          <>
            <li className="card">
              <h2>{formatKes(stats.revenueTodayCents)}</h2>
              <p>received today ({stats.paymentsToday} payments)</p>
            </li>
            <li className="card">
              <h2>{formatKes(stats.revenueMonthCents)}</h2>
              <p>received this month</p>
            </li>
          </>
        ) : null}
      </ul>
      <h2>Customers by status</h2>
      <table className="table">
        <tbody>
          {CUSTOMER_STATUSES.map((status) => (
            <tr key={status}>
              <th scope="row">
                <Link to={`/dashboard/customers?status=${status}`}>{STATUS_LABELS[status]}</Link>
              </th>
              <td className="num">{stats.customersByStatus[status]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
