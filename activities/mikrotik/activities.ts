import type { Worker } from '@temporalio/worker';
import type { Sql } from '../../db/client';
import { decryptSecret } from '../../db/encryption';
import { packages, type Package } from '../../db/queries/packages';
import { routers } from '../../db/queries/routers';
import type { RouterTarget } from './connection-pool';
import { refuse, ROUTER_FAILURES } from './failures';
import type { HotspotUserSpec, PppoeSecretSpec, RouterGateway } from './gateway';
import { rateLimitFor } from './rate-limit';
import { createRouterOsGateway } from './routeros-gateway';

/** Which router: activities load its address and credentials themselves, so none pass through history. */
export interface RouterRef {
  tenantId: string;
  routerId: string;
}

/**
 * A password as the workflow may carry it: preferably `passwordEnc`, the sealed value from the database
 * (subscriptions.service_password_enc), which only the worker opens; clear text only for throwaway values.
 */
export type PasswordInput = { passwordEnc: string; password?: never } | { password: string; passwordEnc?: never };

export type UpsertPppoeSecretInput = RouterRef & Omit<PppoeSecretSpec, 'password'> & PasswordInput;
export type UpsertHotspotUserInput = RouterRef & Omit<HotspotUserSpec, 'password'> & PasswordInput;

/** The `/ppp/profile` (and hotspot user profile) name of a package: stable across renames. */
export function routerProfileName(pkg: Pick<Package, 'id'>): string {
  return `mtandao-${pkg.id.slice(0, 8)}`;
}

/**
 * The router activities. Each takes a router id (and tenant id), loads host, port, TLS, user and
 * password from the routers table, and goes through the pooled gateway. Writes are upserts by name
 * with a read-back, so at-least-once execution and retries never duplicate anything.
 */
export function createRouterActivities({ sql, encryptionKey, gateway = createRouterOsGateway() }: { sql: Sql; encryptionKey: Buffer; gateway?: RouterGateway }) {
  async function target(ref: RouterRef): Promise<RouterTarget> {
    const row = await routers.connection(sql, ref.tenantId, ref.routerId);
    if (!row) throw refuse(`no router ${ref.routerId} in this ISP`, ROUTER_FAILURES.routerNotFound);
    if (row.status === 'disabled') throw refuse(`router "${row.name}" is disabled in Mtandao`, ROUTER_FAILURES.routerNotFound);
    let password: string;
    try {
      password = decryptSecret(row.passwordEnc, encryptionKey);
    } catch {
      throw refuse(`router "${row.name}": its stored API password cannot be opened with this ENCRYPTION_KEY; enter it again`, ROUTER_FAILURES.authFailed);
    }
    return { id: row.id, name: row.name, host: row.host, port: row.apiPort, tls: row.useTls, username: row.username, password };
  }

  function open(input: PasswordInput, what: string): string {
    if (input.password !== undefined) return input.password;
    try {
      return decryptSecret(input.passwordEnc, encryptionKey);
    } catch {
      throw refuse(`${what}: the sealed password cannot be opened with this ENCRYPTION_KEY`, ROUTER_FAILURES.invalidInput);
    }
  }

  async function pkg(ref: RouterRef, packageId: string, kind: Package['kind']): Promise<Package> {
    const found = await packages.get(sql, ref.tenantId, packageId);
    if (!found) throw refuse(`no package ${packageId} in this ISP`, ROUTER_FAILURES.invalidInput);
    if (found.kind !== kind) throw refuse(`package "${found.name}" is a ${found.kind} package, not ${kind}`, ROUTER_FAILURES.invalidInput);
    return found;
  }

  function rateLimit(p: Package): string {
    try {
      return rateLimitFor(p);
    } catch (error) {
      throw refuse(`package "${p.name}": ${(error as Error).message}`, ROUTER_FAILURES.invalidInput);
    }
  }

  return {
    /** `/ppp/profile` for a PPPoE package: rate-limit from its speeds and burst. */
    async ensurePppoeProfile(input: RouterRef & { packageId: string; localAddress?: string; remoteAddress?: string }) {
      const p = await pkg(input, input.packageId, 'pppoe');
      return gateway.ensurePppoeProfile(await target(input), {
        name: routerProfileName(p),
        rateLimit: rateLimit(p),
        comment: p.name,
        onlyOne: true,
        ...(input.localAddress !== undefined ? { localAddress: input.localAddress } : {}),
        ...(input.remoteAddress !== undefined ? { remoteAddress: input.remoteAddress } : {}),
      });
    },

    async upsertPppoeSecret(input: UpsertPppoeSecretInput) {
      const { tenantId: _t, routerId: _r, password: _p, passwordEnc: _e, ...spec } = input;
      return gateway.upsertPppoeSecret(await target(input), { ...spec, password: open(input, `PPPoE secret ${input.name}`) });
    },

    async setPppoeSecretEnabled(input: RouterRef & { name: string; enabled: boolean }) {
      return gateway.setPppoeSecretEnabled(await target(input), input.name, input.enabled);
    },

    async removePppoeSecret(input: RouterRef & { name: string }) {
      return gateway.removePppoeSecret(await target(input), input.name);
    },

    async kickPppoeSession(input: RouterRef & { name: string }) {
      return gateway.kickPppoeSession(await target(input), input.name);
    },

    /** `/ip/hotspot/user/profile` for a hotspot package: rate-limit and shared users (devices). */
    async ensureHotspotProfile(input: RouterRef & { packageId: string }) {
      const p = await pkg(input, input.packageId, 'hotspot');
      return gateway.ensureHotspotProfile(await target(input), { name: routerProfileName(p), rateLimit: rateLimit(p), sharedUsers: p.sharedDevices });
    },

    async upsertHotspotUser(input: UpsertHotspotUserInput) {
      const { tenantId: _t, routerId: _r, password: _p, passwordEnc: _e, ...spec } = input;
      return gateway.upsertHotspotUser(await target(input), { ...spec, password: open(input, `hotspot user ${input.name}`) });
    },

    async removeHotspotUser(input: RouterRef & { name: string }) {
      return gateway.removeHotspotUser(await target(input), input.name);
    },

    async loginHotspotDevice(input: RouterRef & { user: string; ip?: string; mac?: string } & PasswordInput) {
      return gateway.loginHotspotDevice(await target(input), {
        user: input.user,
        password: open(input, `hotspot user ${input.user}`),
        ...(input.ip ? { ip: input.ip } : {}),
        ...(input.mac ? { mac: input.mac } : {}),
      });
    },

    /** The user's cumulative counters (all sessions), or null when the router has no such user. */
    async readHotspotUser(input: RouterRef & { name: string }) {
      return (await gateway.listHotspotUsers(await target(input))).find((u) => u.name === input.name) ?? null;
    },

    async kickHotspotSession(input: RouterRef & { name: string }) {
      return gateway.kickHotspotSession(await target(input), input.name);
    },

    async readActiveSessions(input: RouterRef) {
      return gateway.readActiveSessions(await target(input));
    },

    /** Resources and identity; also records the router online (or offline, then rethrows). */
    async readRouterHealth(input: RouterRef) {
      const t = await target(input);
      try {
        const health = await gateway.readHealth(t);
        await routers.recordHealth(sql, input.tenantId, input.routerId, true);
        return health;
      } catch (error) {
        await routers.recordHealth(sql, input.tenantId, input.routerId, false).catch(() => undefined);
        throw error;
      }
    },
  };
}

export type RouterActivities = ReturnType<typeof createRouterActivities>;

/** Closes the gateway's pooled router connections once the worker has stopped. */
export function closeGatewayWithWorker(worker: Worker, gateway: RouterGateway): Worker {
  const run = worker.run.bind(worker);
  worker.run = () => run().finally(() => gateway.close());
  return worker;
}
