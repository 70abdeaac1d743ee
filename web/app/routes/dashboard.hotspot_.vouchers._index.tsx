import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { audit } from '../../../db/queries/audit';
import { hotspotVouchers } from '../../../db/queries/hotspot-vouchers';
import { packages } from '../../../db/queries/packages';
import { formatKes } from '../../../domain/money';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { CsrfField, Field, FormError, SelectField, SubmitButton } from '../components/form';
import { formatEat } from '../components/labels';
import { endOfNairobiDay, voucherBatchSchema } from '../forms/hotspot-voucher';
import { invalid, parseForm } from '../forms/parse.server';

export const meta: MetaFunction = () => [{ title: 'Hotspot vouchers · Back office' }];

// Vouchers are money in card form: the people who record payments make them.
const PERMISSION = 'payments:record';

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, PERMISSION);
  const [batches, plans] = await Promise.all([hotspotVouchers.listBatches(args.context.sql, me.tenant.id), packages.list(args.context.sql, me.tenant.id, { kind: 'hotspot', activeOnly: true })]);
  return json({ csrf: me.csrf, batches, packages: plans.map((p) => ({ value: p.id, label: `${p.name} · ${formatKes(p.priceCents)}` })) });
}

export async function action(args: ActionFunctionArgs) {
  const me = await requireStaff(args, PERMISSION);
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const parsed = parseForm(form, voucherBatchSchema);
  if (!parsed.ok) return invalid(parsed);
  const { sql } = args.context;
  const pkg = await packages.get(sql, me.tenant.id, parsed.data.packageId);
  if (!pkg || pkg.kind !== 'hotspot') return invalid({ errors: { packageId: 'Choose a hotspot package' } });
  const expiresAt = endOfNairobiDay(parsed.data.expiresOn);
  if (expiresAt.getTime() <= Date.now()) return invalid({ errors: { expiresOn: 'Choose a day from today on' } });
  const batchId = await sql.begin(async (tx) => {
    const id = await hotspotVouchers.createBatch(tx, { tenantId: me.tenant.id, packageId: pkg.id, count: parsed.data.count, prefix: parsed.data.prefix, expiresAt, createdBy: me.staff.id });
    await audit.record(tx, {
      tenantId: me.tenant.id,
      actor: me.actor,
      action: 'voucher_batch.create',
      entityType: 'voucher_batch',
      entityId: id,
      after: { package: pkg.name, count: parsed.data.count, prefix: parsed.data.prefix, expiresAt: expiresAt.toISOString() },
    });
    return id;
  });
  return redirect(`/dashboard/hotspot/vouchers/${batchId}`);
}

export default function VoucherBatches() {
  const { csrf, batches, packages: plans } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <div className="heading">
        <h1>Hotspot vouchers</h1>
        <Link to="/dashboard/hotspot">Purchases and sessions</Link>
      </div>
      <h2>New batch</h2>
      <Form method="post" className="stack">
        <CsrfField token={csrf} />
        <FormError errors={result?.errors} />
        <SelectField name="packageId" label="Package" options={plans} errors={result?.errors} defaultValue={result?.values?.packageId} required />
        <Field name="count" label="Number of cards" type="number" inputMode="numeric" errors={result?.errors} defaultValue={result?.values?.count ?? '50'} required />
        <Field name="prefix" label="Prefix (optional)" hint="Up to 4 characters printed before each code, e.g. the site" errors={result?.errors} defaultValue={result?.values?.prefix} />
        <Field name="expiresOn" label="Unused cards stop working after" type="date" errors={result?.errors} defaultValue={result?.values?.expiresOn} required />
        <SubmitButton>Create batch</SubmitButton>
      </Form>
      <h2>Batches</h2>
      {batches.length === 0 ? (
        <p>No voucher batches yet.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Created</th>
              <th>Package</th>
              <th className="num">Cards</th>
              <th className="num">Unused</th>
              <th className="num">In use</th>
              <th className="num">Expired</th>
              <th className="num">Revoked</th>
              <th>Unused until</th>
            </tr>
          </thead>
          <tbody>
            {batches.map((b) => (
              <tr key={b.id}>
                <td>
                  <Link to={`/dashboard/hotspot/vouchers/${b.id}`}>{formatEat(b.createdAt)}</Link>
                </td>
                <td>{b.packageName}</td>
                <td className="num">{b.count}</td>
                <td className="num">{b.unused}</td>
                <td className="num">{b.inUse}</td>
                <td className="num">{b.expired}</td>
                <td className="num">{b.revoked}</td>
                <td>{formatEat(b.expiresAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
