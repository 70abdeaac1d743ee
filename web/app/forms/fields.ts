import { z } from 'zod';
import { parseKesToCents } from '../../../domain/money';
import { normalizeKenyanPhone, PHONE_HINT } from '../../../domain/phone';

// Form fields arrive as trimmed strings or undefined (blank). These turn them into typed values with
// messages a person can act on.

export const text = (label: string, max = 120, min = 1) =>
  z
    .string({ required_error: `Enter ${label}` })
    .min(min, `${capital(label)} must be at least ${min} characters`)
    .max(max, `${capital(label)} must be at most ${max} characters`);

export const optionalText = (label: string, max = 300) => text(label, max).optional().transform((v) => v ?? null);

export const email = (label = 'an email address') =>
  z.string({ required_error: `Enter ${label}` }).toLowerCase().email('Enter a valid email address like jane@example.co.ke');

export const optionalEmail = () => email().optional().transform((v) => v ?? null);

export const phone = () =>
  z
    .string({ required_error: 'Enter a phone number' })
    .transform((v, ctx) => {
      const normalized = normalizeKenyanPhone(v);
      if (!normalized) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `Enter ${PHONE_HINT}` });
      return normalized ?? '';
    });

export const shillings = (label = 'an amount') =>
  z
    .string({ required_error: `Enter ${label} in KES` })
    .transform((v, ctx) => {
      const cents = parseKesToCents(v);
      if (cents === undefined || cents <= 0) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `Enter ${label} in KES, like 1500 or 1,500.50` });
      return cents ?? 0;
    });

export const integer = (label: string, min: number, max: number) =>
  z.preprocess(
    (v) => (v === undefined ? undefined : Number(String(v).replace(/,/g, ''))),
    z
      .number({ required_error: `Enter ${label}`, invalid_type_error: `${capital(label)} must be a number` })
      .int(`${capital(label)} must be a whole number`)
      .min(min, `${capital(label)} must be at least ${min}`)
      .max(max, `${capital(label)} must be at most ${max}`),
  );

export const optionalInteger = (label: string, min: number, max: number) => integer(label, min, max).optional().transform((v) => v ?? null);

export const choice = <const T extends [string, ...string[]]>(label: string, values: T) =>
  z.enum(values, { errorMap: () => ({ message: `Choose ${label}` }) });

/** An HTML checkbox: present means on. */
export const checkbox = () => z.string().optional().transform((v) => v === 'on' || v === 'true');

export const uuid = (label: string) => z.string({ required_error: `Choose ${label}` }).uuid(`Choose ${label}`);

function capital(label: string): string {
  const bare = label.replace(/^(a|an|the) /, '');
  return bare.charAt(0).toUpperCase() + bare.slice(1);
}
