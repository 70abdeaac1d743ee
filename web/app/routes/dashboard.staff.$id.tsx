import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { audit } from '../../../db/queries/audit';
import { isUuid } from '../../../db/queries/customers';
import { staff as staffQueries, type Staff } from '../../../db/queries/staff';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { hashPassword, PASSWORD_RULE } from '../auth/password.server';
import { ROLE_LABELS } from '../auth/permissions';
import { CsrfField, Field, FormError, SelectField, SubmitButton } from '../components/form';
import { formatEat } from '../components/labels';
import { parseForm, type FieldErrors } from '../forms/parse.server';
import { staffDetailsSchema, staffPasswordSchema, TENANT_ROLES } from '../forms/staff';

const DONE = {
  details: 'Saved.',
  deactivate: 'Deactivated. They have been signed out everywhere and cannot sign in.',
  reactivate: 'Reactivated. They can sign in again.',
  password: 'Password reset. Their existing sessions have ended; they sign in with the new password.',
} as const;
type Intent = keyof typeof DONE;

const summary = (s: Staff) => ({ name: s.name, email: s.email, role: s.role, active: s.active });

async function load(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'staff:manage');
  const id = args.params.id ?? '';
  const member = isUuid(id) ? await staffQueries.inTenant(args.context.sql, me.tenant.id, id) : undefined;
  if (!member) throw new Response('No such staff member', { status: 404 });
  return { me, member, isSelf: member.id === me.staff.id };
}

export async function loader(args: LoaderFunctionArgs) {
  const { me, member, isSelf } = await load(args);
  const done = new URL(args.request.url).searchParams.get('done');
  return json({
    csrf: me.csrf,
    member: { ...summary(member), id: member.id, roleLabel: ROLE_LABELS[member.role], lastLoginAt: member.lastLoginAt },
    isSelf,
    roles: TENANT_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] })),
    passwordRule: PASSWORD_RULE,
    done: done && done in DONE ? DONE[done as Intent] : null,
  });
}

export async function action(args: ActionFunctionArgs) {
  const { me, member, isSelf } = await load(args);
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const intent = String(form.get('intent') ?? '');
  // The page holds several forms; `intent` tells each which errors are its own.
  const fail = (errors: FieldErrors, values: Record<string, string> = {}) => json({ intent, errors, values }, { status: 400 });
  const { sql } = args.context;
  const record = (tx: Parameters<typeof audit.record>[0], action: string, before?: unknown, after?: unknown) =>
    audit.record(tx, { tenantId: me.tenant.id, actor: me.actor, action, entityType: 'staff', entityId: member.id, before, after });

  if (intent === 'details') {
    const parsed = parseForm(form, staffDetailsSchema);
    if (!parsed.ok) return fail(parsed.errors, parsed.values);
    const { name, role } = parsed.data;
    // Demoting yourself could leave the ISP with no admin; another admin must do it.
    if (isSelf && role !== member.role) return fail({ role: 'You cannot change your own role. Ask another admin.' }, { name, role: member.role });
    if (name === member.name && role === member.role) return redirect(`/dashboard/staff/${member.id}`);
    await sql.begin(async (tx) => {
      // Only a real role change is passed on: it ends their sessions so the new permissions apply at once.
      const updated = await staffQueries.update(tx, me.tenant.id, member.id, { name, role: role === member.role ? undefined : role });
      await record(tx, 'staff.update', summary(member), updated && summary(updated));
    });
  } else if (intent === 'deactivate' || intent === 'reactivate') {
    if (isSelf) return fail({ active: 'You cannot deactivate your own account. Ask another admin.' });
    await sql.begin(async (tx) => {
      const updated = await staffQueries.update(tx, me.tenant.id, member.id, { active: intent === 'reactivate' });
      await record(tx, 'staff.update', summary(member), updated && summary(updated));
    });
  } else if (intent === 'password') {
    if (isSelf) return fail({ newPassword: 'This resets other people’s passwords; it would sign you out. Ask another admin.' });
    const parsed = parseForm(form, staffPasswordSchema);
    if (!parsed.ok) return fail(parsed.errors);
    const passwordHash = await hashPassword(parsed.data.newPassword);
    await sql.begin(async (tx) => {
      await staffQueries.setPassword(tx, member.id, passwordHash, { tenantId: me.tenant.id });
      await record(tx, 'staff.reset_password', undefined, { sessionsEnded: true });
    });
  } else {
    return fail({ _form: 'Unknown action. Reload the page and try again.' });
  }
  return redirect(`/dashboard/staff/${member.id}?done=${intent}`);
}

export default function StaffMember() {
  const { csrf, member, isSelf, roles, passwordRule, done } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errorsFor = (...intents: Intent[]) => (result && intents.includes(result.intent as Intent) ? result.errors : undefined);
  const detailsErrors = errorsFor('details');
  const activeErrors = errorsFor('deactivate', 'reactivate');
  const passwordErrors = errorsFor('password');
  return (
    <>
      <h1>
        {member.name}
        {isSelf ? ' (you)' : null}
      </h1>
      <dl className="details">
        <dt>Email</dt>
        <dd>{member.email}</dd>
        <dt>Role</dt>
        <dd>{member.roleLabel}</dd>
        <dt>Status</dt>
        <dd>{member.active ? 'Active' : 'Deactivated'}</dd>
        <dt>Last sign-in</dt>
        <dd>{formatEat(member.lastLoginAt)}</dd>
      </dl>
      {done ? <p className="notice notice-ok" role="status">{done}</p> : null}
      {result && !['details', 'deactivate', 'reactivate', 'password'].includes(result.intent) ? <FormError errors={result.errors} /> : null}

      <h2>Name and role</h2>
      <Form method="post" className="stack">
        <CsrfField token={csrf} />
        <FormError errors={detailsErrors} />
        <Field name="name" label="Name" required errors={detailsErrors} defaultValue={(detailsErrors && result?.values.name) ?? member.name} />
        <SelectField name="role" label="Role" required errors={detailsErrors} defaultValue={(detailsErrors && result?.values.role) ?? member.role} options={roles} />
        <small>Changing the role signs them out, so the new permissions apply at once.</small>
        <SubmitButton name="intent" value="details">Save</SubmitButton>
      </Form>

      <h2>Access</h2>
      <Form method="post" className="stack">
        <CsrfField token={csrf} />
        {activeErrors?.active ? <p className="notice notice-bad" role="alert">{activeErrors.active}</p> : null}
        {member.active ? (
          <>
            <p>Deactivating signs them out everywhere and stops them signing in. Their history stays.</p>
            <div>
              <button type="submit" name="intent" value="deactivate" className="danger">Deactivate</button>
            </div>
          </>
        ) : (
          <>
            <p>This account is deactivated.</p>
            <div>
              <SubmitButton name="intent" value="reactivate">Reactivate</SubmitButton>
            </div>
          </>
        )}
      </Form>

      {isSelf ? null : (
        <>
          <h2>Reset password</h2>
          <Form method="post" className="stack">
            <CsrfField token={csrf} />
            <FormError errors={passwordErrors} />
            <Field name="newPassword" label="New password" type="password" autoComplete="new-password" hint={`${passwordRule}. Their existing sessions end; tell them the new one privately.`} required errors={passwordErrors} />
            <SubmitButton name="intent" value="password">Reset password</SubmitButton>
          </Form>
        </>
      )}
    </>
  );
}
