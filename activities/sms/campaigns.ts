import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { Sql } from '../../db/client';
import { CAMPAIGN_VARIABLES } from '../../domain/sms';
import { campaignMessageKey, smsCampaigns, type CampaignAudience, type SmsCampaignStatus } from '../../db/queries/sms';
import type { SendSmsInput, SendSmsResult } from './activities';
import { refuse, SMS_FAILURES } from './failures';
import { templateProblems, type SmsLanguage } from './templates';

export { CAMPAIGN_VARIABLES };

export interface CampaignPageInput {
  tenantId: string;
  campaignId: string;
  body: string;
  language: SmsLanguage;
  statuses: string[];
  /** Absent in runs started before audience filters: customers in `statuses`. */
  audience?: CampaignAudience;
  /** When the campaign started (ISO): "expiring within N days" counts from here on every page. */
  asOf?: string;
  afterCustomerId: string | null;
  limit: number;
  /** At most this many messages in flight at once. */
  concurrency: number;
  /** At most this many sends started per second. */
  ratePerSecond: number;
}

export interface CampaignPageResult {
  /** Recipients in this page; 0 means the audience is exhausted. */
  count: number;
  lastCustomerId: string | null;
  sent: number;
  failed: number;
  /** Already handled by an earlier attempt or run, or opted out of marketing (nothing sent now). */
  skipped: number;
  /** Of `skipped`: customers who opted out of marketing messages. */
  optedOut: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const audienceFrom = (input: { statuses: string[]; audience?: CampaignAudience }): CampaignAudience =>
  input.audience ?? { statuses: input.statuses as CampaignAudience['statuses'] };

/**
 * Campaign activities. One page is one activity: it loads the next page of the audience and sends to it
 * with bounded concurrency and a rate limit, each message through `sendSms` keyed
 * `campaign:<id>:<customerId>`, so a retried page (or a restarted worker) never messages anyone twice.
 */
export function createCampaignActivities({ sql, sendSms }: { sql: Sql; sendSms: (input: SendSmsInput) => Promise<SendSmsResult> }) {
  return {
    async startSmsCampaign(input: { tenantId: string; campaignId: string; statuses: string[]; audience?: CampaignAudience }): Promise<{ total: number; asOf: string }> {
      const asOf = new Date();
      const total = await smsCampaigns.countAudience(sql, input.tenantId, audienceFrom(input), asOf);
      await smsCampaigns.setStatus(sql, { tenantId: input.tenantId, campaignId: input.campaignId, status: 'running', audienceCount: total });
      return { total, asOf: asOf.toISOString() };
    },

    async setSmsCampaignStatus(input: { tenantId: string; campaignId: string; status: SmsCampaignStatus }): Promise<{ sent: number; failed: number }> {
      const row = await smsCampaigns.setStatus(sql, input);
      return { sent: row.sentCount, failed: row.failedCount };
    },

    async sendCampaignPage(input: CampaignPageInput): Promise<CampaignPageResult> {
      const problems = templateProblems(input.body, CAMPAIGN_VARIABLES);
      if (problems.length) throw refuse(problems.join('; '), SMS_FAILURES.invalidTemplate);
      const recipients = await smsCampaigns.recipientsPage(sql, {
        tenantId: input.tenantId,
        audience: audienceFrom(input),
        afterCustomerId: input.afterCustomerId,
        limit: input.limit,
        ...(input.asOf ? { asOf: new Date(input.asOf) } : {}),
      });
      const ctx = Context.current();
      const result: CampaignPageResult = { count: recipients.length, lastCustomerId: recipients.at(-1)?.customerId ?? input.afterCustomerId, sent: 0, failed: 0, skipped: 0, optedOut: 0 };
      const gap = 1000 / Math.max(0.1, input.ratePerSecond);
      const started = Date.now();
      let next = 0;
      let firstError: unknown;

      const lane = async () => {
        for (;;) {
          if (ctx.cancellationSignal.aborted || firstError) return;
          const i = next++;
          if (i >= recipients.length) return;
          const r = recipients[i]!;
          if (r.marketingOptOut) {
            // A campaign is marketing: an opted-out customer is skipped (transactional messages still reach them).
            result.skipped += 1;
            result.optedOut += 1;
            continue;
          }
          const wait = started + i * gap - Date.now();
          if (wait > 0) await sleep(wait);
          try {
            const sent = await sendSms({
              tenantId: input.tenantId,
              customerId: r.customerId,
              phone: r.phone,
              template: 'custom',
              body: input.body,
              language: input.language,
              params: { name: r.firstName, account: r.accountNumber },
              idempotencyKey: campaignMessageKey(input.campaignId, r.customerId),
            });
            if (!sent.sentNow) result.skipped += 1;
            else if (sent.status === 'sent') result.sent += 1;
            else result.failed += 1;
          } catch (err) {
            // One bad number does not stop the campaign; an account or gateway problem does (and retries).
            if (err instanceof ApplicationFailure && err.type === SMS_FAILURES.invalidPhone) result.failed += 1;
            else firstError ??= err;
          }
          ctx.heartbeat({ done: result.sent + result.failed + result.skipped });
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(input.concurrency, recipients.length)) }, lane));
      if (firstError) throw firstError;
      if (ctx.cancellationSignal.aborted) throw new CancelledFailure('campaign page cancelled; the retry resumes it');
      return result;
    },
  };
}
