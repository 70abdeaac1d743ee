import { json, redirect, type ActionFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useSearchParams } from '@remix-run/react';
import { t } from '../client/i18n';
import { requestCode } from '../client/otp.server';
import { requireClientCsrf, visitorLang } from '../client/session.server';
import { usePortal } from '../client/use-portal';

export const meta: MetaFunction = () => [{ title: 'Get a code · My account' }];

/** Sign-up (an account staff created, or an applicant's) and password reset both start with a code by SMS. */
export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  await requireClientCsrf(args, form);
  const lang = await visitorLang(args);
  const identifier = String(form.get('identifier') ?? '').trim();
  const purpose = form.get('purpose') === 'reset' ? 'reset' : 'signup';
  if (identifier.length < 3 || identifier.length > 40) return json({ error: t(lang, 'login.needIdentifier'), identifier }, { status: 400 });
  const sent = await requestCode(args.context, identifier, purpose);
  if (sent.status === 'limited') return json({ error: t(lang, 'otp.tooMany'), identifier }, { status: 429 });
  return redirect(`/client/verify?${new URLSearchParams({ identifier, purpose })}`);
}

export default function RequestCode() {
  const { t, csrf } = usePortal();
  const [params] = useSearchParams();
  const result = useActionData<typeof action>();
  const purpose = params.get('purpose') === 'reset' ? 'reset' : 'signup';
  return (
    <>
      <h1>{t(purpose === 'reset' ? 'otp.resetTitle' : 'otp.signupTitle')}</h1>
      <p>{t('otp.intro')}</p>
      <Form method="post" className="stack">
        <input type="hidden" name="_csrf" value={csrf} />
        <input type="hidden" name="purpose" value={purpose} />
        {result?.error ? (
          <p className="notice notice-bad" role="alert">
            {result.error}
          </p>
        ) : null}
        <div className="field">
          <label htmlFor="identifier">{t('login.identifier')}</label>
          <input id="identifier" name="identifier" autoComplete="username" defaultValue={result?.identifier ?? params.get('identifier') ?? ''} required />
        </div>
        <button type="submit">{t('otp.send')}</button>
      </Form>
      <p>
        <Link to="/client/login">{t('common.back')}</Link>
      </p>
    </>
  );
}
