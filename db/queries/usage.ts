import type { Tx } from '../client';

/** Daily roll-ups are Nairobi calendar days, whatever the server's zone. */
export const USAGE_TIMEZONE = 'Africa/Nairobi';

export type UsageService = 'pppoe' | 'hotspot';

/** The counters a live session showed at the last recorded sample. */
export interface UsageSample {
  sessionKey: string;
  service: UsageService;
  username: string;
  sessionId: string | null;
  uptimeSeconds: number | null;
  uploadBytes: number;
  downloadBytes: number;
  sampledAt: Date;
}

/** Bytes one user moved since the previous sample, to be added to the roll-ups. */
export interface UsageDelta {
  service: UsageService;
  username: string;
  subscriptionId: string | null;
  uploadBytes: number;
  downloadBytes: number;
}

export interface UsagePoint {
  /** `YYYY-MM-DD` (Nairobi) for days, an ISO instant for hours. */
  bucket: string;
  uploadBytes: number;
  downloadBytes: number;
}

export interface RouterUsageTotals {
  uploadBytes: number;
  downloadBytes: number;
  users: number;
}

export interface TopUser {
  username: string;
  service: UsageService;
  subscriptionId: string | null;
  customerId: string | null;
  accountNumber: string | null;
  customerName: string | null;
  uploadBytes: number;
  downloadBytes: number;
}

const RANGE_DAYS_MAX = 366;

export const usage = {
  /**
   * Takes the router's collection row lock and answers the last recorded sample instant (null before the
   * first). Call inside the transaction that records the sample: concurrent attempts queue here.
   */
  async lockCollection(tx: Tx, tenantId: string, routerId: string): Promise<Date | null> {
    await tx`insert into usage_collections (tenant_id, router_id, last_sample_at) values (${tenantId}, ${routerId}, '-infinity') on conflict do nothing`;
    const [row] = await tx<{ last: Date | null }[]>`
      select case when last_sample_at = '-infinity' then null else last_sample_at end as last
      from usage_collections where tenant_id = ${tenantId} and router_id = ${routerId} for update`;
    return row?.last ?? null;
  },

  async markCollected(tx: Tx, tenantId: string, routerId: string, at: Date): Promise<void> {
    await tx`update usage_collections set last_sample_at = ${at}, samples = samples + 1 where tenant_id = ${tenantId} and router_id = ${routerId}`;
  },

  async lastCollectedAt(tx: Tx, tenantId: string, routerId: string): Promise<Date | null> {
    const [row] = await tx<{ last: Date }[]>`
      select last_sample_at as last from usage_collections where tenant_id = ${tenantId} and router_id = ${routerId} and last_sample_at <> '-infinity'`;
    return row?.last ?? null;
  },

  async samples(tx: Tx, tenantId: string, routerId: string): Promise<UsageSample[]> {
    return tx<UsageSample[]>`
      select session_key as "sessionKey", service, username, session_id as "sessionId", uptime_seconds as "uptimeSeconds",
        upload_bytes as "uploadBytes", download_bytes as "downloadBytes", sampled_at as "sampledAt"
      from usage_samples where tenant_id = ${tenantId} and router_id = ${routerId}`;
  },

  /** Replaces the stored samples of the router with the sessions seen now; sessions no longer listed go. */
  async replaceSamples(tx: Tx, tenantId: string, routerId: string, current: UsageSample[]): Promise<void> {
    await tx`delete from usage_samples where tenant_id = ${tenantId} and router_id = ${routerId}`;
    if (current.length === 0) return;
    const rows = current.map((s) => ({
      tenant_id: tenantId,
      router_id: routerId,
      session_key: s.sessionKey,
      service: s.service,
      username: s.username,
      session_id: s.sessionId,
      uptime_seconds: s.uptimeSeconds,
      upload_bytes: s.uploadBytes,
      download_bytes: s.downloadBytes,
      sampled_at: s.sampledAt,
    }));
    await tx`insert into usage_samples ${tx(rows)}`;
  },

  /** Subscriptions by service username (unique per ISP) and package kind. */
  async subscriptionIds(tx: Tx, tenantId: string, names: { service: UsageService; username: string }[]): Promise<Map<string, string>> {
    if (names.length === 0) return new Map();
    const rows = await tx<{ id: string; username: string; kind: UsageService }[]>`
      select s.id, s.service_username as username, p.kind
      from subscriptions s join packages p on p.tenant_id = s.tenant_id and p.id = s.package_id
      where s.tenant_id = ${tenantId} and s.service_username in ${tx([...new Set(names.map((n) => n.username))])}`;
    return new Map(rows.map((r) => [`${r.kind}:${r.username}`, r.id]));
  },

  /** Adds the deltas to the hour (UTC) and Nairobi day of `at`. */
  async addDeltas(tx: Tx, tenantId: string, routerId: string, at: Date, deltas: UsageDelta[]): Promise<void> {
    for (const d of deltas) {
      if (d.uploadBytes === 0 && d.downloadBytes === 0) continue;
      await tx`
        insert into usage_hourly (tenant_id, router_id, service, username, hour, subscription_id, upload_bytes, download_bytes)
        values (${tenantId}, ${routerId}, ${d.service}, ${d.username}, date_trunc('hour', ${at}::timestamptz, 'UTC'), ${d.subscriptionId}, ${d.uploadBytes}, ${d.downloadBytes})
        on conflict (tenant_id, router_id, service, username, hour) do update set
          upload_bytes = usage_hourly.upload_bytes + excluded.upload_bytes,
          download_bytes = usage_hourly.download_bytes + excluded.download_bytes,
          subscription_id = coalesce(excluded.subscription_id, usage_hourly.subscription_id)`;
      await tx`
        insert into usage_daily (tenant_id, router_id, service, username, day, subscription_id, upload_bytes, download_bytes)
        values (${tenantId}, ${routerId}, ${d.service}, ${d.username}, (${at}::timestamptz at time zone ${USAGE_TIMEZONE})::date, ${d.subscriptionId}, ${d.uploadBytes}, ${d.downloadBytes})
        on conflict (tenant_id, router_id, service, username, day) do update set
          upload_bytes = usage_daily.upload_bytes + excluded.upload_bytes,
          download_bytes = usage_daily.download_bytes + excluded.download_bytes,
          subscription_id = coalesce(excluded.subscription_id, usage_daily.subscription_id)`;
    }
  },

  /** A subscription's usage per Nairobi day, the last `days` days up to and including `until` (today by default); days without traffic are zero. */
  async subscriptionDaily(tx: Tx, tenantId: string, subscriptionId: string, days: number, until?: string): Promise<UsagePoint[]> {
    const n = Math.min(Math.max(1, Math.floor(days)), RANGE_DAYS_MAX);
    const last = until ? tx`${until}::date` : tx`(now() at time zone ${USAGE_TIMEZONE})::date`;
    return tx<UsagePoint[]>`
      select to_char(g.day, 'YYYY-MM-DD') as bucket,
        coalesce(sum(u.upload_bytes), 0)::bigint as "uploadBytes", coalesce(sum(u.download_bytes), 0)::bigint as "downloadBytes"
      from generate_series((${last} - ${n - 1}::int)::timestamp, ${last}::timestamp, interval '1 day') as g(day)
        left join usage_daily u on u.tenant_id = ${tenantId} and u.subscription_id = ${subscriptionId} and u.day = g.day::date
      group by g.day order by g.day`;
  },

  /** A subscription's usage per hour of one Nairobi day (24 points, zero where there was no traffic). */
  async subscriptionHourly(tx: Tx, tenantId: string, subscriptionId: string, day: string): Promise<UsagePoint[]> {
    const rows = await tx<{ bucket: Date; uploadBytes: number; downloadBytes: number }[]>`
      select g.hour as bucket,
        coalesce(sum(u.upload_bytes), 0)::bigint as "uploadBytes", coalesce(sum(u.download_bytes), 0)::bigint as "downloadBytes"
      from generate_series(${day}::date::timestamp at time zone ${USAGE_TIMEZONE}, (${day}::date + 1)::timestamp at time zone ${USAGE_TIMEZONE} - interval '1 hour', interval '1 hour') as g(hour)
        left join usage_hourly u on u.tenant_id = ${tenantId} and u.subscription_id = ${subscriptionId} and u.hour = g.hour
      group by g.hour order by g.hour`;
    return rows.map((r) => ({ ...r, bucket: r.bucket.toISOString() }));
  },

  /** Everything through the router over Nairobi days [from, to]. */
  async routerTotals(tx: Tx, tenantId: string, routerId: string, from: string, to: string): Promise<RouterUsageTotals> {
    const [row] = await tx<RouterUsageTotals[]>`
      select coalesce(sum(upload_bytes), 0)::bigint as "uploadBytes", coalesce(sum(download_bytes), 0)::bigint as "downloadBytes",
        count(distinct (service, username))::int as users
      from usage_daily where tenant_id = ${tenantId} and router_id = ${routerId} and day between ${from}::date and ${to}::date`;
    return row!;
  },

  /** The heaviest users of the router over Nairobi days [from, to], by total bytes. */
  async topUsers(tx: Tx, tenantId: string, routerId: string, from: string, to: string, limit = 5): Promise<TopUser[]> {
    return tx<TopUser[]>`
      select u.username, u.service, max(u.subscription_id::text)::uuid as "subscriptionId", max(c.id::text)::uuid as "customerId", max(c.account_number) as "accountNumber", max(c.first_name || ' ' || c.last_name) as "customerName",
        sum(u.upload_bytes)::bigint as "uploadBytes", sum(u.download_bytes)::bigint as "downloadBytes"
      from usage_daily u
        left join subscriptions s on s.tenant_id = u.tenant_id and s.id = u.subscription_id
        left join customers c on c.tenant_id = s.tenant_id and c.id = s.customer_id
      where u.tenant_id = ${tenantId} and u.router_id = ${routerId} and u.day between ${from}::date and ${to}::date
      group by u.service, u.username
      order by sum(u.upload_bytes + u.download_bytes) desc, u.username limit ${limit}`;
  },

  /** Today's Nairobi date, `YYYY-MM-DD`, as the database sees it. */
  async today(tx: Tx): Promise<string> {
    const [row] = await tx<{ day: string }[]>`select to_char(now() at time zone ${USAGE_TIMEZONE}, 'YYYY-MM-DD') as day`;
    return row!.day;
  },
};
