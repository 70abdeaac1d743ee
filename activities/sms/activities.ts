import { ApplicationFailure } from '@temporalio/common';
import type { Sql } from '../../db/client';
import { smsQueries, type SmsLogRow, type SmsStatus } from '../../db/queries/sms';
import { normalizeKenyanPhone } from '../../domain/phone';
import { createCampaignActivities } from './campaigns';
import { refuse, SMS_FAILURES } from './failures';
import { createNotifyActivities } from './notify';
import type { SmsGateway } from './gateway';
import { DEFAULT_TEMPLATES, isTemplateKey, renderTemplate, TEMPLATE_VARIABLES, TemplateError, type SmsLanguage, type TemplateKey } from './templates';

export interface SendSmsInput {
  tenantId: string;
  customerId?: string | null;
  /** Any Kenyan mobile form; stored as 2547… and sent as +2547…. */
  phone: string;
  /** An event template (tenant override from `sms_templates`, else the default), or `custom` with `body`. */
  template: TemplateKey | 'custom';
  /** Absent with a `customerId`: the customer's language (`notify` always passes it); else English. */
  language?: SmsLanguage;
  params: Record<string, string | number>;
  /** For `template: 'custom'` (campaigns): the text, which may use the placeholders in `params`. */
  body?: string;
  /** One per notification, e.g. `payment:<paymentId>` or `campaign:<id>:<customerId>`; a retry reuses it. */
  idempotencyKey: string;
}

export interface SendSmsResult {
  smsLogId: string;
  status: SmsStatus;
  providerMessageId: string | null;
  failureReason: string | null;
  /** False when this call found the message already handled and sent nothing. */
  sentNow: boolean;
}

const result = (row: SmsLogRow, sentNow: boolean): SendSmsResult => ({
  smsLogId: row.id,
  status: row.status,
  providerMessageId: row.providerMessageId,
  failureReason: row.failureReason,
  sentNow,
});

/**
 * Render → log → send → log, exactly once per idempotency key: the `sms_logs` row is inserted before the
 * provider is called, and an attempt that finds it already sent (or possibly sent) returns it instead of
 * sending again. A recipient the provider refuses is recorded and returned, not thrown.
 */
export function createSmsActivities({ sql, gateway }: { sql: Sql; gateway: SmsGateway }) {
  async function render(input: SendSmsInput): Promise<string> {
    try {
      if (input.template === 'custom') {
        if (!input.body) throw new TemplateError('a custom message needs a body');
        return renderTemplate(input.body, input.params, Object.keys(input.params));
      }
      if (!isTemplateKey(input.template)) throw new TemplateError(`unknown template ${String(input.template)}`);
      const customer = !input.language && input.customerId ? await smsQueries.customerPreferences(sql, input.tenantId, input.customerId) : undefined;
      const language: SmsLanguage = input.language ?? customer?.language ?? 'en';
      const override = await smsQueries.templateOverride(sql, input.tenantId, input.template, language);
      return renderTemplate(override ?? DEFAULT_TEMPLATES[input.template][language], input.params, TEMPLATE_VARIABLES[input.template]);
    } catch (err) {
      if (err instanceof TemplateError) throw refuse(err.message, SMS_FAILURES.invalidTemplate, { template: input.template, language: input.language });
      throw err;
    }
  }

  async function sendSms(input: SendSmsInput): Promise<SendSmsResult> {
    if (!input.idempotencyKey?.trim()) throw refuse('sendSms needs an idempotency key', SMS_FAILURES.invalidTemplate);
    const phone = normalizeKenyanPhone(input.phone);
    if (!phone) throw refuse(`${input.phone} is not a Kenyan mobile number`, SMS_FAILURES.invalidPhone);

    const existing = await smsQueries.byIdempotencyKey(sql, input.idempotencyKey);
    if (existing && existing.status !== 'queued') return result(existing, false);
    const message = existing?.message ?? (await render(input));
    const { row } = existing ? { row: existing } : await smsQueries.claim(sql, { ...input, phone, message });
    if (row.status !== 'queued') return result(row, false);
    if (!(await smsQueries.markSending(sql, row.id))) return result(await smsQueries.markOutcomeUnknown(sql, row.id), false);

    const from = (await smsQueries.senderId(sql, input.tenantId)) ?? undefined;
    let recipients;
    try {
      recipients = await gateway.send({ to: [phone], message, ...(from ? { from } : {}) });
    } catch (err) {
      // An answered error (401, 4xx, 5xx) sent nothing: a retry may send. No answer at all stays `sending`,
      // so the retry records the outcome as unknown instead of risking a second message.
      const notSent = !(err instanceof ApplicationFailure) || (err.details?.[0] as { notSent?: boolean } | undefined)?.notSent !== false;
      if (notSent) await smsQueries.releaseSending(sql, row.id, err instanceof Error ? err.message : String(err));
      throw err;
    }
    const mine = recipients.find((r) => r.phone === phone) ?? recipients[0];
    if (!mine) throw ApplicationFailure.retryable('Africa\'s Talking answered with no recipients', SMS_FAILURES.gatewayUnavailable);
    return result(await smsQueries.recordResult(sql, row.id, mine), true);
  }

  return { sendSms, ...createNotifyActivities({ sql, sendSms }), ...createCampaignActivities({ sql, sendSms }) };
}

export type SmsActivities = ReturnType<typeof createSmsActivities>;
