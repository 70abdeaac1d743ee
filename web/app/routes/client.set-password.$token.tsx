import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { passwordProblem } from '../auth/password.server';
import { t } from '../client/i18n';
import { linkAccount, redeemLink } from '../client/otp.server';
import { requireClientCsrf, signInCookie, visitorLang } from '../client/session.server';
import { usePortal } from '../client/use-portal';

export const meta: MetaFunction = () => [{ title: 'Set your password · My account' }];

/** The SMS link staff-created accounts get: valid 72 hours, once. */
export async function loader(args: LoaderFunctionArgs) {
  const account = await linkAccount(args.context, args.params.token ?? '');
  return json({ valid: Boolean(account), account: account?.accountNumber ?? null }, { status: account ? 200 : 410 });
}

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  await requireClientCsrf(args, form);
  const lang = await visitorLang(args);
  const password = String(form.get('password') ?? '');
  if (passwordProblem(password) || password.length > 200) return json({ error: t(lang, 'password.short') }, { status: 400 });
  const done = await redeemLink(args.context, args.params.token ?? '', password);
  if (!done) return json({ error: t(lang, 'link.invalid') }, { status: 410 });
  const cookie = await signInCookie(args.context, { tenantId: done.account.tenantId, customerId: done.account.customerId, version: done.version });
  return redirect('/client', { headers: { 'Set-Cookie': cookie } });
}

export default function SetPassword() {
  const { t, csrf } = usePortal();
  const { valid, account } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  if (!valid) {
    return (
      <>
        <h1>{t('link.title')}</h1>
        <p className="notice notice-bad">{t('link.invalid')}</p>
        <p>
          <Link to="/client/code?purpose=signup">{t('login.firstTime')}</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <h1>{t('link.title')}</h1>
      <p>{account}</p>
      <Form method="post" className="stack">
        <input type="hidden" name="_csrf" value={csrf} />
        {result?.error ? (
          <p className="notice notice-bad" role="alert">
            {result.error}
          </p>
        ) : null}
        <div className="field">
          <label htmlFor="password">{t('otp.newPassword')}</label>
          <input id="password" name="password" type="password" autoComplete="new-password" minLength={10} required />
        </div>
        <button type="submit">{t('otp.confirm')}</button>
      </Form>
    </>
  );
}
