import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { audit } from '../../../db/queries/audit';
import { portal } from '../../../db/queries/portal';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { CsrfField } from '../components/form';

export const meta: MetaFunction = () => [{ title: 'Support requests · Mtandao' }];

const CATEGORY: Record<string, string> = { no_internet: 'No internet', slow: 'Slow internet', billing: 'Billing or payment', other: 'Something else' };

/** Problems customers reported on the portal, open first; full ticketing comes later. */
export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'customers:kyc');
  const rows = await portal.supportRequests(args.context.sql, me.tenant.id);
  return json({ csrf: me.csrf, rows: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString().slice(0, 16).replace('T', ' ') })) });
}

export async function action(args: ActionFunctionArgs) {
  const me = await requireStaff(args, 'customers:kyc');
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const id = String(form.get('id') ?? '');
  const closed = await args.context.sql.begin(async (tx) => {
    const ok = await portal.closeSupportRequest(tx, me.tenant.id, id, me.staff.id);
    if (ok) await audit.record(tx, { tenantId: me.tenant.id, actor: me.actor, action: 'support_request.close', entityType: 'support_request', entityId: id });
    return ok;
  });
  if (!closed) return json({ message: 'That request is not open (or not yours to see).' }, { status: 404 });
  return json({ message: 'Closed.' });
}

export default function SupportRequests() {
  const { csrf, rows } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Support requests</h1>
      {rows.length === 0 ? <p className="empty">No requests yet.</p> : null}
      <table className="table">
        <thead>
          <tr>
            <th>Received (UTC)</th>
            <th>Customer</th>
            <th>Problem</th>
            <th>Message</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid={`support-${r.accountNumber}`}>
              <td>{r.createdAt}</td>
              <td>
                <Link to={`/dashboard/customers/${r.customerId}`}>{r.name}</Link> · {r.accountNumber} · 0{r.phone.slice(3)}
              </td>
              <td>{CATEGORY[r.category] ?? r.category}</td>
              <td style={{ whiteSpace: 'pre-wrap', minWidth: '16rem' }}>{r.message}</td>
              <td>
                {r.status === 'open' ? (
                  <Form method="post">
                    <CsrfField token={csrf} />
                    <input type="hidden" name="id" value={r.id} />
                    <button type="submit" className="secondary" aria-label={`Close the request from ${r.name}`}>
                      Close
                    </button>
                  </Form>
                ) : (
                  'Closed'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
