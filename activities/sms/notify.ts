import type { Sql } from '../../db/client';
import { smsQueries } from '../../db/queries/sms';
import { quietHoursDeferral } from '../../domain/quiet-hours';
import type { SendSmsInput, SendSmsResult } from './activities';
import { refuse, SMS_FAILURES } from './failures';
import { NON_URGENT_TEMPLATES, type SmsLanguage, type TemplateKey } from './templates';

export interface NotifyInput {
  tenantId: string;
  /** The customer: their phone (unless `phone` is given) and language are used, and their marketing opt-out. */
  customerId?: string | null;
  /** Needed without a `customerId` (e.g. a hotspot buyer); overrides the customer's phone otherwise. */
  phone?: string;
  template: TemplateKey;
  params: Record<string, string | number>;
  /** One per notification, e.g. `payment:<paymentId>`; a retry (or the call after a deferral) reuses it. */
  idempotencyKey: string;
  /** Used when there is no customer. */
  language?: SmsLanguage;
  /** Urgent messages ignore quiet hours. Default: urgent unless the template is in NON_URGENT_TEMPLATES. */
  urgent?: boolean;
  /** Marketing messages are not sent to customers who opted out; transactional ones (the default) always are. */
  marketing?: boolean;
  /** The workflow's time (ISO) for the quiet-hours check, so a workflow decides with its own clock; default now. */
  now?: string;
}

export type NotifyResult =
  | ({ outcome: 'sent' } & SendSmsResult)
  /** Quiet hours: call again (same key) at `deferUntil`, e.g. after a workflow `sleep`. */
  | { outcome: 'deferred'; deferUntil: string }
  | { outcome: 'skipped'; reason: 'opted_out' };

/**
 * `notify`: the notification path every workflow uses — render → send → log through `sendSms` (at most
 * once per idempotency key), in the customer's language, honouring the marketing opt-out and, for
 * non-urgent messages, the tenant's quiet hours (answered with `deferUntil`, never by sleeping here).
 */
export function createNotifyActivities({ sql, sendSms }: { sql: Sql; sendSms: (input: SendSmsInput) => Promise<SendSmsResult> }) {
  return {
    async notify(input: NotifyInput): Promise<NotifyResult> {
      // Already handled under this key (a retry, or a call after a deferral that raced): answer, never resend.
      const existing = await smsQueries.byIdempotencyKey(sql, input.idempotencyKey);
      if (existing && existing.status !== 'queued') {
        return { outcome: 'sent', ...(await sendSms({ tenantId: input.tenantId, customerId: input.customerId ?? null, phone: existing.phone, template: input.template, params: input.params, idempotencyKey: input.idempotencyKey })) };
      }
      const customer = input.customerId ? await smsQueries.customerPreferences(sql, input.tenantId, input.customerId) : undefined;
      if (input.customerId && !customer) throw refuse(`customer ${input.customerId} not found`, SMS_FAILURES.invalidPhone);
      if (input.marketing && customer?.marketingOptOut) return { outcome: 'skipped', reason: 'opted_out' };
      const urgent = input.urgent ?? !NON_URGENT_TEMPLATES.includes(input.template);
      if (!urgent) {
        const deferUntil = quietHoursDeferral(input.now ? new Date(input.now) : new Date(), await smsQueries.quietHours(sql, input.tenantId));
        if (deferUntil) return { outcome: 'deferred', deferUntil: deferUntil.toISOString() };
      }
      const phone = input.phone ?? customer?.phone;
      if (!phone) throw refuse('notify needs a phone or a customer', SMS_FAILURES.invalidPhone);
      const sent = await sendSms({
        tenantId: input.tenantId,
        customerId: customer?.customerId ?? null,
        phone,
        template: input.template,
        params: input.params,
        idempotencyKey: input.idempotencyKey,
        ...(customer ? { language: customer.language } : input.language ? { language: input.language } : {}),
      });
      return { outcome: 'sent', ...sent };
    },
  };
}
