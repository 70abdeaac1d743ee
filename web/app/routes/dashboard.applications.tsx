import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { applications } from '../../../db/queries/applications';
import { customers, isUuid } from '../../../db/queries/customers';
import { formatKenyanPhone } from '../../../domain/phone';
import { actorMay, decideKycUpdate } from '../../../workflows/customer-lifecycle/messages';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { DuplicateWarning } from '../components/customer-detail';
import { CsrfField } from '../components/form';
import { formatEat } from '../components/labels';
import { EmptyState, Pagination, pageFrom } from '../components/pagination';
import { DocumentLinks } from '../components/documents';
import { kycDecisionSchema } from '../forms/lifecycle';
import { parseForm } from '../forms/parse.server';
import { sendLifecycleUpdate, staffActor } from '../lifecycle/workflow.server';

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'customers:kyc');
  const { sql } = args.context;
  const { page, limit, offset } = pageFrom(new URL(args.request.url));
  const { rows, total } = await applications.queue(sql, me.scope, { limit, offset });
  const withDuplicates = await Promise.all(
    rows.map(async (a) => {
      const found = await customers.possibleDuplicates(sql, me.tenant.id, { phone: a.phone, nationalId: a.nationalId, exceptId: a.id });
      // A reseller learns that a match exists, never who another reseller's customer is.
      const visible = found.filter((d) => !me.scope.resellerId || d.resellerId === me.scope.resellerId);
      return {
        ...a,
        duplicates: {
          visible: visible.map((d) => ({ id: d.id, accountNumber: d.accountNumber, name: `${d.firstName} ${d.lastName}`, samePhone: d.phone === a.phone, sameNationalId: d.nationalId !== null && d.nationalId === a.nationalId })),
          hidden: found.length - visible.length,
        },
      };
    }),
  );
  return json({ csrf: me.csrf, rows: withDuplicates, total, page });
}

export async function action(args: ActionFunctionArgs) {
  const me = await requireStaff(args, 'customers:kyc');
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const customerId = String(form.get('customerId') ?? '');
  const customer = isUuid(customerId) ? await customers.get(args.context.sql, me.scope, customerId) : undefined;
  if (!customer) throw new Response('No such customer', { status: 404 });
  const who = { customerId, name: `${customer.firstName} ${customer.lastName} (${customer.accountNumber})` };
  const actor = staffActor(me);
  if (!actorMay(actor, 'decideKyc')) return json({ ...who, ok: false, message: 'Your role may not decide applications.' }, { status: 403 });
  const parsed = parseForm(form, kycDecisionSchema);
  if (!parsed.ok) return json({ ...who, ok: false, message: Object.values(parsed.errors)[0] ?? 'Check the form.' }, { status: 400 });
  const record = await applications.lifecycleRecord(args.context.sql, me.scope, customerId);
  if (!record?.workflowId) return json({ ...who, ok: false, message: 'This application has no lifecycle workflow yet: start it from the customer page, then decide.' }, { status: 409 });
  const reason = parsed.data.reason?.trim() || undefined;
  const outcome = await sendLifecycleUpdate(args.context, record.workflowId, decideKycUpdate, { actor, decision: parsed.data.decision, ...(reason ? { reason } : {}) });
  return json({ ...who, ok: outcome.ok, message: outcome.message }, { status: outcome.status });
}

export default function Applications() {
  const { csrf, rows, total, page } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busyWith = navigation.state === 'submitting' ? navigation.formData?.get('customerId') : null;
  return (
    <>
      <h1>Applications</h1>
      <p>Oldest first. Approving sends the customer to installation; rejecting tells the applicant the reason by SMS.</p>
      {result ? (
        <p className={`notice ${result.ok ? 'notice-ok' : 'notice-bad'}`} role={result.ok ? 'status' : 'alert'} data-testid="decision-result">
          {result.name}: {result.message}
        </p>
      ) : null}
      {rows.length === 0 ? (
        <EmptyState title="No applications waiting">
          <p>
            New customers appear here for KYC review. <Link to="/dashboard/customers/new">Add a customer</Link>
          </p>
        </EmptyState>
      ) : (
        <ul className="cards" data-testid="applications">
          {rows.map((a) => (
            <li key={a.id} className="card" data-testid={`application-${a.accountNumber}`}>
              <h2>
                <Link to={`/dashboard/customers/${a.id}`}>
                  {a.firstName} {a.lastName}
                </Link>{' '}
                <small>{a.accountNumber}</small>
              </h2>
              <dl className="details">
                <dt>Applied</dt>
                <dd>{formatEat(a.createdAt)}</dd>
                <dt>Package</dt>
                <dd>{a.requestedPackage ?? 'To be chosen at installation'}</dd>
                <dt>Phone</dt>
                <dd>
                  <a href={`tel:+${a.phone}`}>{formatKenyanPhone(a.phone)}</a>
                </dd>
                <dt>National ID</dt>
                <dd>{a.nationalId ?? '—'}</dd>
                <dt>KRA PIN</dt>
                <dd>{a.kraPin ?? '—'}</dd>
                <dt>Location</dt>
                <dd>
                  {a.address ?? '—'}
                  {a.latitude !== null && a.longitude !== null ? ` (${a.latitude}, ${a.longitude})` : ''}
                </dd>
                <dt>Documents</dt>
                <dd>
                  <DocumentLinks documents={a.documents} />
                </dd>
              </dl>
              <DuplicateWarning visible={a.duplicates.visible} hidden={a.duplicates.hidden} />
              {a.workflowId ? (
                <div className="row">
                  <Form method="post" className="stack">
                    <CsrfField token={csrf} />
                    <input type="hidden" name="customerId" value={a.id} />
                    <button type="submit" name="decision" value="approve" disabled={busyWith === a.id} aria-label={`Approve ${a.firstName} ${a.lastName}`}>
                      {busyWith === a.id ? 'Working…' : 'Approve'}
                    </button>
                  </Form>
                  <Form method="post" className="stack">
                    <CsrfField token={csrf} />
                    <input type="hidden" name="customerId" value={a.id} />
                    <label htmlFor={`reason-${a.id}`}>Reason for rejection</label>
                    <input id={`reason-${a.id}`} name="reason" required maxLength={300} placeholder="e.g. ID photo unreadable" />
                    <button type="submit" name="decision" value="reject" className="danger" disabled={busyWith === a.id} aria-label={`Reject ${a.firstName} ${a.lastName}`}>
                      Reject
                    </button>
                  </Form>
                </div>
              ) : (
                <p className="notice notice-bad">
                  The lifecycle workflow has not started yet. <Link to={`/dashboard/customers/${a.id}`}>Start it on the customer page</Link>.
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      <Pagination page={page} total={total} />
    </>
  );
}
