import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { audit } from '../../../db/queries/audit';
import { mpesa } from '../../../db/queries/mpesa';
import { recordPayment } from '../../../db/queries/payments';
import { tellLifecycleOfPayment } from '../lifecycle/payments.server';
import { formatKes } from '../../../domain/money';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { CsrfField, Field, FormError, SelectField, SubmitButton } from '../components/form';
import { manualPaymentSchema, todayInNairobi } from '../forms/payment';
import { invalid, parseForm } from '../forms/parse.server';

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'payments:record');
  // The customer page's "Record a payment" link names the account.
  const account = new URL(args.request.url).searchParams.get('account')?.trim().slice(0, 40) ?? '';
  return json({ csrf: me.csrf, today: todayInNairobi(), account });
}

export async function action(args: ActionFunctionArgs) {
  const me = await requireStaff(args, 'payments:record');
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const parsed = parseForm(form, manualPaymentSchema);
  if (!parsed.ok) return invalid(parsed);
  const values = Object.fromEntries([...form].filter(([k]) => k !== '_csrf')) as Record<string, string>;
  const p = parsed.data;
  const { sql } = args.context;
  const customer = await mpesa.customerByAccount(sql, me.tenant.id, p.accountNumber);
  if (!customer) return invalid({ errors: { accountNumber: `No customer has account number ${p.accountNumber}` }, values });

  const outcome = await sql.begin(async (tx) => {
    const recorded = await recordPayment(tx, {
      tenantId: me.tenant.id,
      customerId: customer.id,
      method: p.method,
      amountCents: p.amount,
      externalRef: p.reference,
      receivedAt: p.receivedAt,
      recordedBy: me.actor.id,
      notes: p.notes,
    });
    if (!recorded.created) return { duplicate: true as const, paymentId: recorded.paymentId };
    await audit.record(tx, {
      tenantId: me.tenant.id,
      actor: me.actor,
      action: 'payment.record',
      entityType: 'payment',
      entityId: recorded.paymentId,
      after: { accountNumber: p.accountNumber, method: p.method, amountCents: p.amount, reference: p.reference, receivedAt: p.receivedAt.toISOString(), notes: p.notes },
    });
    return { duplicate: false as const, paymentId: recorded.paymentId };
  });
  if (outcome.duplicate) {
    return invalid({ errors: { reference: `A ${p.method} payment with reference ${p.reference} is already recorded` }, values });
  }
  await tellLifecycleOfPayment(args.context, { tenantId: me.tenant.id, customerId: customer.id, paymentId: outcome.paymentId, amountCents: p.amount, method: p.method, receipt: p.reference });
  return redirect(`/dashboard/payments?recorded=${encodeURIComponent(formatKes(p.amount))}`);
}

export default function NewPayment() {
  const { csrf, today, account } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result?.errors;
  const values: Record<string, string> = result?.values ?? {};
  return (
    <>
      <h1>Record a payment</h1>
      <p>Cash paid at the office, a bank deposit or a cheque. M-Pesa payments are recorded automatically.</p>
      <Form method="post" className="stack" noValidate>
        <CsrfField token={csrf} />
        <FormError errors={errors} />
        <Field name="accountNumber" label="Customer account number" errors={errors} defaultValue={values.accountNumber ?? account} required placeholder="MT00001" />
        <SelectField
          name="method"
          label="Method"
          required
          errors={errors}
          defaultValue={values.method ?? 'cash'}
          options={[
            { value: 'cash', label: 'Cash' },
            { value: 'bank', label: 'Bank deposit or transfer' },
            { value: 'cheque', label: 'Cheque' },
          ]}
        />
        <Field name="amount" label="Amount (KES)" errors={errors} defaultValue={values.amount} required inputMode="decimal" placeholder="1500" />
        <Field name="reference" label="Reference" hint="Required for bank (slip or transaction number) and cheque (cheque number)" errors={errors} defaultValue={values.reference} />
        <Field name="receivedOn" label="Received on" type="date" errors={errors} defaultValue={values.receivedOn ?? today} required />
        <Field name="notes" label="Notes" errors={errors} defaultValue={values.notes} />
        <SubmitButton>Record payment</SubmitButton> <Link to="/dashboard/payments">Cancel</Link>
      </Form>
    </>
  );
}
