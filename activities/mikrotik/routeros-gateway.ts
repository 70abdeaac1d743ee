import { ConnectionPool, type PoolOptions, type RouterSession } from './connection-pool';
import { classifyRouterError, refuse, ROUTER_FAILURES, RouterReadBackMismatch } from './failures';
import type {
  ActiveSessions,
  HotspotProfile,
  HotspotSession,
  HotspotUser,
  PppoeProfile,
  PppoeSecret,
  RouterGateway,
  RouterHealth,
} from './gateway';
import { normalizeRateLimit } from './rate-limit';

type Row = Record<string, string>;

const ANY_MAC = '00:00:00:00:00:00';
/** Properties a router may keep to itself on print; they are written whenever print does not show them. */
const WRITE_ONLY = new Set(['password']);

/** The RouterGateway on node-routeros 1.6.9: pooled connections, per-call deadlines, the `!empty` guard. */
export function createRouterOsGateway(options: PoolOptions = {}): RouterGateway & { stats(): ReturnType<ConnectionPool['stats']> } {
  const pool = new ConnectionPool(options);

  return {
    stats: () => pool.stats(),
    close: () => pool.close(),

    async ensurePppoeProfile(router, spec) {
      checkName(spec.name, 'PPPoE profile');
      const desired: Row = { 'rate-limit': spec.rateLimit };
      if (spec.localAddress !== undefined) desired['local-address'] = spec.localAddress;
      if (spec.remoteAddress !== undefined) desired['remote-address'] = spec.remoteAddress;
      if (spec.onlyOne !== undefined) desired['only-one'] = spec.onlyOne ? 'yes' : 'no';
      if (spec.comment !== undefined) desired.comment = spec.comment;
      return pool.run(router, `ensuring PPPoE profile ${spec.name}`, async (s) => toPppoeProfile(await upsertByName(s, '/ppp/profile', spec.name, desired)));
    },

    async upsertPppoeSecret(router, spec) {
      checkName(spec.name, 'PPPoE user name');
      if (!spec.password) throw refuse(`PPPoE secret ${spec.name} needs a password`, ROUTER_FAILURES.invalidInput);
      const desired: Row = { password: spec.password, profile: spec.profile, service: spec.service ?? 'pppoe', disabled: spec.disabled ? 'yes' : 'no' };
      if (spec.remoteAddress !== undefined) desired['remote-address'] = spec.remoteAddress;
      if (spec.callerId !== undefined) desired['caller-id'] = spec.callerId;
      if (spec.comment !== undefined) desired.comment = spec.comment;
      return pool.run(router, `upserting PPPoE secret ${spec.name}`, async (s) => toPppoeSecret(await upsertByName(s, '/ppp/secret', spec.name, desired)));
    },

    async setPppoeSecretEnabled(router, name, enabled) {
      checkName(name, 'PPPoE user name');
      return pool.run(router, `${enabled ? 'enabling' : 'disabling'} PPPoE secret ${name}`, async (s) => {
        const current = await findByName(s, '/ppp/secret', name);
        if (!current) return null;
        if (bool(current.disabled) === enabled) await s.write('/ppp/secret/set', [`=.id=${current['.id']}`, `=disabled=${enabled ? 'no' : 'yes'}`]);
        const after = await findByName(s, '/ppp/secret', name);
        if (!after) return null;
        if (bool(after.disabled) === enabled) throw new RouterReadBackMismatch(`PPPoE secret ${name} still reads disabled=${after.disabled} after the change`);
        return toPppoeSecret(after);
      });
    },

    async removePppoeSecret(router, name) {
      checkName(name, 'PPPoE user name');
      return pool.run(router, `removing PPPoE secret ${name}`, async (s) => ({ removed: await removeWhere(s, '/ppp/secret', [`?name=${name}`]) }));
    },

    async kickPppoeSession(router, name) {
      checkName(name, 'PPPoE user name');
      return pool.run(router, `disconnecting PPPoE user ${name}`, async (s) => ({ kicked: await removeWhere(s, '/ppp/active', [`?name=${name}`]) }));
    },

    async ensureHotspotProfile(router, spec) {
      checkName(spec.name, 'hotspot profile');
      if (!Number.isInteger(spec.sharedUsers) || spec.sharedUsers < 1) throw refuse(`hotspot profile ${spec.name}: shared users must be 1 or more`, ROUTER_FAILURES.invalidInput);
      const desired: Row = { 'rate-limit': spec.rateLimit, 'shared-users': String(spec.sharedUsers) };
      if (spec.sessionTimeout !== undefined) desired['session-timeout'] = checkDuration(spec.sessionTimeout, `hotspot profile ${spec.name}: session-timeout`);
      return pool.run(router, `ensuring hotspot profile ${spec.name}`, async (s) => toHotspotProfile(await upsertByName(s, '/ip/hotspot/user/profile', spec.name, desired)));
    },

    async upsertHotspotUser(router, spec) {
      checkName(spec.name, 'hotspot user name');
      const desired: Row = { password: spec.password, profile: spec.profile, disabled: spec.disabled ? 'yes' : 'no' };
      if (spec.limitUptime !== undefined) desired['limit-uptime'] = checkDuration(spec.limitUptime, `hotspot user ${spec.name}: limit-uptime`);
      if (spec.limitBytesTotal !== undefined) {
        if (!Number.isSafeInteger(spec.limitBytesTotal) || spec.limitBytesTotal < 0) throw refuse(`hotspot user ${spec.name}: limit-bytes-total must be a whole number of bytes`, ROUTER_FAILURES.invalidInput);
        desired['limit-bytes-total'] = String(spec.limitBytesTotal);
      }
      if (spec.macAddress !== undefined) {
        const mac = spec.macAddress === null ? ANY_MAC : spec.macAddress.toUpperCase();
        if (!/^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/.test(mac)) throw refuse(`hotspot user ${spec.name}: ${spec.macAddress} is not a MAC address`, ROUTER_FAILURES.invalidInput);
        desired['mac-address'] = mac;
      }
      if (spec.comment !== undefined) desired.comment = spec.comment;
      return pool.run(router, `upserting hotspot user ${spec.name}`, async (s) => toHotspotUser(await upsertByName(s, '/ip/hotspot/user', spec.name, desired)));
    },

    async removeHotspotUser(router, name) {
      checkName(name, 'hotspot user name');
      return pool.run(router, `removing hotspot user ${name}`, async (s) => {
        const removed = await removeWhere(s, '/ip/hotspot/user', [`?name=${name}`]);
        const kicked = await removeWhere(s, '/ip/hotspot/active', [`?user=${name}`]);
        return { removed, kicked };
      });
    },

    async kickHotspotSession(router, name) {
      checkName(name, 'hotspot user name');
      return pool.run(router, `ending hotspot sessions of ${name}`, async (s) => ({ kicked: await removeWhere(s, '/ip/hotspot/active', [`?user=${name}`]) }));
    },

    async loginHotspotDevice(router, login) {
      checkName(login.user, 'hotspot user name');
      if (!login.ip && !login.mac) throw refuse('a hotspot login needs the device IP or MAC address', ROUTER_FAILURES.invalidInput);
      const mac = login.mac?.toUpperCase();
      const words = [`=user=${login.user}`, `=password=${login.password}`, ...(login.ip ? [`=ip=${login.ip}`] : []), ...(mac ? [`=mac-address=${mac}`] : [])];
      try {
        return await pool.run(router, `logging ${login.user} in on the hotspot`, async (s) => {
          try {
            await s.write('/ip/hotspot/active/login', words);
          } catch (error) {
            // A trap here is the hotspot refusing the device, not a broken connection.
            if (isTrap(error)) throw classifyRouterError(error, router, `logging ${login.user} in on the hotspot`, { hotspotLogin: true });
            throw error;
          }
          const rows = await s.write('/ip/hotspot/active/print', [`?user=${login.user}`]);
          const row = rows.find((r) => (!mac || r['mac-address']?.toUpperCase() === mac) && (!login.ip || r.address === login.ip));
          if (!row) throw new RouterReadBackMismatch(`the hotspot accepted ${login.user} but lists no active session for that device`);
          return toHotspotSession(row);
        });
      } catch (error) {
        throw classifyRouterError(error, router, `logging ${login.user} in on the hotspot`);
      }
    },

    async listPppoeSecrets(router) {
      return pool.run(router, 'listing PPPoE secrets', async (s) => (await s.write('/ppp/secret/print')).map(toPppoeSecret));
    },
    async listHotspotUsers(router) {
      return pool.run(router, 'listing hotspot users', async (s) => (await s.write('/ip/hotspot/user/print')).map(toHotspotUser));
    },
    async readActiveSessions(router) {
      return pool.run(router, 'reading active sessions', async (s): Promise<ActiveSessions> => {
        const ppp = await s.write('/ppp/active/print');
        const interfaces = ppp.length > 0 ? await s.write('/interface/print', ['?type=pppoe-in', '=.proplist=name,rx-byte,tx-byte']) : [];
        const hotspot = await s.write('/ip/hotspot/active/print');
        const counters = new Map(interfaces.map((i) => [i.name, i]));
        return {
          readAt: new Date().toISOString(),
          pppoe: ppp.map((row) => {
            const iface = counters.get(`<pppoe-${row.name}>`);
            return {
              id: row['.id'] ?? '',
              name: row.name ?? '',
              address: row.address ?? null,
              callerId: row['caller-id'] ?? null,
              uptime: row.uptime ?? null,
              sessionId: row['session-id'] ?? null,
              // rx is what the router received from the subscriber: their upload.
              uploadBytes: iface ? num(iface['rx-byte']) : null,
              downloadBytes: iface ? num(iface['tx-byte']) : null,
            };
          }),
          hotspot: hotspot.map(toHotspotSession),
        };
      });
    },

    async readHealth(router) {
      return pool.run(router, 'reading resources', async (s): Promise<RouterHealth> => {
        const [resource] = await s.write('/system/resource/print');
        const [identity] = await s.write('/system/identity/print');
        const r = resource ?? {};
        const uptimeSeconds = r.uptime ? durationSeconds(r.uptime) : undefined;
        return {
          identity: identity?.name ?? '',
          version: r.version ?? null,
          boardName: r['board-name'] ?? null,
          architecture: r['architecture-name'] ?? null,
          uptime: r.uptime ?? null,
          uptimeSeconds: uptimeSeconds ?? null,
          cpuLoadPercent: numOrNull(r['cpu-load']),
          cpuCount: numOrNull(r['cpu-count']),
          freeMemoryBytes: numOrNull(r['free-memory']),
          totalMemoryBytes: numOrNull(r['total-memory']),
          readAt: new Date().toISOString(),
        };
      });
    },
  };
}

/**
 * Print by name; add when missing, set only what differs; then print again and check the router kept
 * every value. A concurrent add of the same name (a retried activity racing its first attempt) turns
 * into a set.
 */
async function upsertByName(s: RouterSession, menu: string, name: string, desired: Row): Promise<Row> {
  const current = await findByName(s, menu, name);
  if (!current) {
    try {
      await s.write(`${menu}/add`, [`=name=${name}`, ...words(desired)]);
    } catch (error) {
      if (!(isTrap(error) && /already (exists|have)/i.test(error.message))) throw error;
      const raced = await findByName(s, menu, name);
      if (!raced) throw error;
      await setChanged(s, menu, raced, desired);
    }
  } else {
    await setChanged(s, menu, current, desired);
  }
  const after = await findByName(s, menu, name);
  if (!after) throw new RouterReadBackMismatch(`${menu} ${name} is missing right after it was written`);
  const wrong = Object.keys(desired).filter((key) => !(WRITE_ONLY.has(key) && after[key] === undefined) && !same(key, after[key], desired[key]!));
  if (wrong.length > 0) {
    throw new RouterReadBackMismatch(`${menu} ${name} reads back ${wrong.map((k) => `${k}=${after[k] ?? '(unset)'} instead of ${k === 'password' ? '(the password)' : desired[k]}`).join(', ')}`);
  }
  return after;
}

async function setChanged(s: RouterSession, menu: string, current: Row, desired: Row): Promise<void> {
  const changed = Object.fromEntries(Object.entries(desired).filter(([key, value]) => !same(key, current[key], value)));
  if (Object.keys(changed).length > 0) await s.write(`${menu}/set`, [`=.id=${current['.id']}`, ...words(changed)]);
}

async function findByName(s: RouterSession, menu: string, name: string): Promise<Row | undefined> {
  const rows = await s.write(`${menu}/print`, [`?name=${name}`]);
  return rows[0];
}

/** Removes every row the query matches; one that vanished in between counts as removed by someone else. */
async function removeWhere(s: RouterSession, menu: string, query: string[]): Promise<number> {
  const rows = await s.write(`${menu}/print`, [...query, '=.proplist=.id']);
  let removed = 0;
  for (const row of rows) {
    try {
      await s.write(`${menu}/remove`, [`=.id=${row['.id']}`]);
      removed++;
    } catch (error) {
      if (!(isTrap(error) && /no such item/i.test(error.message))) throw error;
    }
  }
  return removed;
}

function words(values: Row): string[] {
  return Object.entries(values).map(([key, value]) => `=${key}=${value}`);
}

/** Equal as RouterOS means it: booleans in any spelling, rates in any unit, durations in any form, MACs in any case. */
function same(key: string, got: string | undefined, want: string): boolean {
  if (got === undefined) return want === '' && !WRITE_ONLY.has(key);
  if (key === 'disabled' || key === 'only-one') return canonicalBool(got) === canonicalBool(want);
  if (key === 'rate-limit') return normalizeRateLimit(got) === normalizeRateLimit(want);
  if (key === 'limit-uptime' || key === 'session-timeout') return durationSeconds(got) === durationSeconds(want) && durationSeconds(got) !== undefined;
  if (key === 'mac-address' || key === 'caller-id') return got.toUpperCase() === want.toUpperCase();
  return got === want;
}

function canonicalBool(value: string): string {
  return value === 'yes' || value === 'true' ? 'true' : value === 'no' || value === 'false' ? 'false' : value;
}

function bool(value: string | undefined): boolean {
  return value === 'true' || value === 'yes';
}

/** Seconds in `1d2h3m4s`, `1w`, `01:00:00`, `90`; undefined otherwise. */
export function durationSeconds(text: string): number | undefined {
  const clock = /^(?:(\d+)d)?(\d+):(\d{1,2}):(\d{1,2})$/.exec(text);
  if (clock) return Number(clock[1] ?? 0) * 86_400 + Number(clock[2]) * 3600 + Number(clock[3]) * 60 + Number(clock[4]);
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^(\d+(w|d|h|m|s|ms))+$/.test(text)) return undefined;
  const unit: Record<string, number> = { w: 604_800, d: 86_400, h: 3600, m: 60, s: 1, ms: 0.001 };
  let total = 0;
  for (const [, count, u] of text.matchAll(/(\d+)(ms|w|d|h|m|s)/g)) total += Number(count) * unit[u!]!;
  return total;
}

function isTrap(error: unknown): error is Error {
  // node-routeros turns a `!trap` into a plain Error carrying the router's message (facts §3.5).
  return error instanceof Error && error.constructor === Error;
}

function checkDuration(text: string, what: string): string {
  if (durationSeconds(text) === undefined) throw refuse(`${what} "${text}" is not a RouterOS duration such as 1h, 1d or 1w`, ROUTER_FAILURES.invalidInput);
  return text;
}

function checkName(name: string, what: string): void {
  if (!name || name.length > 64 || /[\s=?]|[^\x21-\x7e]/.test(name)) {
    throw refuse(`${what} "${name}" must be 1–64 printable characters without spaces, = or ?`, ROUTER_FAILURES.invalidInput);
  }
}

function num(value: string | undefined): number {
  return numOrNull(value) ?? 0;
}

function numOrNull(value: string | undefined): number | null {
  if (value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function orNull(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

function toPppoeProfile(row: Row): PppoeProfile {
  return {
    id: row['.id'] ?? '',
    name: row.name ?? '',
    rateLimit: orNull(row['rate-limit']),
    localAddress: orNull(row['local-address']),
    remoteAddress: orNull(row['remote-address']),
    onlyOne: orNull(row['only-one']),
    comment: orNull(row.comment),
  };
}

function toPppoeSecret(row: Row): PppoeSecret {
  return {
    id: row['.id'] ?? '',
    name: row.name ?? '',
    profile: row.profile ?? 'default',
    service: row.service ?? 'any',
    disabled: bool(row.disabled),
    remoteAddress: orNull(row['remote-address']),
    callerId: orNull(row['caller-id']),
    comment: orNull(row.comment),
  };
}

function toHotspotProfile(row: Row): HotspotProfile {
  return {
    id: row['.id'] ?? '',
    name: row.name ?? '',
    rateLimit: orNull(row['rate-limit']),
    sharedUsers: numOrNull(row['shared-users']) ?? 1,
    sessionTimeout: orNull(row['session-timeout']),
  };
}

function toHotspotUser(row: Row): HotspotUser {
  return {
    id: row['.id'] ?? '',
    name: row.name ?? '',
    profile: row.profile ?? 'default',
    limitUptime: orNull(row['limit-uptime']),
    limitBytesTotal: numOrNull(row['limit-bytes-total']),
    macAddress: row['mac-address'] && row['mac-address'] !== ANY_MAC ? row['mac-address'] : null,
    disabled: bool(row.disabled),
    comment: orNull(row.comment),
    uptime: orNull(row.uptime),
    bytesIn: num(row['bytes-in']),
    bytesOut: num(row['bytes-out']),
  };
}

function toHotspotSession(row: Row): HotspotSession {
  return {
    id: row['.id'] ?? '',
    user: row.user ?? '',
    address: orNull(row.address),
    macAddress: orNull(row['mac-address']),
    loginBy: orNull(row['login-by']),
    uptime: orNull(row.uptime),
    sessionTimeLeft: orNull(row['session-time-left']),
    // bytes-in is what the router received from the device: its upload.
    uploadBytes: num(row['bytes-in']),
    downloadBytes: num(row['bytes-out']),
  };
}
