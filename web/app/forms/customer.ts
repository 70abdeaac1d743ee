import { z } from 'zod';
import { CUSTOMER_STATUSES, type CustomerInput } from '../../../db/queries/customers';
import { choice, optionalEmail, optionalText, phone, text } from './fields';

/** Blank means "not given"; anything else must match, so a typo never silently becomes null. */
const optionalPattern = (pattern: RegExp, message: string, normalize: (v: string) => string = (v) => v) =>
  z
    .string()
    .transform(normalize)
    .pipe(z.string().regex(pattern, message))
    .optional()
    .transform((v) => v ?? null);

// Stored as numeric(8,6)/(9,6): round here so what staff see back is what was stored.
const coordinate = (label: string, limit: number, example: string) =>
  z
    .preprocess(
      (v) => (v === undefined ? undefined : Number(String(v))),
      z
        .number({ invalid_type_error: `${label} must be a number like ${example}` })
        .min(-limit, `${label} must be between -${limit} and ${limit}`)
        .max(limit, `${label} must be between -${limit} and ${limit}`),
    )
    .optional()
    .transform((v) => (v === undefined ? null : Math.round(v * 1e6) / 1e6));

// A ticked checkbox sends "on"; an import cell says yes/no in whichever way the spreadsheet did. Blank is no.
const YES = ['on', 'true', 'yes', 'y', '1'];
const NO = ['off', 'false', 'no', 'n', '0'];
const yesNo = (label: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const word = v?.trim().toLowerCase();
      if (word === undefined || NO.includes(word)) return false;
      if (YES.includes(word)) return true;
      ctx.addIssue({ code: 'custom', message: `${label} must be yes or no` });
      return false;
    });

const LANGUAGES: Record<string, 'en' | 'sw'> = { en: 'en', english: 'en', sw: 'sw', swahili: 'sw', kiswahili: 'sw' };
const language = () =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return 'en' as const;
      const code = LANGUAGES[v.trim().toLowerCase()];
      if (!code) ctx.addIssue({ code: 'custom', message: 'Language must be en (English) or sw (Kiswahili)' });
      return code ?? 'en';
    });

/** The customer form, and each row of a bulk import: same rules, same messages. */
export const customerSchema = z
  .object({
    firstName: text('a first name', 60),
    lastName: text('a last name', 60),
    phone: phone(),
    email: optionalEmail(),
    nationalId: optionalPattern(/^\d{6,10}$/, 'A national ID is 6 to 10 digits', (v) => v.replace(/\s/g, '')),
    kraPin: optionalPattern(/^[AP]\d{9}[A-Z]$/, 'A KRA PIN looks like A123456789Z', (v) => v.replace(/\s/g, '').toUpperCase()),
    address: optionalText('the address', 300),
    latitude: coordinate('Latitude', 90, '-1.2921'),
    longitude: coordinate('Longitude', 180, '36.8219'),
    status: choice('a status', [...CUSTOMER_STATUSES]).default('applied'),
    notes: optionalText('notes', 2000),
    language: language(),
    marketingOptOut: yesNo('Marketing opt-out'),
  })
  .superRefine((c, ctx) => {
    if (c.latitude === null && c.longitude !== null) ctx.addIssue({ code: 'custom', path: ['latitude'], message: 'Give both latitude and longitude, or neither' });
    if (c.longitude === null && c.latitude !== null) ctx.addIssue({ code: 'custom', path: ['longitude'], message: 'Give both latitude and longitude, or neither' });
  })
  .transform((c): CustomerInput => c);

export const CUSTOMER_FIELD_LABELS: Record<keyof CustomerInput, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  phone: 'Phone',
  email: 'Email',
  nationalId: 'National ID',
  kraPin: 'KRA PIN',
  address: 'Address',
  latitude: 'Latitude',
  longitude: 'Longitude',
  status: 'Status',
  notes: 'Notes',
  language: 'Language',
  marketingOptOut: 'Marketing opt-out',
};
