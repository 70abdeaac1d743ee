import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { changePackage, packagePage } from '../client/package.server';
import { usePortal } from '../client/use-portal';

export const meta: MetaFunction = () => [{ title: 'Change package · My account' }];

export const loader = (args: LoaderFunctionArgs) => packagePage(args);
export const action = (args: ActionFunctionArgs) => changePackage(args);

export default function ChangePackage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, csrf } = usePortal();
  return (
    <>
      <h1>{t('pkg.title')}</h1>
      {result ? (
        <p className={`notice ${result.ok ? 'notice-ok' : 'notice-bad'}`} role="status" data-testid="package-result">
          {result.message}
        </p>
      ) : null}
      <p>
        {t('pkg.current')}: <strong data-testid="current-package">{d.current ? `${d.current.name} · ${d.current.price}` : '—'}</strong>
      </p>
      {d.allowed ? null : <p className="notice">{t('pkg.notNow')}</p>}
      <Form method="get" className="stack">
        <div className="field">
          <label htmlFor="to">{t('pkg.choose')}</label>
          <select id="to" name="to" defaultValue={d.target?.id ?? ''} required>
            <option value="">—</option>
            {d.offered
              .filter((p) => p.id !== d.current?.id)
              .map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
          </select>
        </div>
        <button type="submit" className="secondary">
          {t('pkg.preview')}
        </button>
      </Form>
      {d.target ? (
        <section aria-labelledby="preview-heading">
          <h2 id="preview-heading">{d.target.name}</h2>
          {d.target.preview ? (
            <dl className="details" data-testid="proration">
              <dt>{t('pkg.credit', { old: d.current?.name ?? '' })}</dt>
              <dd>− {d.target.preview.credit}</dd>
              <dt>{t('pkg.charge', { new: d.target.name })}</dt>
              <dd>{d.target.preview.charge}</dd>
              <dt>{d.target.preview.netCents >= 0 ? t('pkg.net') : t('pkg.netCredit')}</dt>
              <dd>
                <strong data-testid="proration-net">{d.target.preview.net}</strong>
              </dd>
            </dl>
          ) : (
            <p>{t('pkg.noPeriod')}</p>
          )}
          {d.allowed ? (
            <Form method="post">
              <input type="hidden" name="_csrf" value={csrf} />
              <input type="hidden" name="packageId" value={d.target.id} />
              <button type="submit">{t('pkg.confirm')}</button>
            </Form>
          ) : null}
        </section>
      ) : null}
    </>
  );
}
