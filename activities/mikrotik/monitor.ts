import { ApplicationFailure } from '@temporalio/common';
import type { Sql } from '../../db/client';
import { decryptSecret } from '../../db/encryption';
import { audit } from '../../db/queries/audit';
import { routerHealth } from '../../db/queries/router-health';
import { routers } from '../../db/queries/routers';
import type { RouterRef } from './activities';
import type { RouterTarget } from './connection-pool';
import type { RouterGateway } from './gateway';

export type RouterSampleStatus = 'online' | 'offline' | 'disabled' | 'gone';

/** One poll's outcome. Unreachable is a result (`offline` with the reason), never a failed activity. */
export interface RouterSample {
  status: RouterSampleStatus;
  /** What routers.status said before this sample (the workflow's starting point after a restart). */
  previousStatus: string | null;
  at: string;
  cpuPercent: number | null;
  memoryUsedBytes: number | null;
  memoryTotalBytes: number | null;
  uptimeSeconds: number | null;
  activeSessions: number | null;
  error: string | null;
}

export const SYSTEM_ACTOR = { id: null, label: 'system' } as const;

/** The router's address and clear API password, or why there is none to dial. */
export async function loadRouterTarget(sql: Sql, encryptionKey: Buffer, ref: RouterRef): Promise<{ target: RouterTarget; status: string } | { missing: 'gone' | 'disabled' | 'password'; status: string | null; name?: string }> {
  const row = await routers.connection(sql, ref.tenantId, ref.routerId);
  if (!row) return { missing: 'gone', status: null };
  if (row.status === 'disabled') return { missing: 'disabled', status: row.status, name: row.name };
  let password: string;
  try {
    password = decryptSecret(row.passwordEnc, encryptionKey);
  } catch {
    return { missing: 'password', status: row.status, name: row.name };
  }
  return { target: { id: row.id, name: row.name, host: row.host, port: row.apiPort, tls: row.useTls, username: row.username, password }, status: row.status };
}

function describe(error: unknown): string {
  if (error instanceof ApplicationFailure || error instanceof Error) return error.message;
  return String(error);
}

/** The monitoring activities: one health sample per poll, and the status change with its in-app alert. */
export function createMonitorActivities({ sql, encryptionKey, gateway }: { sql: Sql; encryptionKey: Buffer; gateway: RouterGateway }) {
  return {
    /** Reads resources and active sessions, stores a sample and returns it; an unreachable router is `offline`. */
    async sampleRouterHealth(ref: RouterRef): Promise<RouterSample> {
      const at = new Date();
      const empty = { at: at.toISOString(), cpuPercent: null, memoryUsedBytes: null, memoryTotalBytes: null, uptimeSeconds: null, activeSessions: null };
      const loaded = await loadRouterTarget(sql, encryptionKey, ref);
      if ('missing' in loaded) {
        if (loaded.missing === 'gone') return { ...empty, status: 'gone', previousStatus: null, error: 'no such router' };
        if (loaded.missing === 'disabled') return { ...empty, status: 'disabled', previousStatus: loaded.status, error: null };
        const error = `router "${loaded.name}": its stored API password cannot be opened with this ENCRYPTION_KEY`;
        await routerHealth.recordSample(sql, ref.tenantId, ref.routerId, { ...empty, at, online: false, error });
        return { ...empty, status: 'offline', previousStatus: loaded.status, error };
      }
      try {
        const health = await gateway.readHealth(loaded.target);
        const sessions = await gateway.readActiveSessions(loaded.target);
        const sample = {
          cpuPercent: health.cpuLoadPercent,
          memoryTotalBytes: health.totalMemoryBytes,
          memoryUsedBytes: health.totalMemoryBytes !== null && health.freeMemoryBytes !== null ? health.totalMemoryBytes - health.freeMemoryBytes : null,
          uptimeSeconds: health.uptimeSeconds,
          activeSessions: sessions.pppoe.length + sessions.hotspot.length,
        };
        await routerHealth.recordSample(sql, ref.tenantId, ref.routerId, { ...sample, at, online: true, error: null });
        await routerHealth.touchRouter(sql, ref.tenantId, ref.routerId, true, at);
        return { ...sample, at: at.toISOString(), status: 'online', previousStatus: loaded.status, error: null };
      } catch (error) {
        const message = describe(error);
        await routerHealth.recordSample(sql, ref.tenantId, ref.routerId, { ...empty, at, online: false, error: message });
        await routerHealth.touchRouter(sql, ref.tenantId, ref.routerId, false, at);
        return { ...empty, status: 'offline', previousStatus: loaded.status, error: message };
      }
    },

    /**
     * routers.status and last_seen_at, plus the audit entry `router.offline` / `router.online` (actor
     * `system`), which is the in-app alert. Idempotent: a retry after the commit changes nothing.
     */
    async recordRouterStatusChange(input: RouterRef & { online: boolean; at: string; error?: string | null; previous?: string | null }): Promise<{ changed: boolean }> {
      const at = new Date(input.at);
      const now = input.online ? 'online' : 'offline';
      return sql.begin(async (tx) => {
        const [row] = await tx<{ status: string; name: string }[]>`select status, name from routers where tenant_id = ${input.tenantId} and id = ${input.routerId} for update`;
        if (!row || row.status === 'disabled') return { changed: false };
        await routers.recordHealth(tx, input.tenantId, input.routerId, input.online, at);
        // A retried activity finds the status already changed and the entry already written.
        const [already] = await tx`select 1 from audit_log where tenant_id = ${input.tenantId} and entity_type = 'router' and entity_id = ${input.routerId}
          and action = ${`router.${now}`} and (after->>'at') = ${input.at}`;
        if (already) return { changed: false };
        await audit.record(tx, {
          tenantId: input.tenantId,
          actor: SYSTEM_ACTOR,
          action: `router.${now}`,
          entityType: 'router',
          entityId: input.routerId,
          before: { status: input.previous ?? row.status },
          after: { status: now, at: input.at, router: row.name, ...(input.error ? { error: input.error } : {}) },
        });
        return { changed: true };
      });
    },
  };
}

export type MonitorActivities = ReturnType<typeof createMonitorActivities>;
