import { randomInt } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { Sql } from '../../db/client';
import { decryptSecret, encryptSecret } from '../../db/encryption';
import { audit } from '../../db/queries/audit';
import { billing, renew, type InvoiceKind, type RenewResult } from '../../db/queries/billing';
import { lifecycle, type LifecycleSnapshot } from '../../db/queries/lifecycle';
import { packages } from '../../db/queries/packages';
import type { Validity } from '../../domain/periods';
import type { NotifyInput, NotifyResult } from '../sms/notify';
import type { RouterActivities } from '../mikrotik/activities';
import { routerProfileName } from '../mikrotik/activities';
import type { LifecycleActor, LifecycleStage } from '../../workflows/customer-lifecycle/messages';

export interface CustomerRef {
  tenantId: string;
  customerId: string;
}

export interface PackageTerms {
  id: string;
  name: string;
  priceCents: number;
  validity: Validity;
}

const SUBSCRIPTION_STATUS: Partial<Record<LifecycleStage, string>> = {
  awaiting_payment: 'pending',
  active: 'active',
  suspended: 'suspended',
  paused: 'paused',
  terminated: 'cancelled',
};

const PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, 'LifecycleInvalidInput');
}

function actorLabel(actor: LifecycleActor): { id: string | null; label: string } {
  return actor.kind === 'staff' ? { id: actor.staffId, label: actor.name } : { id: null, label: `customer ${actor.name}` };
}

/**
 * The customer lifecycle's database and router steps. Every one is idempotent: keyed writes (invoice and
 * timeline keys from the workflow id + cycle + step) or state-setting upserts, so a retry changes nothing.
 */
export function createLifecycleActivities(deps: {
  sql: Sql;
  encryptionKey: Buffer;
  router: Pick<RouterActivities, 'ensurePppoeProfile' | 'upsertPppoeSecret' | 'setPppoeSecretEnabled' | 'kickPppoeSession' | 'removePppoeSecret'>;
  notify?: (input: NotifyInput) => Promise<NotifyResult>;
}) {
  const { sql, encryptionKey, router } = deps;

  async function subscriptionOf(ref: CustomerRef) {
    const [sub] = await sql<{ id: string; packageId: string; routerId: string | null; serviceUsername: string; passwordEnc: string; accountNumber: string }[]>`
      select s.id, s.package_id as "packageId", s.router_id as "routerId", s.service_username as "serviceUsername",
        s.service_password_enc as "passwordEnc", c.account_number as "accountNumber"
      from subscriptions s join customers c on c.id = s.customer_id
      where s.tenant_id = ${ref.tenantId} and s.customer_id = ${ref.customerId} and s.status <> 'cancelled'`;
    return sub;
  }

  return {
    async loadLifecycle(ref: CustomerRef): Promise<LifecycleSnapshot> {
      const snap = await lifecycle.snapshot(sql, ref.tenantId, ref.customerId);
      if (!snap) throw invalid(`customer ${ref.customerId} not found`);
      return snap;
    },

    async loadPackage(input: { tenantId: string; packageId: string }): Promise<PackageTerms> {
      const p = await packages.get(sql, input.tenantId, input.packageId);
      if (!p) throw invalid(`package ${input.packageId} not found`);
      if (p.kind !== 'pppoe') throw invalid(`package "${p.name}" is a hotspot package`);
      return { id: p.id, name: p.name, priceCents: p.priceCents, validity: { unit: p.validityUnit, count: p.validityCount } };
    },

    /** The projection after a step: customer (and subscription) status plus one timeline line, in one transaction. */
    async recordStage(input: CustomerRef & { key: string; at: string; stage: LifecycleStage; kind: string; summary: string; detail?: unknown; workflowId?: string }) {
      await sql.begin(async (tx) => {
        await tx`update customers set status = ${input.stage}, updated_at = now() ${input.workflowId ? tx`, workflow_id = ${input.workflowId}` : tx``}
          where tenant_id = ${input.tenantId} and id = ${input.customerId}`;
        const subStatus = SUBSCRIPTION_STATUS[input.stage];
        if (subStatus) {
          await tx`update subscriptions set status = ${subStatus}, updated_at = now()
            where tenant_id = ${input.tenantId} and customer_id = ${input.customerId} and status <> 'cancelled'`;
        }
        await lifecycle.event(tx, { ...input, at: new Date(input.at) });
      });
    },

    async recordEvent(input: CustomerRef & { key: string; at: string; kind: string; summary: string; detail?: unknown }) {
      await lifecycle.event(sql, { ...input, at: new Date(input.at) });
    },

    /** Likely duplicates of an applicant (same phone or national id), for the reviewer. */
    async findDuplicates(ref: CustomerRef): Promise<string[]> {
      const rows = await sql<{ accountNumber: string }[]>`
        select o.account_number as "accountNumber" from customers c join customers o
          on o.tenant_id = c.tenant_id and o.id <> c.id and (o.phone = c.phone or (c.national_id is not null and o.national_id = c.national_id))
        where c.tenant_id = ${ref.tenantId} and c.id = ${ref.customerId} and o.status not in ('rejected') order by o.account_number limit 10`;
      return rows.map((r) => r.accountNumber);
    },

    async recordKycDecision(input: CustomerRef & { actor: LifecycleActor; decision: 'approve' | 'reject'; reason: string | null }) {
      await sql.begin(async (tx) => {
        const actor = actorLabel(input.actor);
        await tx`update customers set kyc_decided_by = ${actor.id}, kyc_decided_at = coalesce(kyc_decided_at, now()),
            rejection_reason = ${input.reason}, updated_at = now()
          where tenant_id = ${input.tenantId} and id = ${input.customerId}`;
        await audit.record(tx, { tenantId: input.tenantId, actor, action: `customer.kyc_${input.decision === 'approve' ? 'approved' : 'rejected'}`, entityType: 'customer', entityId: input.customerId, after: { reason: input.reason } });
      });
    },

    /** Books (or re-books) the installation; returns the technician's name for the SMS. */
    async saveInstallationSchedule(input: CustomerRef & { actor: LifecycleActor; technicianId: string; scheduledAt: string }): Promise<{ technicianName: string }> {
      return sql.begin(async (tx) => {
        const [tech] = await tx<{ name: string }[]>`
          select name from staff where tenant_id = ${input.tenantId} and id = ${input.technicianId} and active and role in ('technician', 'admin')`;
        if (!tech) throw invalid('that technician is not an active technician of this ISP');
        await tx`
          insert into installations (tenant_id, customer_id, technician_id, status, scheduled_at)
          values (${input.tenantId}, ${input.customerId}, ${input.technicianId}, 'scheduled', ${input.scheduledAt})
          on conflict (tenant_id, customer_id) do update set technician_id = excluded.technician_id, scheduled_at = excluded.scheduled_at,
            status = case when installations.status = 'completed' then 'completed' else 'scheduled' end, updated_at = now()`;
        await audit.record(tx, { tenantId: input.tenantId, actor: actorLabel(input.actor), action: 'installation.scheduled', entityType: 'customer', entityId: input.customerId, after: { technicianId: input.technicianId, scheduledAt: input.scheduledAt } });
        return { technicianName: tech.name };
      });
    },

    /**
     * Completes the installation and creates the subscription with its PPPoE credentials (username from
     * the account number, a generated password sealed at rest). A retry returns the subscription it made.
     */
    async completeInstallation(input: CustomerRef & { actor: LifecycleActor; routerId: string; equipmentSerial: string; packageId: string }) {
      return sql.begin(async (tx) => {
        const [routerRow] = await tx`select 1 from routers where tenant_id = ${input.tenantId} and id = ${input.routerId}`;
        if (!routerRow) throw invalid('that router does not belong to this ISP');
        const pkg = await packages.get(tx, input.tenantId, input.packageId);
        if (!pkg || pkg.kind !== 'pppoe') throw invalid('choose a PPPoE package');
        await tx`
          insert into installations (tenant_id, customer_id, status, completed_at, router_id, equipment_serial)
          values (${input.tenantId}, ${input.customerId}, 'completed', now(), ${input.routerId}, ${input.equipmentSerial})
          on conflict (tenant_id, customer_id) do update set status = 'completed', completed_at = coalesce(installations.completed_at, now()),
            router_id = excluded.router_id, equipment_serial = excluded.equipment_serial, updated_at = now()`;
        const [existing] = await tx<{ serviceUsername: string }[]>`
          select service_username as "serviceUsername" from subscriptions
          where tenant_id = ${input.tenantId} and customer_id = ${input.customerId} and status <> 'cancelled'`;
        if (existing) return { serviceUsername: existing.serviceUsername };
        const [customer] = await tx<{ accountNumber: string }[]>`
          select account_number as "accountNumber" from customers where tenant_id = ${input.tenantId} and id = ${input.customerId}`;
        const serviceUsername = customer!.accountNumber.toLowerCase();
        const password = Array.from({ length: 10 }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join('');
        await tx`
          insert into subscriptions (tenant_id, customer_id, package_id, router_id, service_username, service_password_enc, status)
          values (${input.tenantId}, ${input.customerId}, ${input.packageId}, ${input.routerId}, ${serviceUsername}, ${encryptSecret(password, encryptionKey)}, 'pending')`;
        await audit.record(tx, { tenantId: input.tenantId, actor: actorLabel(input.actor), action: 'installation.completed', entityType: 'customer', entityId: input.customerId, after: { routerId: input.routerId, equipmentSerial: input.equipmentSerial } });
        return { serviceUsername };
      });
    },

    /**
     * Makes the router hold what the stage says: `active` (package profile, secret enabled), `suspended`
     * (secret disabled, live session kicked) or `removed`. Upserts by name with read-back, so it can run
     * any number of times. `kick` on activation re-dials a session so a new profile applies at once.
     */
    async applyRouterState(input: CustomerRef & { state: 'active' | 'suspended' | 'removed'; kick: boolean }) {
      const sub = await subscriptionOf(input);
      if (!sub?.routerId) return { applied: false as const, reason: 'no router assigned' };
      const ref = { tenantId: input.tenantId, routerId: sub.routerId };
      if (input.state === 'removed') {
        await router.removePppoeSecret({ ...ref, name: sub.serviceUsername });
        await router.kickPppoeSession({ ...ref, name: sub.serviceUsername });
        return { applied: true as const, enabled: false };
      }
      const [tenant] = await sql<{ suspendMode: string; walledGardenProfile: string | null }[]>`
        select suspend_mode as "suspendMode", walled_garden_profile as "walledGardenProfile" from tenants where id = ${input.tenantId}`;
      if (input.state === 'suspended' && tenant?.suspendMode !== 'walled_garden') {
        // The common case on the hot path at expiry: two round trips, no profile work.
        const secret = await router.setPppoeSecretEnabled({ ...ref, name: sub.serviceUsername, enabled: false });
        await router.kickPppoeSession({ ...ref, name: sub.serviceUsername });
        return { applied: true as const, enabled: secret ? !secret.disabled : false };
      }
      await router.ensurePppoeProfile({ ...ref, packageId: sub.packageId });
      // A walled-garden tenant keeps suspended customers connected to a profile that only reaches the pay page.
      const walledGarden = input.state === 'suspended' && tenant?.suspendMode === 'walled_garden' && tenant.walledGardenProfile;
      const secret = await router.upsertPppoeSecret({
        ...ref,
        name: sub.serviceUsername,
        passwordEnc: sub.passwordEnc,
        profile: walledGarden || routerProfileName({ id: sub.packageId }),
        disabled: input.state === 'suspended' && !walledGarden,
        comment: sub.accountNumber,
      });
      if (input.state === 'suspended' || input.kick) await router.kickPppoeSession({ ...ref, name: sub.serviceUsername });
      return { applied: true as const, enabled: !secret.disabled };
    },

    async renewCycle(input: CustomerRef & { key: string; now: string; pkg: PackageTerms; force: boolean }): Promise<RenewResult> {
      return sql.begin((tx) =>
        renew(tx, {
          tenantId: input.tenantId, customerId: input.customerId, key: input.key, now: new Date(input.now), force: input.force,
          packageId: input.pkg.id, packageName: input.pkg.name, priceCents: input.pkg.priceCents, validity: input.pkg.validity,
        }),
      );
    },

    async accountStatus(ref: CustomerRef) {
      return billing.accountStatus(sql, ref.tenantId, ref.customerId);
    },

    async issueInvoice(input: CustomerRef & { key: string; kind: InvoiceKind; totalCents: number; description: string; issuedAt: string; dueAt: string; periodStart?: string; periodEnd?: string; packageId?: string }) {
      if (!Number.isSafeInteger(input.totalCents) || input.totalCents <= 0) throw invalid(`an invoice needs a positive amount, got ${input.totalCents}`);
      return sql.begin((tx) =>
        billing.issueInvoice(tx, {
          ...input, issuedAt: new Date(input.issuedAt), dueAt: new Date(input.dueAt),
          periodStart: input.periodStart ? new Date(input.periodStart) : null, periodEnd: input.periodEnd ? new Date(input.periodEnd) : null,
        }),
      );
    },

    async creditAccount(input: CustomerRef & { key: string; amountCents: number; description: string }) {
      return sql.begin((tx) => billing.credit(tx, input));
    },

    /** The subscription's package, period and pause bookkeeping as the workflow now has them. */
    async saveSubscription(input: CustomerRef & { packageId?: string; periodStart?: string | null; expiresAt?: string | null; pausedRemainingSeconds?: number | null; actor?: LifecycleActor; auditAction?: string }) {
      await sql.begin(async (tx) => {
        const [before] = await tx<{ packageId: string; expiresAt: Date | null }[]>`
          select package_id as "packageId", expires_at as "expiresAt" from subscriptions
          where tenant_id = ${input.tenantId} and customer_id = ${input.customerId} and status <> 'cancelled' for update`;
        if (!before) throw invalid(`customer ${input.customerId} has no subscription`);
        await tx`update subscriptions set
            package_id = ${input.packageId ?? before.packageId},
            current_period_start = ${input.periodStart === undefined ? tx`current_period_start` : input.periodStart},
            current_period_end = ${input.expiresAt === undefined ? tx`current_period_end` : input.expiresAt},
            expires_at = ${input.expiresAt === undefined ? tx`expires_at` : input.expiresAt},
            paused_remaining_seconds = ${input.pausedRemainingSeconds === undefined ? tx`paused_remaining_seconds` : input.pausedRemainingSeconds},
            updated_at = now()
          where tenant_id = ${input.tenantId} and customer_id = ${input.customerId} and status <> 'cancelled'`;
        if (input.actor && input.auditAction) {
          await audit.record(tx, { tenantId: input.tenantId, actor: actorLabel(input.actor), action: input.auditAction, entityType: 'customer', entityId: input.customerId, before, after: { packageId: input.packageId, expiresAt: input.expiresAt, pausedRemainingSeconds: input.pausedRemainingSeconds } });
        }
      });
    },

    async auditAction(input: CustomerRef & { actor: LifecycleActor; action: string; detail: unknown }) {
      await audit.record(sql, { tenantId: input.tenantId, actor: actorLabel(input.actor), action: input.action, entityType: 'customer', entityId: input.customerId, after: input.detail });
    },

    /** The welcome SMS carries the PPPoE password, so it is opened and sent here rather than passing through history. */
    async sendWelcome(input: CustomerRef & { key: string; packageName: string; paybill: string; now: string }) {
      if (!deps.notify) return { outcome: 'skipped' as const, reason: 'sms not configured' };
      const sub = await subscriptionOf(input);
      if (!sub) throw invalid(`customer ${input.customerId} has no subscription`);
      const [c] = await sql<{ firstName: string }[]>`select first_name as "firstName" from customers where id = ${input.customerId}`;
      return deps.notify({
        tenantId: input.tenantId, customerId: input.customerId, template: 'welcome', idempotencyKey: input.key, now: input.now,
        params: { name: c!.firstName, account: sub.accountNumber, package: input.packageName, username: sub.serviceUsername, password: decryptSecret(sub.passwordEnc, encryptionKey), paybill: input.paybill },
      });
    },
  };
}

export type LifecycleActivities = ReturnType<typeof createLifecycleActivities>;
