import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { audit } from '../../../db/queries/audit';
import { mpesa } from '../../../db/queries/mpesa';
import { allocateSuspensePayment, paymentDetail, reversePayment } from '../../../db/queries/payments';
import { formatKes } from '../../../domain/money';
import { tellLifecycleOfPayment } from '../lifecycle/payments.server';
import { formatKenyanPhone } from '../../../domain/phone';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { CsrfField, Field, FormError, SubmitButton } from '../components/form';
import { formatEat } from '../components/labels';

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'payments:read');
  const { sql } = args.context;
  const payment = await paymentDetail(sql, me.tenant.id, args.params.id ?? '');
  // Resellers see their own customers' payments only, and never the suspense queue.
  if (!payment || (me.scope.resellerId && payment.resellerId !== me.scope.resellerId)) throw new Response('No such payment', { status: 404 });
  const daraja = await mpesa.forPayment(sql, payment);
  return json({
    payment,
    checkout: daraja.checkout ?? null,
    // TEMPORAL_UI_URL set: the workflow id links to its page there; otherwise only the id is shown.
    workflowUrl: daraja.checkout && args.context.temporalUiUrl ? `${args.context.temporalUiUrl}/${encodeURIComponent(daraja.checkout.workflowId)}` : null,
    events: daraja.events.map((e) => ({ id: e.id, kind: e.kind, receivedAt: e.receivedAt, outcome: e.outcome, sourceIp: e.sourceIp, body: JSON.stringify(e.body, null, 2) })),
    canAllocate: me.can('payments:record') && payment.customerId === null && payment.reversedAt === null,
    canReverse: me.can('payments:record') && payment.reversedAt === null,
    csrf: me.csrf,
  });
}

export async function action(args: ActionFunctionArgs) {
  const me = await requireStaff(args, 'payments:record');
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const { sql } = args.context;
  const paymentId = args.params.id ?? '';
  if (form.get('intent') === 'reverse') {
    const reason = String(form.get('reason') ?? '').trim();
    if (reason.length < 3 || reason.length > 500) {
      return json({ errors: { reason: 'Give the reason for the reversal (3 to 500 characters)' }, values: { accountNumber: '', reason } }, { status: 400 });
    }
    const reversed = await sql.begin(async (tx) => {
      const before = await paymentDetail(tx, me.tenant.id, paymentId);
      const ok = await reversePayment(tx, { tenantId: me.tenant.id, paymentId, staffId: me.actor.id, reason });
      if (ok) {
        await audit.record(tx, {
          tenantId: me.tenant.id, actor: me.actor, action: 'payment.reverse', entityType: 'payment', entityId: paymentId,
          before: { amountCents: before?.amountCents, accountNumber: before?.accountNumber, reference: before?.externalRef }, after: { reason },
        });
      }
      return ok;
    });
    if (!reversed) return json({ errors: { _form: 'This payment is already reversed' }, values: { accountNumber: '', reason } }, { status: 409 });
    return redirect(`/dashboard/payments/${paymentId}`);
  }
  const accountNumber = String(form.get('accountNumber') ?? '').trim().toUpperCase();
  const values = { accountNumber, reason: '' };
  if (!accountNumber) return json({ errors: { accountNumber: 'Enter the customer account number' }, values }, { status: 400 });
  const customer = await mpesa.customerByAccount(sql, me.tenant.id, accountNumber);
  if (!customer) return json({ errors: { accountNumber: `No customer has account number ${accountNumber}` }, values }, { status: 400 });
  const done = await sql.begin(async (tx) => {
    const ok = await allocateSuspensePayment(tx, { tenantId: me.tenant.id, paymentId, customerId: customer.id, staffId: me.actor.id });
    if (ok) {
      await audit.record(tx, { tenantId: me.tenant.id, actor: me.actor, action: 'payment.allocate', entityType: 'payment', entityId: paymentId, before: { customerId: null }, after: { customerId: customer.id, accountNumber } });
    }
    return ok;
  });
  if (!done) return json({ errors: { _form: 'This payment is no longer in suspense' }, values }, { status: 409 });
  const allocated = await paymentDetail(sql, me.tenant.id, paymentId);
  if (allocated) {
    await tellLifecycleOfPayment(args.context, { tenantId: me.tenant.id, customerId: customer.id, paymentId, amountCents: allocated.amountCents, method: allocated.method, receipt: allocated.externalRef });
  }
  return redirect(`/dashboard/payments/${paymentId}`);
}

const METHOD_LABELS: Record<string, string> = {
  mpesa_stk: 'M-Pesa (STK)', mpesa_c2b: 'M-Pesa paybill', cash: 'Cash', bank: 'Bank', cheque: 'Cheque', voucher: 'Voucher', wallet: 'Wallet',
};

export default function PaymentDetailPage() {
  const { payment: p, checkout, workflowUrl, events, canAllocate, canReverse, csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <div className="heading">
        <h1>
          {formatKes(p.amountCents)} · {METHOD_LABELS[p.method]}
        </h1>
        <Link to="/dashboard/payments">All payments</Link>
      </div>
      <dl className="details">
        <dt>Customer</dt>
        <dd>{p.customerId ? <Link to={`/dashboard/customers/${p.customerId}`}>{p.accountNumber} · {p.customerName}</Link> : 'Suspense: matched no customer'}</dd>
        <dt>Receipt</dt>
        <dd>{p.receiptNumber ?? '—'}</dd>
        <dt>Reference</dt>
        <dd>{p.externalRef ?? '—'}</dd>
        <dt>Received</dt>
        <dd>{formatEat(p.receivedAt)}</dd>
        <dt>Payer</dt>
        <dd>{[p.payerName, p.payerPhone ? formatKenyanPhone(p.payerPhone) : null].filter(Boolean).join(' · ') || '—'}</dd>
        <dt>Recorded by</dt>
        <dd>{p.recordedByName ?? 'M-Pesa (automatic)'}</dd>
        {p.reversedAt ? (
          <>
            <dt>Reversed</dt>
            <dd>
              {formatEat(p.reversedAt)} by {p.reversedByName ?? '—'}: {p.reversalReason}
            </dd>
          </>
        ) : null}
        {p.notes ? (
          <>
            <dt>Notes</dt>
            <dd>{p.notes}</dd>
          </>
        ) : null}
        {checkout ? (
          <>
            <dt>Workflow</dt>
            <dd>
              {workflowUrl ? (
                <a href={workflowUrl} target="_blank" rel="noreferrer">
                  <code>{checkout.workflowId}</code> (Temporal UI)
                </a>
              ) : (
                <code>{checkout.workflowId}</code>
              )}
            </dd>
          </>
        ) : null}
      </dl>
      {p.allocations.length > 0 ? (
        <>
          <h2>Paid invoices</h2>
          <ul>
            {p.allocations.map((a) => (
              <li key={a.invoiceId}>
                {a.number}: {formatKes(a.amountCents)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {canAllocate ? (
        <>
          <h2>Allocate to a customer</h2>
          <Form method="post" className="stack" noValidate>
            <CsrfField token={csrf} />
            <FormError errors={result?.errors} />
            <Field name="accountNumber" label="Customer account number" required errors={result?.errors} defaultValue={result?.values.accountNumber} placeholder="MT00001" />
            <SubmitButton>Allocate payment</SubmitButton>
          </Form>
        </>
      ) : null}
      {canReverse ? (
        <>
          <h2>Reverse this payment</h2>
          <p>For a bounced cheque or a payment recorded in error. The customer&apos;s balance goes down by the amount; nothing is deleted.</p>
          <Form method="post" className="stack" noValidate>
            <CsrfField token={csrf} />
            <input type="hidden" name="intent" value="reverse" />
            <Field name="reason" label="Reason" required errors={result?.errors} defaultValue={result?.values.reason} />
            <SubmitButton name="intent" value="reverse">Reverse payment</SubmitButton>
          </Form>
        </>
      ) : null}
      {events.length > 0 ? (
        <>
          <h2>What M-Pesa sent</h2>
          {events.map((e) => (
            <details key={e.id}>
              <summary>
                {e.kind.replace('_', ' ')} · {formatEat(e.receivedAt)} · {e.outcome ?? 'pending'} {e.sourceIp ? `· from ${e.sourceIp}` : ''}
              </summary>
              <pre>{e.body}</pre>
            </details>
          ))}
        </>
      ) : null}
    </>
  );
}
