import { Form } from '@remix-run/react';
import type { Router } from '../../../db/queries/routers';
import { CheckboxField, CsrfField, Field, FormError, SubmitButton } from './form';

type Values = Record<string, string>;

/** Shared by "new router" and "edit router". The stored password is never sent to the browser. */
export function RouterForm({ csrf, router, errors, values, submitLabel }: { csrf: string; router?: Pick<Router, 'name' | 'host' | 'apiPort' | 'useTls' | 'username' | 'site'>; errors?: Record<string, string>; values?: Values; submitLabel: string }) {
  const v = (key: string, fromRouter: string | number | null | undefined) => values?.[key] ?? (fromRouter === null || fromRouter === undefined ? '' : String(fromRouter));
  return (
    <Form method="post" className="stack">
      <CsrfField token={csrf} />
      <FormError errors={errors} />
      <p className="notice">Mtandao reaches the router through its API service: enable the “api” service (or “api-ssl” with TLS) under IP → Services, reachable from this server only. Save, then use “Test connection”.</p>
      <Field name="name" label="Name" required errors={errors} defaultValue={v('name', router?.name)} placeholder="Kahawa Core" />
      <div className="row">
        <Field name="host" label="Address" hint="Hostname or IP address" required errors={errors} defaultValue={v('host', router?.host)} placeholder="10.0.0.1" />
        <Field name="apiPort" label="API port" hint="8728, or 8729 with TLS (api-ssl)" inputMode="numeric" errors={errors} defaultValue={v('apiPort', router?.apiPort ?? 8728)} />
      </div>
      <CheckboxField name="useTls" label="Use TLS (api-ssl)" defaultChecked={values ? values.useTls === 'on' : (router?.useTls ?? false)} />
      <div className="row">
        <Field name="username" label="API username" required autoComplete="off" errors={errors} defaultValue={v('username', router?.username)} />
        <Field
          name="password"
          label="API password"
          type="password"
          autoComplete="new-password"
          required={!router}
          hint={router ? 'Leave blank to keep the current password' : 'Stored encrypted'}
          errors={errors}
        />
      </div>
      <Field name="site" label="Site" errors={errors} defaultValue={v('site', router?.site)} placeholder="Kahawa West" />
      <SubmitButton>{submitLabel}</SubmitButton>
    </Form>
  );
}
