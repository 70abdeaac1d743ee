import type { Sql } from '../../db/client';
import { audit } from '../../db/queries/audit';
import { packages } from '../../db/queries/packages';
import { routerHealth, type ReconcileCounts } from '../../db/queries/router-health';
import { createRouterActivities, routerProfileName, type RouterRef } from './activities';
import type { RouterGateway } from './gateway';
import { loadRouterTarget, SYSTEM_ACTOR } from './monitor';

/** One reconciliation pass's outcome (also the `reconcileNowUpdate` answer). */
export interface ReconcileResult extends ReconcileCounts {
  /** `done`, or why nothing was compared: the router is unreachable, disabled in Mtandao, or deleted. */
  outcome: 'done' | 'unreachable' | 'disabled' | 'gone';
  reconciliationId: number | null;
  profilesEnsured: number;
  /** Secrets on the router that no subscription on it accounts for: reported, never deleted. */
  extras: string[];
  /** Live PPPoE sessions of lapsed subscriptions ended this pass (with a disable, or alone when the secret was already off). */
  kicked: number;
  errors: string[];
}

/** A secret as the router lists it (no password). */
interface RouterSecret {
  name: string;
  profile: string;
  disabled: boolean;
  comment: string | null;
}

const OFF_STATUSES = new Set(['suspended', 'expired', 'cancelled']);

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The reconciliation activity. It compares what the database says the router should hold (active
 * PPPoE subscriptions: an enabled secret with the package's profile and the sealed password;
 * suspended, expired and cancelled ones: a disabled secret; the package profiles) with what the router
 * holds, fixes the drift through the gateway (upserts by name, so a retried pass changes nothing twice),
 * audits every fix as `router.drift_fixed` (including kicking the live PPPoE session of a lapsed subscription whose secret is already off), reports unknown secrets without deleting them, and records a
 * `router_reconciliations` row. Hotspot subscriptions are treated alike with `/ip/hotspot/user` (users of
 * lapsed subscriptions are disabled; their live hotspot sessions are not ended yet).
 */
export function createReconcileActivities({ sql, encryptionKey, gateway }: { sql: Sql; encryptionKey: Buffer; gateway: RouterGateway }) {
  const router = createRouterActivities({ sql, encryptionKey, gateway });

  async function fix(ref: RouterRef, name: string, before: unknown, after: Record<string, unknown>): Promise<void> {
    await audit.record(sql, { tenantId: ref.tenantId, actor: SYSTEM_ACTOR, action: 'router.drift_fixed', entityType: 'router', entityId: ref.routerId, before, after: { secret: name, ...after } });
  }

  const activities = {
    async reconcileRouter(ref: RouterRef): Promise<ReconcileResult> {
      const startedAt = new Date();
      const counts: ReconcileCounts = { created: 0, enabled: 0, disabled: 0, profileFixed: 0, extrasReported: 0 };
      const empty = { ...counts, reconciliationId: null, profilesEnsured: 0, extras: [], errors: [], kicked: 0 };
      const loaded = await loadRouterTarget(sql, encryptionKey, ref);
      if ('missing' in loaded && loaded.missing === 'gone') return { ...empty, outcome: 'gone' };
      if ('missing' in loaded && loaded.missing === 'disabled') return { ...empty, outcome: 'disabled' };

      const errors: string[] = [];
      const fixes: { name: string; what: string }[] = [];
      let actual: RouterSecret[] | undefined;
      let actualHotspot: RouterSecret[] = [];
      if ('target' in loaded) {
        try {
          const toSecret = ({ name, profile, disabled, comment }: RouterSecret): RouterSecret => ({ name, profile, disabled, comment });
          actual = (await gateway.listPppoeSecrets(loaded.target)).map(toSecret);
          actualHotspot = (await gateway.listHotspotUsers(loaded.target)).map(toSecret);
        } catch (error) {
          errors.push(`unreachable: ${describe(error)}`);
        }
      } else {
        errors.push('the stored API password cannot be opened with this ENCRYPTION_KEY');
      }
      if (!actual) {
        const reconciliationId = await routerHealth.recordReconciliation(sql, ref.tenantId, ref.routerId, { ...counts, startedAt, errors, details: { outcome: 'unreachable' } });
        return { ...empty, outcome: 'unreachable', reconciliationId, errors };
      }

      // A disabled secret does not end a session already up, so lapsed users can stay online until kicked.
      let online = new Set<string>();
      try {
        if ('target' in loaded) online = new Set((await gateway.readActiveSessions(loaded.target)).pppoe.map((s) => s.name));
      } catch (error) {
        errors.push(`active sessions: ${describe(error)}`);
      }
      let kicked = 0;

      const all = await routerHealth.desiredSecrets(sql, ref.tenantId, ref.routerId);
      const desired = all.filter((d) => d.packageKind === 'pppoe');
      const onRouter = new Map(actual.map((s) => [s.name, s]));

      // Package profiles first: a secret naming a missing profile is refused by the router.
      const profiles = new Map<string, string>();
      for (const packageId of new Set(desired.filter((d) => d.status === 'active').map((d) => d.packageId))) {
        try {
          const p = await packages.get(sql, ref.tenantId, packageId);
          if (!p) continue;
          await router.ensurePppoeProfile({ ...ref, packageId });
          profiles.set(packageId, routerProfileName(p));
        } catch (error) {
          errors.push(`profile for package ${packageId}: ${describe(error)}`);
        }
      }

      for (const d of desired) {
        const name = d.serviceUsername;
        const current = onRouter.get(name);
        try {
          if (d.status === 'active') {
            const profile = profiles.get(d.packageId);
            if (!profile) continue;
            if (!current) {
              await router.upsertPppoeSecret({ ...ref, name, passwordEnc: d.passwordEnc, profile, comment: d.accountNumber });
              counts.created++;
              fixes.push({ name, what: 'created' });
              await fix(ref, name, { secret: name, present: false }, { present: true, disabled: false, profile, subscriptionId: d.subscriptionId, fix: 'created' });
            } else if (current.profile !== profile) {
              await router.upsertPppoeSecret({ ...ref, name, passwordEnc: d.passwordEnc, profile, comment: d.accountNumber });
              counts.profileFixed++;
              if (current.disabled) counts.enabled++;
              fixes.push({ name, what: current.disabled ? 'profile_fixed+enabled' : 'profile_fixed' });
              await fix(ref, name, { secret: name, profile: current.profile, disabled: current.disabled }, { profile, disabled: false, subscriptionId: d.subscriptionId, fix: 'profile_fixed' });
            } else if (current.disabled) {
              await router.setPppoeSecretEnabled({ ...ref, name, enabled: true });
              counts.enabled++;
              fixes.push({ name, what: 'enabled' });
              await fix(ref, name, { secret: name, disabled: true }, { disabled: false, subscriptionId: d.subscriptionId, fix: 'enabled' });
            }
          } else if (OFF_STATUSES.has(d.status) && current && !current.disabled) {
            await router.setPppoeSecretEnabled({ ...ref, name, enabled: false });
            // Disabling does not end a live session: without the kick an expired customer stays online.
            const ended = await router.kickPppoeSession({ ...ref, name });
            kicked += ended.kicked;
            counts.disabled++;
            fixes.push({ name, what: 'disabled' });
            await fix(ref, name, { secret: name, disabled: false }, { disabled: true, kicked: ended.kicked, subscriptionStatus: d.status, subscriptionId: d.subscriptionId, fix: 'disabled' });
          } else if (OFF_STATUSES.has(d.status) && online.has(name)) {
            const ended = await router.kickPppoeSession({ ...ref, name });
            if (ended.kicked === 0) continue;
            kicked += ended.kicked;
            fixes.push({ name, what: 'kicked' });
            await fix(ref, name, { secret: name, disabled: current?.disabled ?? null, online: true }, { online: false, kicked: ended.kicked, subscriptionStatus: d.status, subscriptionId: d.subscriptionId, fix: 'kicked' });
          }
        } catch (error) {
          errors.push(`${name}: ${describe(error)}`);
        }
      }

      // Hotspot subscriptions: a user per subscription, enabled with its package profile while active.
      const hotspotDesired = all.filter((d) => d.packageKind === 'hotspot');
      const hotspotOnRouter = new Map(actualHotspot.map((u) => [u.name, u]));
      const hotspotProfiles = new Map<string, string>();
      for (const packageId of new Set(hotspotDesired.filter((d) => d.status === 'active').map((d) => d.packageId))) {
        try {
          const p = await packages.get(sql, ref.tenantId, packageId);
          if (!p) continue;
          await router.ensureHotspotProfile({ ...ref, packageId });
          hotspotProfiles.set(packageId, routerProfileName(p));
        } catch (error) {
          errors.push(`hotspot profile for package ${packageId}: ${describe(error)}`);
        }
      }
      for (const d of hotspotDesired) {
        const name = d.serviceUsername;
        const current = hotspotOnRouter.get(name);
        const what = `hotspot:${name}`;
        try {
          if (d.status === 'active') {
            const profile = hotspotProfiles.get(d.packageId);
            if (!profile || (current && !current.disabled && current.profile === profile)) continue;
            await router.upsertHotspotUser({ ...ref, name, passwordEnc: d.passwordEnc, profile, disabled: false, comment: d.accountNumber });
            const fixKind = !current ? 'created' : current.profile !== profile ? 'profile_fixed' : 'enabled';
            if (fixKind === 'created') counts.created++;
            if (fixKind === 'profile_fixed') counts.profileFixed++;
            if (current?.disabled) counts.enabled++;
            fixes.push({ name: what, what: fixKind });
            await fix(ref, what, current ? { user: name, profile: current.profile, disabled: current.disabled } : { user: name, present: false }, { profile, disabled: false, subscriptionId: d.subscriptionId, fix: fixKind });
          } else if (OFF_STATUSES.has(d.status) && current && !current.disabled) {
            await router.upsertHotspotUser({ ...ref, name, passwordEnc: d.passwordEnc, profile: current.profile, disabled: true });
            counts.disabled++;
            fixes.push({ name: what, what: 'disabled' });
            await fix(ref, what, { user: name, disabled: false }, { disabled: true, subscriptionStatus: d.status, subscriptionId: d.subscriptionId, fix: 'disabled' });
          }
        } catch (error) {
          errors.push(`${what}: ${describe(error)}`);
        }
      }

      const known = new Set(desired.map((d) => d.serviceUsername));
      const knownHotspot = new Set(hotspotDesired.map((d) => d.serviceUsername));
      const extras = [
        ...actual.map((s) => s.name).filter((n) => !known.has(n)),
        ...actualHotspot.map((u) => u.name).filter((n) => !knownHotspot.has(n)).map((n) => `hotspot:${n}`),
      ].sort();
      counts.extrasReported = extras.length;
      const reconciliationId = await routerHealth.recordReconciliation(sql, ref.tenantId, ref.routerId, {
        ...counts,
        startedAt,
        errors,
        details: { outcome: 'done', fixes, extras, kicked, profilesEnsured: profiles.size + hotspotProfiles.size, secretsOnRouter: actual.length, hotspotUsersOnRouter: actualHotspot.length, subscriptions: all.length },
      });
      return { ...counts, outcome: 'done', reconciliationId, profilesEnsured: profiles.size + hotspotProfiles.size, extras, errors, kicked };
    },
  };
  return activities;
}

export type ReconcileActivities = ReturnType<typeof createReconcileActivities>;
