import type { Tx } from '../client';

export interface HealthSample {
  at: Date;
  online: boolean;
  cpuPercent: number | null;
  memoryUsedBytes: number | null;
  memoryTotalBytes: number | null;
  uptimeSeconds: number | null;
  activeSessions: number | null;
  error: string | null;
}

export interface ReconcileCounts {
  created: number;
  enabled: number;
  disabled: number;
  profileFixed: number;
  extrasReported: number;
}

export interface Reconciliation extends ReconcileCounts {
  id: number;
  startedAt: Date;
  finishedAt: Date;
  errors: string[];
  details: unknown;
}

/** A subscription as reconciliation needs it: what its PPPoE secret should look like. */
export interface DesiredSecret {
  subscriptionId: string;
  serviceUsername: string;
  passwordEnc: string;
  status: 'pending' | 'active' | 'suspended' | 'expired' | 'cancelled';
  packageId: string;
  packageKind: 'pppoe' | 'hotspot';
  accountNumber: string;
}

export const routerHealth = {
  async recordSample(tx: Tx, tenantId: string, routerId: string, s: Omit<HealthSample, 'at'> & { at?: Date }): Promise<void> {
    await tx`insert into router_health_samples (tenant_id, router_id, at, online, cpu_percent, memory_used_bytes, memory_total_bytes, uptime_seconds, active_sessions, error)
      values (${tenantId}, ${routerId}, ${s.at ?? new Date()}, ${s.online}, ${s.cpuPercent}, ${s.memoryUsedBytes}, ${s.memoryTotalBytes}, ${s.uptimeSeconds}, ${s.activeSessions}, ${s.error})`;
  },

  /**
   * Every sample: an online router's last_seen_at moves; a router never seen before gets its first
   * status. Changes between online and offline are recordRouterStatusChange's, with their alert.
   */
  async touchRouter(tx: Tx, tenantId: string, routerId: string, online: boolean, at: Date): Promise<void> {
    await tx`update routers set
        last_seen_at = case when ${online} then ${at} else last_seen_at end,
        status = case when status = 'unknown' then ${online ? 'online' : 'offline'} else status end
      where tenant_id = ${tenantId} and id = ${routerId}`;
  },

  /** Oldest first, for charts. */
  async samplesSince(tx: Tx, tenantId: string, routerId: string, since: Date, limit = 2000): Promise<HealthSample[]> {
    const rows = await tx<HealthSample[]>`
      select at, online, cpu_percent as "cpuPercent", memory_used_bytes::float8 as "memoryUsedBytes", memory_total_bytes::float8 as "memoryTotalBytes",
        uptime_seconds::float8 as "uptimeSeconds", active_sessions as "activeSessions", error
      from router_health_samples where tenant_id = ${tenantId} and router_id = ${routerId} and at >= ${since}
      order by at desc limit ${limit}`;
    return rows.reverse();
  },

  async latestSample(tx: Tx, tenantId: string, routerId: string): Promise<HealthSample | undefined> {
    const [row] = await tx<HealthSample[]>`
      select at, online, cpu_percent as "cpuPercent", memory_used_bytes::float8 as "memoryUsedBytes", memory_total_bytes::float8 as "memoryTotalBytes",
        uptime_seconds::float8 as "uptimeSeconds", active_sessions as "activeSessions", error
      from router_health_samples where tenant_id = ${tenantId} and router_id = ${routerId} order by at desc limit 1`;
    return row;
  },

  async recordReconciliation(tx: Tx, tenantId: string, routerId: string, r: ReconcileCounts & { startedAt: Date; errors: string[]; details: unknown }): Promise<number> {
    const [row] = await tx<{ id: number }[]>`
      insert into router_reconciliations (tenant_id, router_id, started_at, created, enabled, disabled, profile_fixed, extras_reported, errors, details)
      values (${tenantId}, ${routerId}, ${r.startedAt}, ${r.created}, ${r.enabled}, ${r.disabled}, ${r.profileFixed}, ${r.extrasReported},
        ${tx.json(r.errors)}, ${tx.json(r.details as never)})
      returning id::float8 as id`;
    return row!.id;
  },

  async recentReconciliations(tx: Tx, tenantId: string, routerId: string, limit = 10): Promise<Reconciliation[]> {
    return tx<Reconciliation[]>`
      select id::float8 as id, started_at as "startedAt", finished_at as "finishedAt", created, enabled, disabled, profile_fixed as "profileFixed",
        extras_reported as "extrasReported", errors, details
      from router_reconciliations where tenant_id = ${tenantId} and router_id = ${routerId} order by started_at desc, id desc limit ${limit}`;
  },

  /** Every subscription on the router, with what its secret should hold. */
  async desiredSecrets(tx: Tx, tenantId: string, routerId: string): Promise<DesiredSecret[]> {
    return tx<DesiredSecret[]>`
      select s.id as "subscriptionId", s.service_username as "serviceUsername", s.service_password_enc as "passwordEnc", s.status,
        s.package_id as "packageId", p.kind as "packageKind", c.account_number as "accountNumber"
      from subscriptions s
        join packages p on p.tenant_id = s.tenant_id and p.id = s.package_id
        join customers c on c.tenant_id = s.tenant_id and c.id = s.customer_id
      where s.tenant_id = ${tenantId} and s.router_id = ${routerId}
      order by s.service_username, s.created_at desc`;
  },

  /** Every router of every tenant, for starting the per-router workflows. */
  async allRouters(tx: Tx): Promise<{ tenantId: string; routerId: string }[]> {
    return tx<{ tenantId: string; routerId: string }[]>`select tenant_id as "tenantId", id as "routerId" from routers order by tenant_id, id`;
  },
};
