import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { z } from 'zod';
import { audit } from '../../../db/queries/audit';
import { staff as staffQueries } from '../../../db/queries/staff';
import { newCsrfToken, requireCsrf } from '../auth/guard.server';
import { verifyPassword } from '../auth/password.server';
import { CsrfField, Field, FormError, SubmitButton } from '../components/form';
import { email, text } from '../forms/fields';
import { parseForm } from '../forms/parse.server';

export const meta: MetaFunction = () => [{ title: 'Sign in · Mtandao back office' }];

const LOCK_AFTER_FAILURES = 5;
const LOCK_MINUTES = 15;

const schema = z.object({ email: email(), password: text('your password', 200), next: z.string().optional() });

function safeNext(next: string | null | undefined): string {
  return next && next.startsWith('/dashboard') && !next.startsWith('//') ? next : '/dashboard';
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = await context.sessions.getSession(request.headers.get('Cookie'));
  if (!session.get('csrf')) session.set('csrf', newCsrfToken());
  const next = new URL(request.url).searchParams.get('next');
  return json({ csrf: session.get('csrf')!, next: safeNext(next) }, { headers: { 'Set-Cookie': await context.sessions.commitSession(session) } });
}

export async function action(args: ActionFunctionArgs) {
  const { request, context } = args;
  const form = await request.formData();
  await requireCsrf(args, form);
  const parsed = parseForm(form, schema);
  if (!parsed.ok) return json({ errors: parsed.errors, email: parsed.values.email ?? '' }, { status: 400 });
  const { email: address, password, next } = parsed.data;

  const member = await staffQueries.forLogin(context.sql, address);
  const wrong = () => json({ errors: { _form: 'Email or password is incorrect.' }, email: address }, { status: 401 });
  if (member?.lockedUntil && member.lockedUntil > new Date()) {
    const minutes = Math.ceil((member.lockedUntil.getTime() - Date.now()) / 60_000);
    return json({ errors: { _form: `Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or ask an admin to reset your password.` }, email: address }, { status: 429 });
  }
  if (!(await verifyPassword(member?.passwordHash, password)) || !member) {
    if (member) {
      const result = await staffQueries.recordLoginFailure(context.sql, member.id, LOCK_AFTER_FAILURES, LOCK_MINUTES);
      if (result.lockedUntil && result.failedLogins === LOCK_AFTER_FAILURES) {
        await audit.record(context.sql, { tenantId: member.tenantId, actor: { id: null, label: `login from ${context.clientIp}`, ip: context.clientIp }, action: 'staff.locked', entityType: 'staff', entityId: member.id });
      }
    }
    return wrong();
  }
  if (!member.active) return json({ errors: { _form: 'This account has been deactivated. Ask an admin.' }, email: address }, { status: 403 });

  await staffQueries.recordLoginSuccess(context.sql, member.id);
  // A fresh session (and CSRF token) on every sign-in: nothing from before the login carries over.
  const session = await context.sessions.getSession();
  session.set('staffId', member.id);
  session.set('version', member.sessionVersion);
  session.set('csrf', newCsrfToken());
  return redirect(safeNext(next), { headers: { 'Set-Cookie': await context.sessions.commitSession(session) } });
}

export default function Login() {
  const { csrf, next } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <main className="page narrow">
      <p className="brand">Mtandao</p>
      <h1>Back office sign-in</h1>
      <Form method="post" className="stack">
        <CsrfField token={csrf} />
        <input type="hidden" name="next" value={next} />
        <FormError errors={result?.errors} />
        <Field name="email" label="Email" type="email" autoComplete="username" defaultValue={result?.email} errors={result?.errors} required />
        <Field name="password" label="Password" type="password" autoComplete="current-password" errors={result?.errors} required />
        <SubmitButton>Sign in</SubmitButton>
      </Form>
    </main>
  );
}
