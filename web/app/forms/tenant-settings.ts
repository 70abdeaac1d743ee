import { z } from 'zod';
import type { TenantSettings } from '../../../db/queries/tenants';
import { choice, integer, text } from './fields';

/** "16" or "2.5" (optionally with %) → basis points, 0–50%. */
const percent = (label: string, whenBlank?: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined && whenBlank !== undefined) return whenBlank;
      const bare = (v ?? '').replace(/\s*%$/, '');
      const bp = /^\d{1,2}(\.\d{1,2})?$/.test(bare) ? Math.round(Number(bare) * 100) : Number.NaN;
      if (!(bp >= 0 && bp <= 5000)) ctx.addIssue({ code: 'custom', message: `Enter ${label} as a percentage from 0 to 50, like 16 or 2.5` });
      return bp || 0;
    });

const pattern = (re: RegExp, message: string, upper = false) => (upper ? z.string({ required_error: message }).toUpperCase() : z.string({ required_error: message })).regex(re, message);
const optional = <T extends z.ZodTypeAny>(schema: T) => schema.optional().transform((v) => v ?? null);

/** "7, 3, 1" → [7, 3, 1]: days before expiry on which a reminder SMS goes out, largest first. */
const reminderDays = () =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const parts = (v ?? '').split(/[\s,]+/).filter(Boolean);
      if (parts.some((p) => !/^\d{1,2}$/.test(p) || Number(p) < 1 || Number(p) > 60)) {
        ctx.addIssue({ code: 'custom', message: 'Each reminder day must be a whole number from 1 to 60, like 7,3,1' });
      }
      const days = [...new Set(parts.map(Number))].sort((a, b) => b - a);
      if (days.length > 10) ctx.addIssue({ code: 'custom', message: 'Give at most 10 reminder days' });
      return days;
    });

const MPESA_NUMBER = /^\d{5,7}$/;

export const tenantSettingsSchema = z
  .object({
    name: text('the ISP name', 120, 2),
    vatRate: percent('the VAT rate'),
    paybill: optional(pattern(MPESA_NUMBER, 'A paybill number has 5 to 7 digits')),
    tillNumber: optional(pattern(MPESA_NUMBER, 'A till number has 5 to 7 digits')),
    billingMode: choice('prepaid or postpaid', ['prepaid', 'postpaid']),
    graceDays: integer('the grace days', 0, 60),
    reminderDays: reminderDays(),
    lateFee: percent('the late fee', 0),
    suspendAfterDays: integer('the days before suspension', 0, 90),
    smsSenderId: optional(pattern(/^[A-Za-z0-9 _-]{3,11}$/, 'A sender ID is 3 to 11 letters, digits, spaces, - or _')),
    brandColor: pattern(/^#[0-9a-f]{6}$/i, 'Enter a colour as #rrggbb, like #0b6e4f').transform((v) => v.toLowerCase()),
    logoUrl: optional(pattern(/^https?:\/\/\S+$/i, 'Enter a web address starting with https://').url('Enter a web address starting with https://').max(500, 'The logo address must be at most 500 characters')),
    kraPin: optional(pattern(/^[AP]\d{9}[A-Z]$/, 'Enter a KRA PIN like P051234567Q', true)),
    invoicePrefix: pattern(/^[A-Z0-9]{1,8}$/, 'Use 1 to 8 letters or digits, like INV', true),
    accountPrefix: pattern(/^[A-Z]{1,4}$/, 'Use 1 to 4 letters, like MT', true),
  })
  .transform(
    (s): TenantSettings => ({
      name: s.name,
      vatRateBp: s.vatRate,
      paybill: s.paybill,
      tillNumber: s.tillNumber,
      billingMode: s.billingMode,
      graceDays: s.graceDays,
      reminderDays: s.reminderDays,
      lateFeeBp: s.lateFee,
      suspendAfterDays: s.suspendAfterDays,
      smsSenderId: s.smsSenderId,
      brandColor: s.brandColor,
      logoUrl: s.logoUrl,
      kraPin: s.kraPin,
      invoicePrefix: s.invoicePrefix,
      accountPrefix: s.accountPrefix,
    }),
  );
