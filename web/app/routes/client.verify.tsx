import { json, redirect, type ActionFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useSearchParams } from '@remix-run/react';
import { passwordProblem } from '../auth/password.server';
import { t } from '../client/i18n';
import { redeemCode } from '../client/otp.server';
import { requireClientCsrf, signInCookie, visitorLang } from '../client/session.server';
import { usePortal } from '../client/use-portal';

export const meta: MetaFunction = () => [{ title: 'Enter your code · My account' }];

const REASONS = { wrong: 'otp.wrong', expired: 'otp.expired', burned: 'otp.burned' } as const;

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  await requireClientCsrf(args, form);
  const lang = await visitorLang(args);
  const identifier = String(form.get('identifier') ?? '').trim();
  const code = String(form.get('code') ?? '').replace(/\s/g, '');
  const password = String(form.get('password') ?? '');
  if (!/^\d{6}$/.test(code)) return json({ error: t(lang, 'otp.needCode') }, { status: 400 });
  if (passwordProblem(password) || password.length > 200) return json({ error: t(lang, 'password.short') }, { status: 400 });
  if (identifier.length < 3 || identifier.length > 40) return json({ error: t(lang, 'login.needIdentifier') }, { status: 400 });
  const checked = await redeemCode(args.context, identifier, code, password);
  if (!checked.ok) return json({ error: t(lang, REASONS[checked.reason]) }, { status: checked.reason === 'wrong' ? 400 : 410 });
  const cookie = await signInCookie(args.context, { tenantId: checked.account.tenantId, customerId: checked.account.customerId, version: checked.version });
  return redirect('/client', { headers: { 'Set-Cookie': cookie } });
}

export default function VerifyCode() {
  const { t, csrf } = usePortal();
  const [params] = useSearchParams();
  const result = useActionData<typeof action>();
  const identifier = params.get('identifier') ?? '';
  const purpose = params.get('purpose') === 'reset' ? 'reset' : 'signup';
  return (
    <>
      <h1>{t(purpose === 'reset' ? 'otp.resetTitle' : 'otp.signupTitle')}</h1>
      <p className="notice" role="status">
        {t('otp.sent')}
      </p>
      <Form method="post" className="stack">
        <input type="hidden" name="_csrf" value={csrf} />
        {result?.error ? (
          <p className="notice notice-bad" role="alert">
            {result.error}
          </p>
        ) : null}
        <div className="field">
          <label htmlFor="identifier">{t('login.identifier')}</label>
          <input id="identifier" name="identifier" autoComplete="username" defaultValue={identifier} required />
        </div>
        <div className="field">
          <label htmlFor="code">{t('otp.code')}</label>
          <input id="code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="\d{6}" maxLength={6} required />
        </div>
        <div className="field">
          <label htmlFor="password">{t('otp.newPassword')}</label>
          <input id="password" name="password" type="password" autoComplete="new-password" minLength={10} required />
        </div>
        <button type="submit">{t('otp.confirm')}</button>
      </Form>
      <p>
        <Link to={`/client/code?${new URLSearchParams({ purpose, identifier })}`}>{t('otp.resend')}</Link>
      </p>
    </>
  );
}
