import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { audit } from '../../../db/queries/audit';
import { staff as staffQueries } from '../../../db/queries/staff';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { hashPassword, PASSWORD_RULE } from '../auth/password.server';
import { ROLE_LABELS } from '../auth/permissions';
import { CsrfField, Field, FormError, SelectField, SubmitButton } from '../components/form';
import { invalid, parseForm } from '../forms/parse.server';
import { staffCreateSchema, TENANT_ROLES } from '../forms/staff';

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'staff:manage');
  return json({ csrf: me.csrf, roles: TENANT_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] })), passwordRule: PASSWORD_RULE });
}

export async function action(args: ActionFunctionArgs) {
  const me = await requireStaff(args, 'staff:manage');
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const parsed = parseForm(form, staffCreateSchema);
  if (!parsed.ok) return invalid(parsed);
  const { sql } = args.context;
  const { password, ...details } = parsed.data;
  if (await staffQueries.emailTaken(sql, details.email)) {
    return invalid({ errors: { email: 'Someone already signs in with this email address' }, values: { name: details.name, email: details.email, role: details.role } });
  }
  const passwordHash = await hashPassword(password);
  const created = await sql.begin(async (tx) => {
    const member = await staffQueries.create(tx, { tenantId: me.tenant.id, ...details, passwordHash });
    await audit.record(tx, { tenantId: me.tenant.id, actor: me.actor, action: 'staff.create', entityType: 'staff', entityId: member.id, after: { name: member.name, email: member.email, role: member.role, active: member.active } });
    return member;
  });
  return redirect(`/dashboard/staff/${created.id}`);
}

export default function NewStaff() {
  const { csrf, roles, passwordRule } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result?.errors;
  return (
    <>
      <h1>Add staff member</h1>
      <Form method="post" className="stack">
        <CsrfField token={csrf} />
        <FormError errors={errors} />
        <Field name="name" label="Name" required errors={errors} defaultValue={result?.values.name} />
        <Field name="email" label="Email" type="email" required autoComplete="off" errors={errors} defaultValue={result?.values.email} />
        <SelectField name="role" label="Role" required errors={errors} defaultValue={result?.values.role ?? 'support'} options={roles} />
        <Field name="password" label="Initial password" type="password" autoComplete="new-password" hint={`${passwordRule}; share it with them privately`} required errors={errors} />
        <SubmitButton>Add staff member</SubmitButton>
      </Form>
    </>
  );
}
