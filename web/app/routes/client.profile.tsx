import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { profileAction, profilePage } from '../client/profile.server';
import { usePortal } from '../client/use-portal';

export const meta: MetaFunction = () => [{ title: 'Profile · My account' }];

export const loader = (args: LoaderFunctionArgs) => profilePage(args);
export const action = (args: ActionFunctionArgs) => profileAction(args);

export default function Profile() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, csrf } = usePortal();
  const [params] = useSearchParams();
  const notice = (intent: string) =>
    result?.intent === intent ? (
      <p className={`notice ${result.ok ? 'notice-ok' : 'notice-bad'}`} role={result.ok ? 'status' : 'alert'}>
        {result.message}
      </p>
    ) : null;
  return (
    <>
      <h1>{t('profile.title')}</h1>
      <h2>{t('profile.contact')}</h2>
      <p>
        {d.name} · {d.phone} · {d.account}
      </p>
      <Form method="post" className="stack">
        <input type="hidden" name="_csrf" value={csrf} />
        <input type="hidden" name="intent" value="preferences" />
        {notice('preferences')}
        <div className="field">
          <label htmlFor="email">{t('profile.email')}</label>
          <input id="email" name="email" type="email" defaultValue={d.email} autoComplete="email" />
        </div>
        <div className="field">
          <label htmlFor="language">{t('profile.language')}</label>
          <select id="language" name="language" defaultValue={d.language}>
            <option value="en">English</option>
            <option value="sw">Kiswahili</option>
          </select>
        </div>
        <div className="field field-checkbox">
          <input id="marketing" name="marketing" type="checkbox" defaultChecked={d.marketing} />
          <label htmlFor="marketing">{t('profile.marketing')}</label>
        </div>
        <button type="submit">{t('common.save')}</button>
      </Form>

      <h2>{t('profile.password')}</h2>
      <Form method="post" className="stack">
        <input type="hidden" name="_csrf" value={csrf} />
        <input type="hidden" name="intent" value="password" />
        {notice('password')}
        {params.get('done') === 'password' && !result ? (
          <p className="notice notice-ok" role="status">
            {t('profile.passwordChanged')}
          </p>
        ) : null}
        <div className="field">
          <label htmlFor="current">{t('profile.current')}</label>
          <input id="current" name="current" type="password" autoComplete="current-password" required />
        </div>
        <div className="field">
          <label htmlFor="password">{t('profile.new')}</label>
          <input id="password" name="password" type="password" autoComplete="new-password" minLength={10} required />
        </div>
        <button type="submit">{t('profile.password')}</button>
      </Form>

      <h2>{t('support.title')}</h2>
      <Form method="post" className="stack">
        <input type="hidden" name="_csrf" value={csrf} />
        <input type="hidden" name="intent" value="support" />
        {notice('support')}
        <div className="field">
          <label htmlFor="category">{t('support.category')}</label>
          <select id="category" name="category" defaultValue="no_internet">
            {(['no_internet', 'slow', 'billing', 'other'] as const).map((c) => (
              <option key={c} value={c}>
                {t(`support.${c}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="message">{t('support.message')}</label>
          <textarea id="message" name="message" rows={4} minLength={5} maxLength={2000} required />
        </div>
        <button type="submit">{t('support.send')}</button>
      </Form>
      {d.requests.length > 0 ? (
        <ul>
          {d.requests.map((r) => (
            <li key={r.id}>
              {r.at}: {t(`support.${r.category}` as Parameters<typeof t>[0])} ({r.status})
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
