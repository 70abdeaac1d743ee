import { json, type LoaderFunctionArgs } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { packages } from '../../../db/queries/packages';
import { formatKes } from '../../../domain/money';
import { requireStaff } from '../auth/guard.server';
import { speedLabel, validityLabel } from '../components/labels';
import { EmptyState } from '../components/pagination';

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'packages:read');
  return json({ rows: await packages.list(args.context.sql, me.tenant.id), canWrite: me.can('packages:write') });
}

export default function Packages() {
  const { rows, canWrite } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="heading">
        <h1>Packages</h1>
        {canWrite ? <Link to="/dashboard/packages/new" className="button">New package</Link> : null}
      </div>
      {rows.length === 0 ? (
        <EmptyState title="No packages yet">
          <p>Packages are what customers buy: a speed, a price and how long it lasts.</p>
        </EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Type</th>
              <th>Speed</th>
              <th className="num">Price</th>
              <th>Lasts</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <tr key={p.id}>
                <td>{canWrite ? <Link to={`/dashboard/packages/${p.id}`}>{p.name}</Link> : p.name}</td>
                <td>{p.kind === 'pppoe' ? 'PPPoE' : 'Hotspot'}</td>
                <td>
                  {speedLabel(p.downloadKbps)} / {speedLabel(p.uploadKbps)}
                </td>
                <td className="num">{formatKes(p.priceCents)}</td>
                <td>{validityLabel(p)}</td>
                <td>{p.active ? 'Offered' : 'Withdrawn'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
