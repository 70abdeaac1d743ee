import { Form } from '@remix-run/react';
import type { Package } from '../../../db/queries/packages';
import { CheckboxField, CsrfField, Field, FormError, SelectField, SubmitButton } from './form';

type Values = Record<string, string>;

/** Shared by "new package" and "edit package"; shows typed values back after a failed submit. */
export function PackageForm({ csrf, pkg, errors, values, submitLabel }: { csrf: string; pkg?: Package; errors?: Record<string, string>; values?: Values; submitLabel: string }) {
  const v = (key: string, fromPackage: string | number | null | undefined) => values?.[key] ?? (fromPackage === null || fromPackage === undefined ? '' : String(fromPackage));
  const mbps = (kbps: number | null | undefined) => (kbps === null || kbps === undefined ? null : kbps / 1000);
  return (
    <Form method="post" className="stack">
      <CsrfField token={csrf} />
      <FormError errors={errors} />
      <SelectField name="kind" label="Type" required errors={errors} defaultValue={v('kind', pkg?.kind ?? 'pppoe')} options={[{ value: 'pppoe', label: 'PPPoE (home/business, monthly)' }, { value: 'hotspot', label: 'Hotspot (hourly/daily/weekly)' }]} />
      <Field name="name" label="Name" required errors={errors} defaultValue={v('name', pkg?.name)} placeholder="Home 10 Mbps" />
      <div className="row">
        <Field name="downloadMbps" label="Download (Mbps)" required inputMode="numeric" errors={errors} defaultValue={v('downloadMbps', mbps(pkg?.downloadKbps))} />
        <Field name="uploadMbps" label="Upload (Mbps)" required inputMode="numeric" errors={errors} defaultValue={v('uploadMbps', mbps(pkg?.uploadKbps))} />
      </div>
      <div className="row">
        <Field name="burstDownloadMbps" label="Burst download (Mbps)" inputMode="numeric" errors={errors} defaultValue={v('burstDownloadMbps', mbps(pkg?.burstDownloadKbps))} />
        <Field name="burstUploadMbps" label="Burst upload (Mbps)" inputMode="numeric" errors={errors} defaultValue={v('burstUploadMbps', mbps(pkg?.burstUploadKbps))} />
      </div>
      <Field name="price" label="Price (KES, VAT inclusive)" required inputMode="decimal" errors={errors} defaultValue={v('price', pkg ? pkg.priceCents / 100 : null)} />
      <div className="row">
        <Field name="validityCount" label="Lasts" required inputMode="numeric" errors={errors} defaultValue={v('validityCount', pkg?.validityCount ?? 1)} />
        <SelectField name="validityUnit" label="Unit" required errors={errors} defaultValue={v('validityUnit', pkg?.validityUnit ?? 'month')} options={[{ value: 'month', label: 'calendar month(s)' }, { value: 'day', label: 'day(s)' }, { value: 'hour', label: 'hour(s)' }]} />
      </div>
      <Field name="dataCapGb" label="Data cap (GB)" hint="Leave empty for unlimited" inputMode="numeric" errors={errors} defaultValue={v('dataCapGb', pkg?.dataCapBytes ? pkg.dataCapBytes / 1e9 : null)} />
      <Field name="sharedDevices" label="Devices at once" hint="Hotspot only; PPPoE is 1" required inputMode="numeric" errors={errors} defaultValue={v('sharedDevices', pkg?.sharedDevices ?? 1)} />
      <Field name="sortOrder" label="Sort order" inputMode="numeric" errors={errors} defaultValue={v('sortOrder', pkg?.sortOrder ?? 0)} />
      <CheckboxField name="active" label="Offered to customers" defaultChecked={values ? values.active === 'on' : (pkg?.active ?? true)} />
      <SubmitButton>{submitLabel}</SubmitButton>
    </Form>
  );
}
