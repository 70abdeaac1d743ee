import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useSearchParams } from '@remix-run/react';
import { z } from 'zod';
import { audit } from '../../../db/queries/audit';
import { portal } from '../../../db/queries/portal';
import { verifyPassword } from '../auth/password.server';
import { adoptLifecycle } from '../client/account.server';
import { t } from '../client/i18n';
import { findAccounts } from '../client/otp.server';
import { requireClientCsrf, safeNext, signInCookie, visitorLang } from '../client/session.server';
import { usePortal } from '../client/use-portal';

export const meta: MetaFunction = () => [{ title: 'Sign in · My account' }];

const LOCK_AFTER_FAILURES = 5;
const LOCK_MINUTES = 15;

export async function loader(args: LoaderFunctionArgs) {
  const session = await args.context.clientSessions.getSession(args.request.headers.get('Cookie'));
  // Already signed in: straight to the account.
  if (session.get('customerId')) {
    const me = await portal.identity(args.context.sql, session.get('tenantId') ?? '', session.get('customerId')!);
    if (me?.passwordHash && me.sessionVersion === session.get('version')) throw redirect('/client');
  }
  return json({});
}

export async function action(args: ActionFunctionArgs) {
  const { context } = args;
  const form = await args.request.formData();
  await requireClientCsrf(args, form);
  const lang = await visitorLang(args);
  const schema = z.object({
    identifier: z.string({ required_error: t(lang, 'login.needIdentifier') }).min(3, t(lang, 'login.needIdentifier')).max(40),
    password: z.string({ required_error: t(lang, 'login.needPassword') }).min(1, t(lang, 'login.needPassword')).max(200),
    next: z.string().optional(),
  });
  const parsed = schema.safeParse(Object.fromEntries([...form].map(([k, v]) => [k, typeof v === 'string' && v.trim() ? v.trim() : undefined])));
  if (!parsed.success) return json({ error: parsed.error.issues[0]!.message, identifier: String(form.get('identifier') ?? '') }, { status: 400 });
  const { identifier, password, next } = parsed.data;

  const accounts = (await findAccounts(context, identifier)).filter((a) => a.passwordHash !== null);
  let match;
  // Every candidate's hash is checked (at least one verification always runs), so timing does not tell
  // whether the phone or account number exists.
  if (accounts.length === 0) await verifyPassword(undefined, password);
  for (const account of accounts) {
    if (!match && (await verifyPassword(account.passwordHash!, password))) match = account;
  }
  const locked = (match ?? accounts[0])?.lockedUntil;
  if (locked && locked > new Date()) {
    const minutes = Math.ceil((locked.getTime() - Date.now()) / 60_000);
    return json({ error: t(lang, 'login.locked', { minutes }), identifier }, { status: 429 });
  }
  if (!match) {
    for (const account of accounts) {
      const failure = await portal.recordFailure(context.sql, account.customerId, LOCK_AFTER_FAILURES, LOCK_MINUTES);
      if (failure.failedLogins === LOCK_AFTER_FAILURES) {
        await audit.record(context.sql, { tenantId: account.tenantId, actor: { id: null, label: `portal login from ${context.clientIp}`, ip: context.clientIp }, action: 'customer.portal_locked', entityType: 'customer', entityId: account.customerId });
      }
    }
    return json({ error: t(lang, 'login.wrong'), identifier }, { status: 401 });
  }
  await portal.recordSuccess(context.sql, match.customerId);
  await adoptLifecycle(context, { tenantId: match.tenantId, tenantSlug: match.tenantSlug, customerId: match.customerId });
  const cookie = await signInCookie(context, { tenantId: match.tenantId, customerId: match.customerId, version: match.sessionVersion });
  return redirect(safeNext(next), { headers: { 'Set-Cookie': cookie } });
}

export default function ClientLogin() {
  const { t, csrf } = usePortal();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <>
      <h1>{t('login.title')}</h1>
      <Form method="post" className="stack">
        <input type="hidden" name="_csrf" value={csrf} />
        <input type="hidden" name="next" value={params.get('next') ?? '/client'} />
        {result?.error ? (
          <p className="notice notice-bad" role="alert">
            {result.error}
          </p>
        ) : null}
        <div className="field">
          <label htmlFor="identifier">{t('login.identifier')}</label>
          <input id="identifier" name="identifier" inputMode="text" autoComplete="username" defaultValue={result?.identifier} required />
        </div>
        <div className="field">
          <label htmlFor="password">{t('login.password')}</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required />
        </div>
        <button type="submit">{t('login.submit')}</button>
      </Form>
      <p>
        <Link to="/client/code?purpose=signup">{t('login.firstTime')}</Link>
      </p>
      <p>
        <Link to="/client/code?purpose=reset">{t('login.forgot')}</Link>
      </p>
      <p>
        <Link to="/client/apply">{t('login.apply')}</Link>
      </p>
    </>
  );
}
