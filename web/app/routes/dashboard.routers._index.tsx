import { json, type LoaderFunctionArgs } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { routers } from '../../../db/queries/routers';
import { requireStaff } from '../auth/guard.server';
import { formatEat } from '../components/labels';
import { EmptyState } from '../components/pagination';

const STATUS = { unknown: 'Not checked yet', online: 'Online', offline: 'Offline', disabled: 'Disabled' } as const;

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'routers:read');
  return json({ rows: await routers.list(args.context.sql, me.tenant.id), canWrite: me.can('routers:write') });
}

export default function Routers() {
  const { rows, canWrite } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="heading">
        <h1>Routers</h1>
        {canWrite ? <Link to="/dashboard/routers/new" className="button">Add router</Link> : null}
      </div>
      {rows.length === 0 ? (
        <EmptyState title="No routers yet">
          <p>Add the MikroTik routers your PPPoE and hotspot customers connect through. Mtandao reaches them over the RouterOS API.</p>
        </EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Address</th>
              <th>TLS</th>
              <th>Username</th>
              <th>Site</th>
              <th>Status</th>
              <th>Last seen</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>{canWrite ? <Link to={`/dashboard/routers/${r.id}`}>{r.name}</Link> : r.name}</td>
                <td>
                  {r.host}:{r.apiPort}
                </td>
                <td>{r.useTls ? 'Yes' : 'No'}</td>
                <td>{r.username}</td>
                <td>{r.site ?? '—'}</td>
                <td>{STATUS[r.status]}</td>
                <td>{formatEat(r.lastSeenAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <small>Connection checks arrive with the MikroTik integration.</small>
      </p>
    </>
  );
}
