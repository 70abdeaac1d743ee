import { z } from 'zod';
import { choice, optionalText, shillings, text } from './fields';

export const MANUAL_METHODS = ['cash', 'bank', 'cheque'] as const;
export type ManualMethod = (typeof MANUAL_METHODS)[number];

const eatDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Nairobi', year: 'numeric', month: '2-digit', day: '2-digit' });
/** Today in Nairobi as YYYY-MM-DD. */
export const todayInNairobi = (now = new Date()) => eatDate.format(now);

/**
 * A payment staff record by hand (cash at the office, a bank deposit, a cheque). Bank and cheque payments
 * need the slip or cheque number: it is what makes a second entry of the same deposit detectable.
 */
// Checks across fields run on the raw values, so they are reported together with the per-field ones.
const crossField = (raw: unknown, ctx: z.RefinementCtx) => {
  const v = (raw ?? {}) as Record<string, string | undefined>;
  if ((v.method === 'bank' || v.method === 'cheque') && !v.reference) {
    ctx.addIssue({ code: 'custom', path: ['reference'], message: `Enter the ${v.method === 'bank' ? 'bank slip or transaction' : 'cheque'} number` });
  }
  if (v.receivedOn && /^\d{4}-\d{2}-\d{2}$/.test(v.receivedOn)) {
    if (v.receivedOn > todayInNairobi()) ctx.addIssue({ code: 'custom', path: ['receivedOn'], message: 'The date cannot be in the future' });
    if (v.receivedOn < '2000-01-01') ctx.addIssue({ code: 'custom', path: ['receivedOn'], message: 'Enter a date after 2000' });
  }
  return raw;
};

const fieldsSchema = z
  .object({
    accountNumber: text('the customer account number', 20, 3).transform((v) => v.toUpperCase()),
    method: choice('cash, bank or cheque', [...MANUAL_METHODS]),
    amount: shillings('the amount'),
    reference: optionalText('the reference', 64),
    receivedOn: z
      .string({ required_error: 'Enter the date the money was received' })
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter the date as YYYY-MM-DD')
      .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00+03:00`)), 'Enter a real date'),
    notes: optionalText('the notes', 500),
  })
  .transform((p) => ({
    ...p,
    // Today means now; an earlier day is recorded at noon Nairobi time so it sorts within that day.
    receivedAt: p.receivedOn === todayInNairobi() ? new Date() : new Date(`${p.receivedOn}T12:00:00+03:00`),
  }));

export const manualPaymentSchema = z.preprocess(crossField, fieldsSchema);

export type ManualPayment = z.infer<typeof manualPaymentSchema>;
