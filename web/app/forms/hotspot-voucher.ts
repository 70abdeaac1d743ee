import { z } from 'zod';

/** A Nairobi calendar day; vouchers work until the end of it. */
const day = z
  .string({ required_error: 'Choose the last day the cards work' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter a date like 2026-12-31')
  .refine((v) => new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v, 'Enter a real date');

export const voucherBatchSchema = z.object({
  packageId: z.string({ required_error: 'Choose a package' }).uuid('Choose a package'),
  count: z.coerce.number({ required_error: 'How many cards?', invalid_type_error: 'Enter a number' }).int('Enter a whole number').min(1, 'At least 1').max(2000, 'At most 2,000 per batch'),
  prefix: z
    .string()
    .optional()
    .transform((v) => (v ?? '').toUpperCase())
    .refine((v) => /^[2-9A-HJ-NP-Z]{0,4}$/.test(v), 'Up to 4 characters, no 0, 1, I, L or O'),
  expiresOn: day,
});

/** The end of a Nairobi day as a UTC instant (EAT is UTC+3 all year). */
export function endOfNairobiDay(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00+03:00`) + 86_400_000);
}
