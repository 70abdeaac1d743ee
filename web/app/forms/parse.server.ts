import { json } from '@remix-run/node';
import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

export interface FormFailure {
  ok: false;
  errors: FieldErrors;
  values: Record<string, string>;
}

/** Validates a submitted form against `schema`; on failure, field messages and what was typed (to refill the form). */
export function parseForm<S extends z.ZodTypeAny>(form: FormData, schema: S): { ok: true; data: z.infer<S> } | FormFailure {
  const values: Record<string, string> = {};
  for (const [key, value] of form) if (typeof value === 'string' && key !== '_csrf' && !/password/i.test(key)) values[key] = value;
  const raw: Record<string, string | undefined> = {};
  for (const [key, value] of form) if (typeof value === 'string') raw[key] = value.trim() === '' ? undefined : value.trim();
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = String(issue.path[0] ?? '_form');
    errors[key] ??= issue.message;
  }
  return { ok: false, errors, values };
}

/** 400 with the field errors, for the route's form to show beside each field. */
export function invalid(failure: Pick<FormFailure, 'errors'> & { values?: Record<string, string> }) {
  return json({ ok: false as const, errors: failure.errors, values: failure.values ?? {} }, { status: 400 });
}
