import { useNavigation } from '@remix-run/react';
import type { ReactNode } from 'react';

/** Every back-office form carries the session's CSRF token; actions reject forms without it. */
export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

interface FieldProps {
  name: string;
  /** Defaults to `name`; set it when one page repeats a form (one per card). */
  id?: string;
  label: string;
  errors?: Record<string, string>;
  defaultValue?: string | number | null;
  type?: string;
  hint?: string;
  required?: boolean;
  autoComplete?: string;
  inputMode?: 'text' | 'numeric' | 'decimal' | 'tel' | 'email';
  placeholder?: string;
  step?: string;
}

export function Field({ name, id = name, label, errors, defaultValue, type = 'text', hint, required, autoComplete, inputMode, placeholder, step }: FieldProps) {
  const error = errors?.[name];
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>
        {label}
        {required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {hint ? <small id={`${id}-hint`}>{hint}</small> : null}
      <input
        id={id}
        name={name}
        type={type}
        defaultValue={defaultValue ?? undefined}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        autoComplete={autoComplete}
        inputMode={inputMode}
        placeholder={placeholder}
        step={step}
      />
      {error ? (
        <p id={`${id}-error`} className="error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function SelectField({
  name,
  id = name,
  label,
  options,
  errors,
  defaultValue,
  required,
}: {
  name: string;
  id?: string;
  label: string;
  options: { value: string; label: string }[];
  errors?: Record<string, string>;
  defaultValue?: string | null;
  required?: boolean;
}) {
  const error = errors?.[name];
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={defaultValue ?? ''} required={required} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}>
        {required ? null : <option value="">—</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {error ? (
        <p id={`${id}-error`} className="error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function CheckboxField({ name, label, defaultChecked }: { name: string; label: string; defaultChecked?: boolean }) {
  return (
    <div className="field field-checkbox">
      <input id={name} name={name} type="checkbox" defaultChecked={defaultChecked} />
      <label htmlFor={name}>{label}</label>
    </div>
  );
}

/** Disabled with a "Saving…" label while its form is submitting, so a slow link never double-submits. */
export function SubmitButton({ children, name, value }: { children: ReactNode; name?: string; value?: string }) {
  const navigation = useNavigation();
  const busy = navigation.state === 'submitting' && (value === undefined || navigation.formData?.get(name ?? '') === value);
  return (
    <button type="submit" name={name} value={value} disabled={busy} aria-busy={busy}>
      {busy ? 'Saving…' : children}
    </button>
  );
}

export function FormError({ errors }: { errors?: Record<string, string> }) {
  if (!errors || Object.keys(errors).length === 0) return null;
  return (
    <div className="notice notice-bad" role="alert">
      {errors._form ?? 'Please correct the highlighted fields.'}
    </div>
  );
}
