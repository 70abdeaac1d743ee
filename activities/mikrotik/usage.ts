import type { Sql } from '../../db/client';
import { usage, type UsageDelta, type UsageSample, type UsageService } from '../../db/queries/usage';
import type { RouterRef } from './activities';
import type { ActiveSessions, RouterGateway } from './gateway';
import { loadRouterTarget } from './monitor';
import { durationSeconds } from './routeros-gateway';

export interface CollectUsageInput extends RouterRef {
  /** The workflow's clock at this sample (ISO): the bucket the bytes land in and the sample's identity. */
  sampleAt: string;
}

export interface UsageCollection {
  /**
   * `recorded`; `duplicate` when a sample at or after `sampleAt` is already recorded (a retry); or why
   * nothing was read. Counters keep growing on the router, so a missed sample only moves bytes to the next.
   */
  outcome: 'recorded' | 'duplicate' | 'unreachable' | 'disabled' | 'gone';
  sampleAt: string;
  sessions: number;
  /** Sessions seen for the first time, or whose counters restarted (reconnect, router reboot). */
  started: number;
  /** Sessions listed last time and gone now; their bytes after the last sample are not visible to us. */
  ended: number;
  uploadBytes: number;
  downloadBytes: number;
  error: string | null;
}

type Observed = Omit<UsageSample, 'sampledAt'>;

/**
 * The bytes a session moved since `prev`. Counters restart from zero with a new session, so a different
 * session id or username, a smaller counter or a lower uptime means the current counters are all new.
 */
export function sessionDelta(prev: Observed | undefined, cur: Observed): { upload: number; download: number; restarted: boolean } {
  const restarted =
    !prev ||
    prev.username !== cur.username ||
    (prev.sessionId ?? null) !== (cur.sessionId ?? null) ||
    cur.uploadBytes < prev.uploadBytes ||
    cur.downloadBytes < prev.downloadBytes ||
    (prev.uptimeSeconds !== null && cur.uptimeSeconds !== null && cur.uptimeSeconds < prev.uptimeSeconds);
  if (restarted) return { upload: cur.uploadBytes, download: cur.downloadBytes, restarted };
  return { upload: cur.uploadBytes - prev.uploadBytes, download: cur.downloadBytes - prev.downloadBytes, restarted };
}

function uptime(text: string | null): number | null {
  return text ? (durationSeconds(text) ?? null) : null;
}

/**
 * What the router lists, one entry per meterable session. PPPoE counters are read from the `<pppoe-NAME>`
 * interface, which is per username, so PPPoE is keyed by username (a second simultaneous session of the
 * same name would only repeat those counters). A session whose interface is not listed has no counters and
 * is skipped; its stored sample is kept so the next readable sample continues from it.
 */
function observe(active: ActiveSessions): { seen: Observed[]; unreadable: Set<string> } {
  const seen: Observed[] = [];
  const unreadable = new Set<string>();
  const keys = new Set<string>();
  for (const s of active.pppoe) {
    const sessionKey = `pppoe:${s.name}`;
    if (keys.has(sessionKey)) continue;
    keys.add(sessionKey);
    if (s.uploadBytes === null || s.downloadBytes === null) {
      unreadable.add(sessionKey);
      continue;
    }
    seen.push({ sessionKey, service: 'pppoe', username: s.name, sessionId: s.sessionId ?? s.id, uptimeSeconds: uptime(s.uptime), uploadBytes: s.uploadBytes, downloadBytes: s.downloadBytes });
  }
  for (const s of active.hotspot) {
    const sessionKey = `hotspot:${s.id}`;
    if (keys.has(sessionKey)) continue;
    keys.add(sessionKey);
    seen.push({ sessionKey, service: 'hotspot', username: s.user, sessionId: s.macAddress, uptimeSeconds: uptime(s.uptime), uploadBytes: s.uploadBytes, downloadBytes: s.downloadBytes });
  }
  return { seen, unreadable };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The usage activity: reads the router's active sessions and adds each session's counter growth since the
 * previous sample to the hourly (UTC hour of `sampleAt`) and daily (Nairobi date) roll-ups of its username
 * and subscription. Exactly once per sample: everything is written in one transaction under the router's
 * collection row lock, and a `sampleAt` not newer than the last recorded one changes nothing.
 *
 * What polling cannot see: the bytes a session moves between its last sample and its end. A real router
 * forgets the counters of an ended session, so those bytes are lost (at most one interval's worth per
 * session); a session that starts between samples counts fully from zero at its first sample.
 */
export function createUsageActivities({ sql, encryptionKey, gateway }: { sql: Sql; encryptionKey: Buffer; gateway: RouterGateway }) {
  return {
    async collectUsage(input: CollectUsageInput): Promise<UsageCollection> {
      const ref = { tenantId: input.tenantId, routerId: input.routerId };
      const sampleAt = new Date(input.sampleAt);
      if (Number.isNaN(sampleAt.getTime())) throw new TypeError(`sampleAt ${input.sampleAt} is not an instant`);
      const none = { sampleAt: input.sampleAt, sessions: 0, started: 0, ended: 0, uploadBytes: 0, downloadBytes: 0, error: null };
      const loaded = await loadRouterTarget(sql, encryptionKey, ref);
      if ('missing' in loaded) {
        if (loaded.missing === 'gone') return { ...none, outcome: 'gone' };
        if (loaded.missing === 'disabled') return { ...none, outcome: 'disabled' };
        return { ...none, outcome: 'unreachable', error: 'the stored API password cannot be opened with this ENCRYPTION_KEY' };
      }
      let active: ActiveSessions;
      try {
        active = await gateway.readActiveSessions(loaded.target);
      } catch (error) {
        return { ...none, outcome: 'unreachable', error: describe(error) };
      }
      const { seen, unreadable } = observe(active);

      return sql.begin(async (tx) => {
        const last = await usage.lockCollection(tx, ref.tenantId, ref.routerId);
        if (last && last.getTime() >= sampleAt.getTime()) return { ...none, outcome: 'duplicate' as const };
        const stored = await usage.samples(tx, ref.tenantId, ref.routerId);
        const previous = new Map(stored.map((s) => [s.sessionKey, s]));
        const subscriptions = await usage.subscriptionIds(tx, ref.tenantId, seen);

        const perUser = new Map<string, UsageDelta>();
        let started = 0;
        for (const cur of seen) {
          const delta = sessionDelta(previous.get(cur.sessionKey), cur);
          if (delta.restarted) started++;
          const userKey = `${cur.service}:${cur.username}`;
          const sum = perUser.get(userKey) ?? { service: cur.service as UsageService, username: cur.username, subscriptionId: subscriptions.get(userKey) ?? null, uploadBytes: 0, downloadBytes: 0 };
          sum.uploadBytes += delta.upload;
          sum.downloadBytes += delta.download;
          perUser.set(userKey, sum);
        }
        const deltas = [...perUser.values()];
        await usage.addDeltas(tx, ref.tenantId, ref.routerId, sampleAt, deltas);

        const kept = stored.filter((s) => unreadable.has(s.sessionKey));
        await usage.replaceSamples(tx, ref.tenantId, ref.routerId, [...seen.map((s) => ({ ...s, sampledAt: sampleAt })), ...kept]);
        await usage.markCollected(tx, ref.tenantId, ref.routerId, sampleAt);
        const current = new Set([...seen.map((s) => s.sessionKey), ...unreadable]);
        return {
          ...none,
          outcome: 'recorded' as const,
          sessions: seen.length,
          started,
          ended: stored.filter((s) => !current.has(s.sessionKey)).length,
          uploadBytes: deltas.reduce((n, d) => n + d.uploadBytes, 0),
          downloadBytes: deltas.reduce((n, d) => n + d.downloadBytes, 0),
        };
      });
    },
  };
}

export type UsageActivities = ReturnType<typeof createUsageActivities>;
