import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { applications } from '../../../db/queries/applications';
import { audit } from '../../../db/queries/audit';
import { customers } from '../../../db/queries/customers';
import { packages } from '../../../db/queries/packages';
import { formatKes } from '../../../domain/money';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { CustomerForm } from '../components/customer-form';
import { SelectField } from '../components/form';
import { DOCUMENT_FIELDS, DOCUMENT_LABELS, MAX_DOCUMENT_BYTES } from '../customers/documents';
import { checkDocuments, readUploadForm } from '../customers/documents.server';
import { customerSchema } from '../forms/customer';
import { invalid, parseForm } from '../forms/parse.server';
import { startLifecycle } from '../lifecycle/workflow.server';
import { sendSetPasswordLink } from '../client/otp.server';

async function pppoePackages(args: LoaderFunctionArgs, tenantId: string) {
  return (await packages.list(args.context.sql, tenantId, { kind: 'pppoe', activeOnly: true })).map((p) => ({ value: p.id, label: `${p.name} · ${formatKes(p.priceCents)}` }));
}

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'customers:write');
  return json({ csrf: me.csrf, packages: await pppoePackages(args, me.tenant.id), maxMb: MAX_DOCUMENT_BYTES / 1024 / 1024 });
}

export async function action(args: ActionFunctionArgs) {
  const me = await requireStaff(args, 'customers:write');
  const read = await readUploadForm(args.request);
  if ('unreadable' in read) return invalid({ errors: { _form: read.unreadable } });
  const { form, tooBig } = read;
  await requireCsrf(args, form);
  const parsed = parseForm(form, customerSchema);
  const docs = await checkDocuments(form, tooBig);
  const packageId = String(form.get('requestedPackageId') ?? '');
  const offered = await pppoePackages(args, me.tenant.id);
  const packageError: Record<string, string> = packageId && !offered.some((p) => p.value === packageId) ? { requestedPackageId: 'Choose one of the PPPoE packages on offer' } : {};
  if (!parsed.ok || !docs.ok || packageError.requestedPackageId) {
    const values = parsed.ok ? Object.fromEntries([...form].filter(([k, v]) => typeof v === 'string' && k !== '_csrf')) as Record<string, string> : parsed.values;
    return invalid({ errors: { ...(parsed.ok ? {} : parsed.errors), ...(docs.ok ? {} : docs.errors), ...packageError }, values });
  }
  const created = await args.context.sql.begin(async (tx) => {
    // A reseller's scope names themselves: what they create is theirs, so they can still see it.
    const customer = await customers.create(tx, me.tenant.id, { ...parsed.data, status: 'kyc_review', resellerId: me.scope.resellerId ?? null });
    await applications.setRequestedPackage(tx, me.tenant.id, customer.id, packageId || null);
    const stored = [];
    for (const d of docs.documents) {
      const id = await applications.addDocument(tx, { ...d, tenantId: me.tenant.id, customerId: customer.id, uploadedBy: me.staff.id });
      stored.push({ id, kind: d.kind, filename: d.filename, contentType: d.contentType, sizeBytes: d.data.byteLength });
    }
    await audit.record(tx, { tenantId: me.tenant.id, actor: me.actor, action: 'customer.create', entityType: 'customer', entityId: customer.id, after: { ...customer, requestedPackageId: packageId || null, documents: stored } });
    return customer;
  });
  const started = await startLifecycle(args.context, {
    tenantId: me.tenant.id,
    tenantSlug: me.tenant.slug,
    customerId: created.id,
    accountNumber: created.accountNumber,
    phone: created.phone,
    start: 'application',
  });
  // The customer sets their own portal password from an SMS link (a no-op with a log line when Temporal is away).
  await sendSetPasswordLink(args.context, { tenantId: me.tenant.id, customerId: created.id, origin: new URL(args.request.url).origin });
  // Possible duplicates are a warning on the new customer's page, never a reason to refuse.
  return redirect(`/dashboard/customers/${created.id}?created=1${started.ok ? '' : '&lifecycle=later'}`);
}

export default function NewCustomer() {
  const { csrf, packages: offered, maxMb } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result?.errors;
  return (
    <>
      <h1>New customer</h1>
      <p>A new customer starts as an application: KYC review, then installation, then service once paid.</p>
      <CustomerForm csrf={csrf} errors={errors} values={result?.values} submitLabel="Create customer" statusNote="every new customer starts as an application" multipart>
        <SelectField name="requestedPackageId" label="Requested package" errors={errors} defaultValue={result?.values?.requestedPackageId ?? offered[0]?.value ?? ''} options={offered} />
        {Object.entries(DOCUMENT_FIELDS).map(([field, kind]) => (
          <FileField key={field} name={field} label={`${DOCUMENT_LABELS[kind]} (optional)`} hint={`JPEG, PNG or PDF, at most ${maxMb} MB`} error={errors?.[field]} />
        ))}
      </CustomerForm>
    </>
  );
}

function FileField({ name, label, hint, error }: { name: string; label: string; hint: string; error?: string }) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={name}>{label}</label>
      <small id={`${name}-hint`}>{hint}</small>
      <input id={name} name={name} type="file" accept="image/jpeg,image/png,application/pdf" aria-invalid={error ? true : undefined} aria-describedby={`${name}-hint${error ? ` ${name}-error` : ''}`} />
      {error ? (
        <p id={`${name}-error`} className="error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
