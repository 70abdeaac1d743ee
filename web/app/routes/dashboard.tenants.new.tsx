import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { audit } from '../../../db/queries/audit';
import { staff as staffQueries } from '../../../db/queries/staff';
import { tenants } from '../../../db/queries/tenants';
import { requireCsrf, requireSignedIn } from '../auth/guard.server';
import { hashPassword, PASSWORD_RULE } from '../auth/password.server';
import { can } from '../auth/permissions';
import { CsrfField, Field, FormError, SelectField, SubmitButton } from '../components/form';
import { TENANT_STATUS_LABELS } from '../components/tenant-status';
import { invalid, parseForm, type FieldErrors } from '../forms/parse.server';
import { TENANT_STATUSES, tenantCreateSchema } from '../forms/tenant';

async function superAdmin(args: LoaderFunctionArgs) {
  const signedIn = await requireSignedIn(args);
  if (!can(signedIn.staff.role, 'tenants:manage')) throw new Response('Only a super admin manages ISPs.', { status: 403, statusText: 'Forbidden' });
  return signedIn;
}

export async function loader(args: LoaderFunctionArgs) {
  const { csrf } = await superAdmin(args);
  return json({ csrf, passwordRule: PASSWORD_RULE, statuses: TENANT_STATUSES.map((s) => ({ value: s, label: TENANT_STATUS_LABELS[s] })) });
}

export async function action(args: ActionFunctionArgs) {
  const { staff: me } = await superAdmin(args);
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const parsed = parseForm(form, tenantCreateSchema);
  if (!parsed.ok) return invalid(parsed);
  const { sql } = args.context;
  const { adminPassword, adminName, adminEmail, ...tenant } = parsed.data;
  const errors: FieldErrors = {};
  if (await tenants.bySlug(sql, tenant.slug)) errors.slug = 'Another ISP already uses this short name';
  if (await staffQueries.emailTaken(sql, adminEmail)) errors.adminEmail = 'Someone already signs in with this email address';
  if (Object.keys(errors).length > 0) return invalid({ errors, values: { ...tenant, adminName, adminEmail } });

  const passwordHash = await hashPassword(adminPassword);
  const actor = { id: me.id, label: `${me.name} <${me.email}>`, ip: args.context.clientIp };
  const created = await sql.begin(async (tx) => {
    const t = await tenants.create(tx, tenant);
    const admin = await staffQueries.create(tx, { tenantId: t.id, name: adminName, email: adminEmail, role: 'admin', passwordHash });
    const adminSummary = { id: admin.id, name: admin.name, email: admin.email, role: admin.role };
    await audit.record(tx, { tenantId: t.id, actor, action: 'tenant.create', entityType: 'tenant', entityId: t.id, after: { name: t.name, slug: t.slug, status: t.status, admin: adminSummary } });
    await audit.record(tx, { tenantId: t.id, actor, action: 'staff.create', entityType: 'staff', entityId: admin.id, after: { ...adminSummary, active: admin.active } });
    return t;
  });
  return redirect(`/dashboard/tenants/${created.id}?created=1`);
}

export default function NewTenant() {
  const { csrf, passwordRule, statuses } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result?.errors;
  const v = (key: string) => result?.values[key];
  return (
    <>
      <h1>New ISP</h1>
      <Form method="post" className="stack">
        <CsrfField token={csrf} />
        <FormError errors={errors} />
        <Field name="name" label="ISP name" required errors={errors} defaultValue={v('name')} placeholder="Kahawa Net Ltd" />
        <div className="row">
          <Field name="slug" label="Short name" hint="Lowercase letters, digits and dashes; used in addresses" required errors={errors} defaultValue={v('slug')} placeholder="kahawa-net" />
          <SelectField name="status" label="Status" required errors={errors} defaultValue={v('status') ?? 'active'} options={statuses} />
        </div>
        <h2>First admin</h2>
        <p>They sign in with this email and password, then add their own staff, packages and routers.</p>
        <Field name="adminName" label="Name" required errors={errors} defaultValue={v('adminName')} />
        <Field name="adminEmail" label="Email" type="email" autoComplete="off" required errors={errors} defaultValue={v('adminEmail')} />
        <Field name="adminPassword" label="Initial password" type="password" autoComplete="new-password" hint={passwordRule} required errors={errors} />
        <SubmitButton>Create ISP</SubmitButton>
      </Form>
    </>
  );
}
