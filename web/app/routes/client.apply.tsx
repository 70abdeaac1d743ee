import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useState } from 'react';
import { applyAction, applyPage } from '../client/apply.server';
import type { MessageKey } from '../client/i18n';
import { usePortal } from '../client/use-portal';

export const meta: MetaFunction = () => [{ title: 'Apply · My account' }];

export const loader = (args: LoaderFunctionArgs) => applyPage(args);
export const action = (args: ActionFunctionArgs) => applyAction(args);

const FIELDS: { name: string; label: MessageKey; type?: string; inputMode?: 'tel' | 'numeric' | 'email'; required?: boolean; autoComplete?: string }[] = [
  { name: 'firstName', label: 'apply.firstName', required: true, autoComplete: 'given-name' },
  { name: 'lastName', label: 'apply.lastName', required: true, autoComplete: 'family-name' },
  { name: 'phone', label: 'apply.phone', type: 'tel', inputMode: 'tel', required: true, autoComplete: 'tel' },
  { name: 'email', label: 'apply.email', type: 'email', inputMode: 'email', autoComplete: 'email' },
  { name: 'nationalId', label: 'apply.nationalId', inputMode: 'numeric', required: true },
  { name: 'kraPin', label: 'apply.kraPin' },
  { name: 'address', label: 'apply.landmark', required: true },
];

export default function Apply() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, csrf } = usePortal();
  const errors: Record<string, string> = result?.errors ?? {};
  const values: Record<string, string> = result?.values ?? {};
  const [gps, setGps] = useState({ latitude: values.latitude ?? '', longitude: values.longitude ?? '', failed: false });
  if (!d.isp) {
    return (
      <>
        <h1>{t('apply.chooseIsp')}</h1>
        <ul>
          {d.choices.map((c) => (
            <li key={c.slug}>
              <Link to={`/client/apply?isp=${c.slug}`}>{c.name}</Link>
            </li>
          ))}
        </ul>
      </>
    );
  }
  const pin = () =>
    navigator.geolocation?.getCurrentPosition(
      (p) => setGps({ latitude: p.coords.latitude.toFixed(6), longitude: p.coords.longitude.toFixed(6), failed: false }),
      () => setGps((g) => ({ ...g, failed: true })),
      { timeout: 10_000 },
    );
  const field = (name: string, label: string, input: React.ReactNode) => (
    <div key={name} className={`field${errors[name] ? ' field-invalid' : ''}`}>
      <label htmlFor={name}>{label}</label>
      {input}
      {errors[name] ? (
        <p id={`${name}-error`} className="error" role="alert">
          {errors[name]}
        </p>
      ) : null}
    </div>
  );
  return (
    <>
      <h1>{t('apply.title')}</h1>
      <p>
        {d.isp.name}. {t('apply.intro')}
      </p>
      <Form method="post" encType="multipart/form-data" className="stack">
        <input type="hidden" name="_csrf" value={csrf} />
        {errors._form ? <p className="notice notice-bad">{errors._form}</p> : null}
        {field(
          'packageId',
          t('apply.package'),
          <select id="packageId" name="packageId" defaultValue={values.packageId ?? d.packages[0]?.id ?? ''} required>
            {d.packages.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>,
        )}
        {FIELDS.map((f) =>
          field(
            f.name,
            t(f.label),
            <input id={f.name} name={f.name} type={f.type ?? 'text'} inputMode={f.inputMode} required={f.required} autoComplete={f.autoComplete} defaultValue={values[f.name]} aria-invalid={errors[f.name] ? true : undefined} />,
          ),
        )}
        <button type="button" className="secondary" onClick={pin}>
          {t('apply.gps')}
        </button>
        {gps.failed ? <p className="error">{t('apply.gpsFailed')}</p> : null}
        <div className="row">
          {field('latitude', t('apply.latitude'), <input id="latitude" name="latitude" inputMode="numeric" value={gps.latitude} onChange={(e) => setGps({ ...gps, latitude: e.target.value })} />)}
          {field('longitude', t('apply.longitude'), <input id="longitude" name="longitude" inputMode="numeric" value={gps.longitude} onChange={(e) => setGps({ ...gps, longitude: e.target.value })} />)}
        </div>
        {field('idDocument', t('apply.idDoc'), <input id="idDocument" name="idDocument" type="file" accept="image/jpeg,image/png,application/pdf" />)}
        {field('kraDocument', t('apply.kraDoc'), <input id="kraDocument" name="kraDocument" type="file" accept="image/jpeg,image/png,application/pdf" />)}
        {field('password', t('apply.password'), <input id="password" name="password" type="password" autoComplete="new-password" minLength={10} required />)}
        <button type="submit">{t('apply.submit')}</button>
      </Form>
    </>
  );
}
