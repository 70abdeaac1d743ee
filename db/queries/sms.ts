import type { Tx } from '../client';
import { campaignAudience, type CampaignAudience, type CampaignRecipient } from './sms-audience';

export type { CampaignAudience, CampaignRecipient } from './sms-audience';

export type SmsStatus = 'queued' | 'sent' | 'delivered' | 'failed' | 'rejected';

/** One step of a message's timeline in `sms_logs.status_history`. */
export interface SmsHistoryEntry {
  event: 'queued' | 'sending' | 'send_error' | 'sent' | 'failed' | 'rejected' | 'outcome_unknown' | 'dlr';
  status: SmsStatus;
  at: string;
  providerStatus?: string;
  providerStatusCode?: number;
  failureReason?: string;
  networkCode?: string;
  error?: string;
}

export interface CustomerSmsPreferences {
  customerId: string;
  phone: string;
  language: 'en' | 'sw';
  marketingOptOut: boolean;
  firstName: string;
  accountNumber: string;
}

export const SMS_STATUSES: SmsStatus[] = ['queued', 'sent', 'delivered', 'failed', 'rejected'];

export interface SmsLogFilter {
  status?: SmsStatus;
  /** Digits anywhere in the stored 2547… number. */
  phone?: string;
  campaignId?: string;
  /** Nairobi calendar dates, YYYY-MM-DD, inclusive. */
  from?: string;
  to?: string;
}

export interface SmsLogRow {
  id: string;
  tenantId: string;
  customerId: string | null;
  idempotencyKey: string;
  phone: string;
  message: string;
  status: SmsStatus;
  providerMessageId: string | null;
  costCents: number | null;
  failureReason: string | null;
  statusHistory: SmsHistoryEntry[];
  createdAt: Date;
  updatedAt: Date;
}

const columns = (tx: Tx) => tx`
  id, tenant_id as "tenantId", customer_id as "customerId", idempotency_key as "idempotencyKey", phone, message, status,
  provider_message_id as "providerMessageId", cost_cents as "costCents", failure_reason as "failureReason",
  status_history as "statusHistory", created_at as "createdAt", updated_at as "updatedAt"`;

const FINAL: SmsStatus[] = ['delivered', 'failed', 'rejected'];
const entry = (e: Omit<SmsHistoryEntry, 'at'>): SmsHistoryEntry => ({ ...e, at: new Date().toISOString() });

/** Delivery-report status → our status (integration-facts §2.5). */
export function statusFromReport(providerStatus: string): SmsStatus {
  if (providerStatus === 'Success') return 'delivered';
  if (providerStatus === 'Failed') return 'failed';
  if (providerStatus === 'Rejected') return 'rejected';
  return 'sent';
}

export const smsQueries = {
  async templateOverride(tx: Tx, tenantId: string, key: string, language: string): Promise<string | undefined> {
    const [row] = await tx<{ body: string }[]>`
      select body from sms_templates where tenant_id = ${tenantId} and key = ${key} and language = ${language}`;
    return row?.body;
  },

  async senderId(tx: Tx, tenantId: string): Promise<string | null> {
    const [row] = await tx<{ senderId: string | null }[]>`select sms_sender_id as "senderId" from tenants where id = ${tenantId}`;
    return row?.senderId ?? null;
  },

  /** The row for this idempotency key: created now (`created`), or the one an earlier attempt made. */
  async claim(tx: Tx, input: { tenantId: string; customerId?: string | null; idempotencyKey: string; phone: string; message: string }): Promise<{ row: SmsLogRow; created: boolean }> {
    const history = [entry({ event: 'queued', status: 'queued' })];
    const [inserted] = await tx<SmsLogRow[]>`
      insert into sms_logs (tenant_id, customer_id, idempotency_key, phone, message, status_history)
      values (${input.tenantId}, ${input.customerId ?? null}, ${input.idempotencyKey}, ${input.phone}, ${input.message}, ${tx.json(history as never)})
      on conflict (idempotency_key) do nothing
      returning ${columns(tx)}`;
    if (inserted) return { row: inserted, created: true };
    const [existing] = await tx<SmsLogRow[]>`select ${columns(tx)} from sms_logs where idempotency_key = ${input.idempotencyKey}`;
    if (!existing) throw new Error(`sms_logs row ${input.idempotencyKey} vanished`);
    return { row: existing, created: false };
  },

  /**
   * Takes the right to call the provider: only a queued row whose last step is not already `sending`.
   * False means an earlier attempt may have handed the message over and never recorded the answer.
   */
  async markSending(tx: Tx, id: string): Promise<boolean> {
    const rows = await tx`
      update sms_logs set status_history = status_history || ${tx.json([entry({ event: 'sending', status: 'queued' })] as never)}, updated_at = now()
      where id = ${id} and status = 'queued' and coalesce(status_history -> -1 ->> 'event', '') <> 'sending'
      returning id`;
    return rows.length === 1;
  },

  /** The provider answered with an error, so nothing was sent: a later attempt may send. */
  async releaseSending(tx: Tx, id: string, error: string): Promise<void> {
    await tx`
      update sms_logs set status_history = status_history || ${tx.json([entry({ event: 'send_error', status: 'queued', error })] as never)}, updated_at = now()
      where id = ${id} and status = 'queued'`;
  },

  /** Records the provider's answer for this recipient; a late answer from an earlier attempt still wins over `outcome_unknown`. */
  async recordResult(
    tx: Tx,
    id: string,
    result: { status: 'sent' | 'failed' | 'rejected'; providerStatus: string; providerStatusCode: number; messageId?: string; costCents?: number },
  ): Promise<SmsLogRow> {
    const failureReason = result.status === 'sent' ? null : result.providerStatus;
    const step = entry({ event: result.status, status: result.status, providerStatus: result.providerStatus, providerStatusCode: result.providerStatusCode });
    const [row] = await tx<SmsLogRow[]>`
      update sms_logs set status = ${result.status}, provider_message_id = ${result.messageId ?? null}, cost_cents = ${result.costCents ?? null},
        failure_reason = ${failureReason}, status_history = status_history || ${tx.json([step] as never)}, updated_at = now()
      where id = ${id} and provider_message_id is null and (status = 'queued' or failure_reason = 'OutcomeUnknown')
      returning ${columns(tx)}`;
    if (row) return row;
    const [current] = await tx<SmsLogRow[]>`select ${columns(tx)} from sms_logs where id = ${id}`;
    return current!;
  },

  /** An earlier attempt was cut off mid-send: at most once wins, so this attempt records that and sends nothing. */
  async markOutcomeUnknown(tx: Tx, id: string): Promise<SmsLogRow> {
    const [row] = await tx<SmsLogRow[]>`
      update sms_logs set status = 'failed', failure_reason = 'OutcomeUnknown',
        status_history = status_history || ${tx.json([entry({ event: 'outcome_unknown', status: 'failed' })] as never)}, updated_at = now()
      where id = ${id} and status = 'queued'
      returning ${columns(tx)}`;
    if (row) return row;
    const [current] = await tx<SmsLogRow[]>`select ${columns(tx)} from sms_logs where id = ${id}`;
    return current!;
  },

  /**
   * Applies a delivery report once: a report already in the timeline (same provider status) changes
   * nothing; a late `Sent` never undoes a final state.
   */
  async applyDeliveryReport(
    tx: Tx,
    report: { messageId: string; providerStatus: string; failureReason?: string; networkCode?: string },
  ): Promise<'updated' | 'duplicate' | 'unknown'> {
    const status = statusFromReport(report.providerStatus);
    const step = entry({
      event: 'dlr',
      status,
      providerStatus: report.providerStatus,
      ...(report.failureReason ? { failureReason: report.failureReason } : {}),
      ...(report.networkCode ? { networkCode: report.networkCode } : {}),
    });
    const probe = [{ event: 'dlr', providerStatus: report.providerStatus }];
    const rows = await tx`
      update sms_logs set
        status = case when status = any(${FINAL}::text[]) and ${status} = 'sent' then status else ${status} end,
        failure_reason = case when ${status} in ('failed', 'rejected') then coalesce(${report.failureReason ?? null}, ${report.providerStatus}) else failure_reason end,
        status_history = status_history || ${tx.json([step] as never)}, updated_at = now()
      where provider_message_id = ${report.messageId} and not (status_history @> ${tx.json(probe as never)})
      returning id`;
    if (rows.length) return 'updated';
    const [known] = await tx`select 1 from sms_logs where provider_message_id = ${report.messageId}`;
    return known ? 'duplicate' : 'unknown';
  },

  /** What a notification needs to know about its customer: where, in which language, and whether marketing may reach them. */
  async customerPreferences(tx: Tx, tenantId: string, customerId: string): Promise<CustomerSmsPreferences | undefined> {
    const [row] = await tx<CustomerSmsPreferences[]>`
      select id as "customerId", phone, language, marketing_opt_out as "marketingOptOut", first_name as "firstName", account_number as "accountNumber"
      from customers where tenant_id = ${tenantId} and id = ${customerId}`;
    return row;
  },

  /** The tenant's quiet hours for non-urgent messages (minutes after midnight, Nairobi). */
  async quietHours(tx: Tx, tenantId: string): Promise<{ startMinute: number; endMinute: number }> {
    const [row] = await tx<{ startMinute: number; endMinute: number }[]>`
      select sms_quiet_start_minute as "startMinute", sms_quiet_end_minute as "endMinute" from tenants where id = ${tenantId}`;
    return row ?? { startMinute: 21 * 60, endMinute: 7 * 60 };
  },

  /** A page of the SMS log, newest first, with the filters of `/dashboard/sms/log`. */
  async search(tx: Tx, tenantId: string, filter: SmsLogFilter, page: { limit: number; offset: number }): Promise<{ rows: SmsLogRow[]; total: number }> {
    const where = tx`
      tenant_id = ${tenantId}
      ${filter.status ? tx`and status = ${filter.status}` : tx``}
      ${filter.phone ? tx`and phone like ${`%${filter.phone}%`}` : tx``}
      ${filter.campaignId ? tx`and idempotency_key like ${`campaign:${filter.campaignId}:%`}` : tx``}
      ${filter.from ? tx`and created_at >= (${filter.from}::date::timestamp at time zone 'Africa/Nairobi')` : tx``}
      ${filter.to ? tx`and created_at < ((${filter.to}::date + 1)::timestamp at time zone 'Africa/Nairobi')` : tx``}`;
    const [rows, [count]] = await Promise.all([
      tx<SmsLogRow[]>`select ${columns(tx)} from sms_logs where ${where} order by created_at desc, id limit ${page.limit} offset ${page.offset}`,
      tx<{ n: number }[]>`select count(*)::int as n from sms_logs where ${where}`,
    ]);
    return { rows, total: count!.n };
  },

  /** Messages of one campaign by status (queued/sent/delivered/failed/rejected). */
  async campaignStats(tx: Tx, campaignId: string): Promise<Record<SmsStatus, number>> {
    const rows = await tx<{ status: SmsStatus; n: number }[]>`
      select status, count(*)::int as n from sms_logs where idempotency_key like ${`campaign:${campaignId}:%`} group by status`;
    const stats: Record<SmsStatus, number> = { queued: 0, sent: 0, delivered: 0, failed: 0, rejected: 0 };
    for (const r of rows) stats[r.status] = r.n;
    return stats;
  },

  async byIdempotencyKey(tx: Tx, key: string): Promise<SmsLogRow | undefined> {
    const [row] = await tx<SmsLogRow[]>`select ${columns(tx)} from sms_logs where idempotency_key = ${key}`;
    return row;
  },

  async recent(tx: Tx, tenantId: string, limit = 50): Promise<SmsLogRow[]> {
    return tx<SmsLogRow[]>`select ${columns(tx)} from sms_logs where tenant_id = ${tenantId} order by created_at desc limit ${limit}`;
  },
};

export type SmsCampaignStatus = 'draft' | 'scheduled' | 'running' | 'paused' | 'done' | 'cancelled';

export interface SmsCampaignRow {
  id: string;
  tenantId: string;
  name: string;
  body: string;
  language: 'en' | 'sw';
  audienceStatuses: string[];
  audiencePackageId: string | null;
  audienceRouterId: string | null;
  audienceSite: string | null;
  audienceExpiringDays: number | null;
  audienceResellerId: string | null;
  /** When sending starts; null: at once. */
  scheduledAt: Date | null;
  status: SmsCampaignStatus;
  audienceCount: number | null;
  sentCount: number;
  failedCount: number;
  createdBy: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

const campaignColumns = (tx: Tx) => tx`
  id, tenant_id as "tenantId", name, body, language, audience_statuses as "audienceStatuses",
  audience_package_id as "audiencePackageId", audience_router_id as "audienceRouterId", audience_site as "audienceSite",
  audience_expiring_days as "audienceExpiringDays", audience_reseller_id as "audienceResellerId", scheduled_at as "scheduledAt", status,
  audience_count as "audienceCount", sent_count as "sentCount", failed_count as "failedCount", created_by as "createdBy",
  created_at as "createdAt", started_at as "startedAt", finished_at as "finishedAt"`;

/** The sms_logs idempotency key of one campaign recipient. */
export const campaignMessageKey = (campaignId: string, customerId: string) => `campaign:${campaignId}:${customerId}`;

/** The audience a stored campaign was created with. */
export const audienceOf = (c: SmsCampaignRow): CampaignAudience => ({
  statuses: c.audienceStatuses as CampaignAudience['statuses'],
  packageId: c.audiencePackageId,
  routerId: c.audienceRouterId,
  site: c.audienceSite,
  expiringWithinDays: c.audienceExpiringDays,
  resellerId: c.audienceResellerId,
});

export const smsCampaigns = {
  async create(
    tx: Tx,
    input: { tenantId: string; name: string; body: string; language: 'en' | 'sw'; audienceStatuses: string[]; audience?: Omit<CampaignAudience, 'statuses'>; scheduledAt?: Date | null; createdBy: string | null },
  ): Promise<SmsCampaignRow> {
    const a = input.audience ?? {};
    const [row] = await tx<SmsCampaignRow[]>`
      insert into sms_campaigns (tenant_id, name, body, language, audience_statuses, audience_package_id, audience_router_id, audience_site,
        audience_expiring_days, audience_reseller_id, scheduled_at, created_by)
      values (${input.tenantId}, ${input.name}, ${input.body}, ${input.language}, ${input.audienceStatuses}, ${a.packageId ?? null}, ${a.routerId ?? null},
        ${a.site ?? null}, ${a.expiringWithinDays ?? null}, ${a.resellerId ?? null}, ${input.scheduledAt ?? null}, ${input.createdBy})
      returning ${campaignColumns(tx)}`;
    return row!;
  },

  async get(tx: Tx, tenantId: string, id: string): Promise<SmsCampaignRow | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const [row] = await tx<SmsCampaignRow[]>`select ${campaignColumns(tx)} from sms_campaigns where tenant_id = ${tenantId} and id = ${id}`;
    return row;
  },

  async list(tx: Tx, tenantId: string, limit = 50): Promise<SmsCampaignRow[]> {
    return tx<SmsCampaignRow[]>`select ${campaignColumns(tx)} from sms_campaigns where tenant_id = ${tenantId} order by created_at desc limit ${limit}`;
  },

  /** Customers matching (opted-out ones included: they count as handled when skipped). */
  async countAudience(tx: Tx, tenantId: string, audience: CampaignAudience, asOf?: Date): Promise<number> {
    return (await campaignAudience.count(tx, { tenantId }, audience, asOf)).matching;
  },

  async recipientsPage(tx: Tx, input: { tenantId: string; audience: CampaignAudience; afterCustomerId: string | null; limit: number; asOf?: Date }): Promise<CampaignRecipient[]> {
    return campaignAudience.page(tx, { tenantId: input.tenantId }, input.audience, input);
  },

  /** Sets the status and refreshes the counts from the campaign's sms_logs rows. */
  async setStatus(tx: Tx, input: { tenantId: string; campaignId: string; status: SmsCampaignStatus; audienceCount?: number }): Promise<SmsCampaignRow> {
    const prefix = `campaign:${input.campaignId}:%`;
    const [row] = await tx<SmsCampaignRow[]>`
      update sms_campaigns set
        status = ${input.status},
        audience_count = coalesce(${input.audienceCount ?? null}, audience_count),
        started_at = case when ${input.status} = 'running' then coalesce(started_at, now()) else started_at end,
        finished_at = case when ${input.status} in ('done', 'cancelled') then coalesce(finished_at, now()) else finished_at end,
        sent_count = (select count(*) from sms_logs where idempotency_key like ${prefix} and status in ('sent', 'delivered')),
        failed_count = (select count(*) from sms_logs where idempotency_key like ${prefix} and status in ('failed', 'rejected')),
        updated_at = now()
      where tenant_id = ${input.tenantId} and id = ${input.campaignId}
      returning ${campaignColumns(tx)}`;
    if (!row) throw new Error(`sms campaign ${input.campaignId} not found`);
    return row;
  },
};

export const smsTemplates = {
  async list(tx: Tx, tenantId: string): Promise<{ key: string; language: 'en' | 'sw'; body: string; updatedAt: Date }[]> {
    return tx`select key, language, body, updated_at as "updatedAt" from sms_templates where tenant_id = ${tenantId} order by key, language`;
  },

  async upsert(tx: Tx, input: { tenantId: string; key: string; language: 'en' | 'sw'; body: string }): Promise<{ before: string | null }> {
    const [old] = await tx<{ body: string }[]>`
      select body from sms_templates where tenant_id = ${input.tenantId} and key = ${input.key} and language = ${input.language} for update`;
    await tx`
      insert into sms_templates (tenant_id, key, language, body) values (${input.tenantId}, ${input.key}, ${input.language}, ${input.body})
      on conflict (tenant_id, key, language) do update set body = excluded.body, updated_at = now()`;
    return { before: old?.body ?? null };
  },

  async remove(tx: Tx, input: { tenantId: string; key: string; language: 'en' | 'sw' }): Promise<{ before: string | null }> {
    const [old] = await tx<{ body: string }[]>`
      delete from sms_templates where tenant_id = ${input.tenantId} and key = ${input.key} and language = ${input.language} returning body`;
    return { before: old?.body ?? null };
  },
};
