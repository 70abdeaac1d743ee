import type { RouterTarget } from './connection-pool';

export type { RouterTarget } from './connection-pool';

/** `/ppp/profile` as Mtandao manages it: one per package, named by `pppoeProfileName`. */
export interface PppoeProfileSpec {
  name: string;
  /** MikroTik syntax, see rate-limit.ts. */
  rateLimit: string;
  localAddress?: string;
  /** A pool name or an address. */
  remoteAddress?: string;
  onlyOne?: boolean;
  comment?: string;
}

export interface PppoeProfile {
  id: string;
  name: string;
  rateLimit: string | null;
  localAddress: string | null;
  remoteAddress: string | null;
  onlyOne: string | null;
  comment: string | null;
}

export interface PppoeSecretSpec {
  name: string;
  password: string;
  profile: string;
  /** Default `pppoe`. */
  service?: 'pppoe' | 'any';
  /** A static address for the subscriber; `undefined` leaves the router's value alone. */
  remoteAddress?: string;
  /** Lock to a CPE MAC; `undefined` leaves the router's value alone, `''` clears it. */
  callerId?: string;
  /** Default false: an upsert (re)enables the secret unless told otherwise. */
  disabled?: boolean;
  comment?: string;
}

/** What the router holds for a secret. The password is never returned: results land in workflow history. */
export interface PppoeSecret {
  id: string;
  name: string;
  profile: string;
  service: string;
  disabled: boolean;
  remoteAddress: string | null;
  callerId: string | null;
  comment: string | null;
}

export interface HotspotProfileSpec {
  name: string;
  rateLimit: string;
  sharedUsers: number;
  sessionTimeout?: string;
  comment?: string;
}

export interface HotspotProfile {
  id: string;
  name: string;
  rateLimit: string | null;
  sharedUsers: number;
  sessionTimeout: string | null;
}

export interface HotspotUserSpec {
  name: string;
  password: string;
  profile: string;
  /** RouterOS duration, e.g. `1h`, `1d`, `1w`. */
  limitUptime?: string;
  limitBytesTotal?: number;
  /** Lock to one device; `null` removes the lock (`00:00:00:00:00:00`), `undefined` leaves it. */
  macAddress?: string | null;
  disabled?: boolean;
  comment?: string;
}

export interface HotspotUser {
  id: string;
  name: string;
  profile: string;
  limitUptime: string | null;
  limitBytesTotal: number | null;
  macAddress: string | null;
  disabled: boolean;
  comment: string | null;
  /** Cumulative over all sessions. */
  uptime: string | null;
  bytesIn: number;
  bytesOut: number;
}

export interface HotspotLogin {
  user: string;
  password: string;
  /** The device's address on the hotspot network and/or its MAC, as the portal saw them. */
  ip?: string;
  mac?: string;
}

/** Byte counters are the subscriber's view: upload is what the router received from them. */
export interface PppoeSession {
  id: string;
  name: string;
  address: string | null;
  callerId: string | null;
  uptime: string | null;
  sessionId: string | null;
  /** From the dynamic `<pppoe-NAME>` interface (`rx-byte`/`tx-byte`); null when it is not listed. */
  uploadBytes: number | null;
  downloadBytes: number | null;
}

export interface HotspotSession {
  id: string;
  user: string;
  address: string | null;
  macAddress: string | null;
  loginBy: string | null;
  uptime: string | null;
  sessionTimeLeft: string | null;
  uploadBytes: number;
  downloadBytes: number;
}

export interface ActiveSessions {
  /** When the router was read (ISO), to turn counter deltas into rates. */
  readAt: string;
  pppoe: PppoeSession[];
  hotspot: HotspotSession[];
}

export interface RouterHealth {
  identity: string;
  version: string | null;
  boardName: string | null;
  architecture: string | null;
  uptime: string | null;
  uptimeSeconds: number | null;
  cpuLoadPercent: number | null;
  cpuCount: number | null;
  freeMemoryBytes: number | null;
  totalMemoryBytes: number | null;
  readAt: string;
}

/**
 * Everything Mtandao does to a MikroTik router. Every write is an upsert by name followed by a read-back
 * and returns what the router now holds; removes are idempotent. Failures are classified (failures.ts):
 * non-retryable `ApplicationFailure`s for configuration and input problems, `RouterUnreachable` otherwise.
 */
export interface RouterGateway {
  ensurePppoeProfile(router: RouterTarget, spec: PppoeProfileSpec): Promise<PppoeProfile>;
  upsertPppoeSecret(router: RouterTarget, spec: PppoeSecretSpec): Promise<PppoeSecret>;
  /** Null when the router has no such secret. Disabling does not drop a live session: kick it too. */
  setPppoeSecretEnabled(router: RouterTarget, name: string, enabled: boolean): Promise<PppoeSecret | null>;
  removePppoeSecret(router: RouterTarget, name: string): Promise<{ removed: number }>;
  /** Removes every `/ppp/active` row of that user (disconnects them). */
  kickPppoeSession(router: RouterTarget, name: string): Promise<{ kicked: number }>;
  ensureHotspotProfile(router: RouterTarget, spec: HotspotProfileSpec): Promise<HotspotProfile>;
  upsertHotspotUser(router: RouterTarget, spec: HotspotUserSpec): Promise<HotspotUser>;
  /** Also ends that user's active hotspot sessions. */
  removeHotspotUser(router: RouterTarget, name: string): Promise<{ removed: number; kicked: number }>;
  loginHotspotDevice(router: RouterTarget, login: HotspotLogin): Promise<HotspotSession>;
  /** Ends the user's active hotspot sessions but keeps the user (a guest's "log out"). */
  kickHotspotSession(router: RouterTarget, name: string): Promise<{ kicked: number }>;
  /** Everything the router holds, for reconciliation against what the database says it should. */
  listPppoeSecrets(router: RouterTarget): Promise<PppoeSecret[]>;
  listHotspotUsers(router: RouterTarget): Promise<HotspotUser[]>;
  readActiveSessions(router: RouterTarget): Promise<ActiveSessions>;
  readHealth(router: RouterTarget): Promise<RouterHealth>;
  close(): Promise<void>;
}
