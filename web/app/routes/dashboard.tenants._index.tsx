import { json, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { tenants } from '../../../db/queries/tenants';
import { requireSignedIn } from '../auth/guard.server';
import { can } from '../auth/permissions';
import { CsrfField } from '../components/form';
import { EmptyState } from '../components/pagination';
import { TENANT_STATUS_LABELS } from '../components/tenant-status';

export async function loader(args: LoaderFunctionArgs) {
  // Not requireStaff: a super admin lands here precisely when no ISP is selected yet.
  const { staff, tenantId, csrf } = await requireSignedIn(args);
  if (!can(staff.role, 'tenants:manage')) throw new Response('Only a super admin manages ISPs.', { status: 403, statusText: 'Forbidden' });
  const rows = await tenants.list(args.context.sql);
  return json({
    csrf,
    pick: new URL(args.request.url).searchParams.get('pick') === '1',
    currentId: tenantId,
    rows: rows.map((t) => ({ id: t.id, name: t.name, slug: t.slug, status: t.status, customers: t.customers, staff: t.staff })),
  });
}

export default function Tenants() {
  const { csrf, pick, currentId, rows } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="heading">
        <h1>ISPs</h1>
        <Link to="/dashboard/tenants/new" className="button">New ISP</Link>
      </div>
      {pick ? (
        <p className="notice" role="status">
          Choose an ISP to work in: press <strong>Work in this ISP</strong> beside one below.
        </p>
      ) : null}
      {rows.length === 0 ? (
        <EmptyState title="No ISPs yet">
          <p>Create the first ISP together with its admin, who can then add their own staff, packages and routers.</p>
        </EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Short name</th>
              <th>Status</th>
              <th className="num">Customers</th>
              <th className="num">Staff</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((t) => (
              <tr key={t.id}>
                <td>
                  <Link to={`/dashboard/tenants/${t.id}`}>{t.name}</Link>
                </td>
                <td>{t.slug}</td>
                <td>{TENANT_STATUS_LABELS[t.status]}</td>
                <td className="num">{t.customers}</td>
                <td className="num">{t.staff}</td>
                <td>
                  {t.id === currentId ? (
                    'Working here'
                  ) : (
                    <Form method="post" action={`/dashboard/tenants/${t.id}`}>
                      <CsrfField token={csrf} />
                      <button type="submit" name="intent" value="work" className="secondary">
                        Work in this ISP
                      </button>
                    </Form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
