import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { audit } from '../../../db/queries/audit';
import { tenants, type Tenant, type TenantSettings } from '../../../db/queries/tenants';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { CsrfField, Field, FormError, SelectField, SubmitButton } from '../components/form';
import { invalid, parseForm } from '../forms/parse.server';
import { tenantSettingsSchema } from '../forms/tenant-settings';

const settingsOf = (t: Tenant): TenantSettings => ({
  name: t.name,
  vatRateBp: t.vatRateBp,
  paybill: t.paybill,
  tillNumber: t.tillNumber,
  billingMode: t.billingMode,
  graceDays: t.graceDays,
  reminderDays: t.reminderDays,
  lateFeeBp: t.lateFeeBp,
  suspendAfterDays: t.suspendAfterDays,
  smsSenderId: t.smsSenderId,
  brandColor: t.brandColor,
  logoUrl: t.logoUrl,
  kraPin: t.kraPin,
  invoicePrefix: t.invoicePrefix,
  accountPrefix: t.accountPrefix,
});

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'settings:manage');
  return json({ csrf: me.csrf, settings: settingsOf(me.tenant), saved: new URL(args.request.url).searchParams.has('saved') });
}

export async function action(args: ActionFunctionArgs) {
  const me = await requireStaff(args, 'settings:manage');
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const parsed = parseForm(form, tenantSettingsSchema);
  if (!parsed.ok) return invalid(parsed);
  const before = settingsOf(me.tenant);
  if (JSON.stringify(before) !== JSON.stringify(parsed.data)) {
    await args.context.sql.begin(async (tx) => {
      const updated = await tenants.updateSettings(tx, me.tenant.id, parsed.data);
      await audit.record(tx, { tenantId: me.tenant.id, actor: me.actor, action: 'tenant.update_settings', entityType: 'tenant', entityId: me.tenant.id, before, after: updated && settingsOf(updated) });
    });
  }
  return redirect('/dashboard/settings?saved=1');
}

export default function Settings() {
  const { csrf, settings: s, saved } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result?.errors;
  const v = (key: string, stored: string | number | null) => result?.values[key] ?? (stored === null ? '' : String(stored));
  return (
    <>
      <h1>Settings</h1>
      {saved && !result ? <p className="notice notice-ok" role="status">Settings saved.</p> : null}
      <Form method="post" className="stack">
        <CsrfField token={csrf} />
        <FormError errors={errors} />
        <h2>Business</h2>
        <Field name="name" label="ISP name" required errors={errors} defaultValue={v('name', s.name)} />
        <div className="row">
          <Field name="kraPin" label="KRA PIN" hint="Printed on invoices" errors={errors} defaultValue={v('kraPin', s.kraPin)} placeholder="P051234567Q" />
          <Field name="vatRate" label="VAT rate (%)" required inputMode="decimal" errors={errors} defaultValue={v('vatRate', s.vatRateBp / 100)} />
        </div>
        <h2>M-Pesa</h2>
        <div className="row">
          <Field name="paybill" label="Paybill number" inputMode="numeric" errors={errors} defaultValue={v('paybill', s.paybill)} />
          <Field name="tillNumber" label="Till number" inputMode="numeric" errors={errors} defaultValue={v('tillNumber', s.tillNumber)} />
        </div>
        <h2>Billing</h2>
        <SelectField name="billingMode" label="Billing mode" required errors={errors} defaultValue={v('billingMode', s.billingMode)} options={[{ value: 'prepaid', label: 'Prepaid (pay before the period)' }, { value: 'postpaid', label: 'Postpaid (invoice after the period)' }]} />
        <div className="row">
          <Field name="graceDays" label="Grace days" hint="0 to 60" required inputMode="numeric" errors={errors} defaultValue={v('graceDays', s.graceDays)} />
          <Field name="suspendAfterDays" label="Days before suspension" hint="0 to 90" required inputMode="numeric" errors={errors} defaultValue={v('suspendAfterDays', s.suspendAfterDays)} />
        </div>
        <div className="row">
          <Field name="reminderDays" label="Reminder days" hint="Days before expiry to send an SMS, like 7,3,1; empty for none" errors={errors} defaultValue={v('reminderDays', s.reminderDays.join(','))} />
          <Field name="lateFee" label="Late fee (%)" hint="0 for none" inputMode="decimal" errors={errors} defaultValue={v('lateFee', s.lateFeeBp / 100)} />
        </div>
        <h2>SMS and branding</h2>
        <div className="row">
          <Field name="smsSenderId" label="SMS sender ID" hint="As registered with your SMS provider" errors={errors} defaultValue={v('smsSenderId', s.smsSenderId)} />
          <Field name="brandColor" label="Brand colour" hint="#rrggbb" required errors={errors} defaultValue={v('brandColor', s.brandColor)} />
        </div>
        <Field name="logoUrl" label="Logo URL" type="url" errors={errors} defaultValue={v('logoUrl', s.logoUrl)} placeholder="https://" />
        <h2>Numbering</h2>
        <div className="row">
          <Field name="invoicePrefix" label="Invoice prefix" required errors={errors} defaultValue={v('invoicePrefix', s.invoicePrefix)} />
          <Field name="accountPrefix" label="Account number prefix" hint="New accounts only; existing numbers stay" required errors={errors} defaultValue={v('accountPrefix', s.accountPrefix)} />
        </div>
        <SubmitButton>Save settings</SubmitButton>
      </Form>
    </>
  );
}
