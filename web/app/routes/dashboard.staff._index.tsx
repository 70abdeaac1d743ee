import { json, type LoaderFunctionArgs } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { staff as staffQueries } from '../../../db/queries/staff';
import { requireStaff } from '../auth/guard.server';
import { ROLE_LABELS } from '../auth/permissions';
import { formatEat } from '../components/labels';
import { EmptyState } from '../components/pagination';

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'staff:manage');
  const rows = await staffQueries.list(args.context.sql, me.tenant.id);
  return json({ rows: rows.map((s) => ({ id: s.id, name: s.name, email: s.email, role: ROLE_LABELS[s.role], active: s.active, lastLoginAt: s.lastLoginAt })), myId: me.staff.id });
}

export default function StaffList() {
  const { rows, myId } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="heading">
        <h1>Staff</h1>
        <Link to="/dashboard/staff/new" className="button">Add staff member</Link>
      </div>
      {rows.length === 0 ? (
        <EmptyState title="No staff yet">
          <p>Add the people who run this ISP with you; each role sees only what it needs.</p>
        </EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th>Role</th>
              <th>Status</th>
              <th>Last sign-in (EAT)</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link to={`/dashboard/staff/${s.id}`}>{s.name}</Link>
                  {s.id === myId ? ' (you)' : null}
                </td>
                <td>{s.email}</td>
                <td>{s.role}</td>
                <td className={s.active ? 'status-ok' : 'status-bad'}>{s.active ? 'Active' : 'Deactivated'}</td>
                <td>{formatEat(s.lastLoginAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
