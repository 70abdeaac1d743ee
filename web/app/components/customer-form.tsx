import { Form } from '@remix-run/react';
import type { ReactNode } from 'react';
import { CUSTOMER_STATUSES, type Customer } from '../../../db/queries/customers';
import { formatKenyanPhone } from '../../../domain/phone';
import { CheckboxField, CsrfField, Field, FormError, SelectField, SubmitButton } from './form';
import { STATUS_LABELS } from './labels';

type Values = Record<string, string>;
type Editable = Pick<Customer, 'firstName' | 'lastName' | 'phone' | 'email' | 'nationalId' | 'kraPin' | 'address' | 'latitude' | 'longitude' | 'status' | 'notes' | 'language' | 'marketingOptOut'>;

/**
 * Shared by "new customer" and "edit customer"; shows typed values back after a failed submit. With
 * `statusNote` the status is shown, not edited (the lifecycle workflow owns it); `children` go before the button.
 */
export function CustomerForm({ csrf, customer, errors, values, submitLabel, statusNote, multipart, children }: { csrf: string; customer?: Editable; errors?: Record<string, string>; values?: Values; submitLabel: string; statusNote?: string; multipart?: boolean; children?: ReactNode }) {
  const v = (key: string, fromCustomer: string | number | null | undefined) => values?.[key] ?? (fromCustomer === null || fromCustomer === undefined ? '' : String(fromCustomer));
  return (
    <Form method="post" className="stack" encType={multipart ? 'multipart/form-data' : undefined}>
      <CsrfField token={csrf} />
      <FormError errors={errors} />
      <div className="row">
        <Field name="firstName" label="First name" required autoComplete="off" errors={errors} defaultValue={v('firstName', customer?.firstName)} />
        <Field name="lastName" label="Last name" required autoComplete="off" errors={errors} defaultValue={v('lastName', customer?.lastName)} />
      </div>
      <Field name="phone" label="Phone" required type="tel" inputMode="tel" placeholder="0712 345 678" errors={errors} defaultValue={v('phone', customer ? formatKenyanPhone(customer.phone) : null)} />
      <Field name="email" label="Email" type="email" inputMode="email" errors={errors} defaultValue={v('email', customer?.email)} />
      <div className="row">
        <Field name="nationalId" label="National ID" inputMode="numeric" errors={errors} defaultValue={v('nationalId', customer?.nationalId)} />
        <Field name="kraPin" label="KRA PIN" placeholder="A123456789Z" errors={errors} defaultValue={v('kraPin', customer?.kraPin)} />
      </div>
      <Field name="address" label="Address" hint="Estate, road, building: enough for a technician to find it" errors={errors} defaultValue={v('address', customer?.address)} />
      <div className="row">
        <Field name="latitude" label="Latitude" inputMode="decimal" placeholder="-1.2921" errors={errors} defaultValue={v('latitude', customer?.latitude)} />
        <Field name="longitude" label="Longitude" inputMode="decimal" placeholder="36.8219" errors={errors} defaultValue={v('longitude', customer?.longitude)} />
      </div>
      {statusNote ? (
        <p data-testid="status-note">
          Status: <strong>{customer ? STATUS_LABELS[customer.status] : STATUS_LABELS.kyc_review}</strong> · {statusNote}
        </p>
      ) : (
        <SelectField name="status" label="Status" required errors={errors} defaultValue={v('status', customer?.status ?? 'applied')} options={CUSTOMER_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))} />
      )}
      <TextArea name="notes" label="Notes" errors={errors} defaultValue={v('notes', customer?.notes)} />
      <SelectField name="language" label="SMS language" required errors={errors} defaultValue={v('language', customer?.language ?? 'en')} options={[{ value: 'en', label: 'English' }, { value: 'sw', label: 'Kiswahili' }]} />
      {/* After a failed submit an unticked box is simply absent from the values. */}
      <CheckboxField name="marketingOptOut" label="No marketing SMS (payment, expiry and service messages still go)" defaultChecked={values ? values.marketingOptOut === 'on' : (customer?.marketingOptOut ?? false)} />
      {children}
      <SubmitButton>{submitLabel}</SubmitButton>
    </Form>
  );
}

function TextArea({ name, label, errors, defaultValue }: { name: string; label: string; errors?: Record<string, string>; defaultValue: string }) {
  const error = errors?.[name];
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={name}>{label}</label>
      <textarea id={name} name={name} rows={3} maxLength={2000} defaultValue={defaultValue} aria-invalid={error ? true : undefined} aria-describedby={error ? `${name}-error` : undefined} />
      {error ? (
        <p id={`${name}-error`} className="error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
