import { createHash, createHmac, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AppLoadContext } from '@remix-run/node';
import { audit } from '../../../db/queries/audit';
import { portal, type PortalIdentity } from '../../../db/queries/portal';
import { tenants } from '../../../db/queries/tenants';
import { normalizeKenyanPhone } from '../../../domain/phone';
import { CORE_TASK_QUEUE } from '../../../temporal/task-queues';
import type { portalSms } from '../../../workflows/portal-sms';
import { hashPassword } from '../auth/password.server';
import { t, type Lang } from './i18n';

/** Codes live 10 minutes and allow 5 tries; 3 codes per account and 20 per address in 15 minutes. */
export const OTP_RULES = { minutes: 10, maxAttempts: 5, perCustomer: 3, perIp: 20, windowMinutes: 15, linkHours: 72 };

/** What a person types: a phone in any Kenyan form, or an account number. */
export function readIdentifier(input: string): { phone: string | null; accountNumber: string | null } {
  const compact = input.replace(/[\s-]/g, '');
  return { phone: normalizeKenyanPhone(compact) ?? null, accountNumber: /^[A-Za-z]{1,4}\d{5,}$/.test(compact) ? compact.toUpperCase() : null };
}

export async function findAccounts(context: AppLoadContext, identifier: string): Promise<PortalIdentity[]> {
  const id = readIdentifier(identifier);
  if (!id.phone && !id.accountNumber) return [];
  return portal.candidates(context.sql, id);
}

// Keyed with the server's secret and salted with the code's own id: a stolen table cannot be brute-forced
// offline (a 6-digit space is tiny) and equal codes never look equal.
export function codeHash(context: Pick<AppLoadContext, 'encryptionKey'>, otpId: string, code: string): string {
  return createHmac('sha256', context.encryptionKey).update(`portal-otp:${otpId}:${code}`).digest('hex');
}

function linkHash(token: string): string {
  return createHash('sha256').update(`portal-link:${token}`).digest('hex');
}

/** Starts the portal SMS workflow; false (logged) when Temporal cannot take it just now. */
export async function sendPortalSms(context: AppLoadContext, p: { tenantId: string; customerId: string; phone: string; body: string; key: string }): Promise<boolean> {
  try {
    await context.temporal.withDeadline(Date.now() + 3_000, () =>
      context.temporal.workflow.start<typeof portalSms>('portalSms', {
        taskQueue: CORE_TASK_QUEUE,
        workflowId: `portal-sms-${p.key}`,
        args: [{ tenantId: p.tenantId, customerId: p.customerId, phone: p.phone, template: 'custom', body: p.body, params: {}, idempotencyKey: `portal:${p.key}` }],
      }),
    );
    return true;
  } catch (err) {
    context.log.warn({ err, customerId: p.customerId }, 'portal SMS could not be started');
    return false;
  }
}

export type CodeRequest = { status: 'sent' } | { status: 'limited' };

/**
 * Sends a sign-up / reset code to every account the identifier names. The answer is the same whether or
 * not an account exists, so the form cannot be used to find out who is a customer.
 */
export async function requestCode(context: AppLoadContext, identifier: string, purpose: 'signup' | 'reset'): Promise<CodeRequest> {
  const accounts = (await findAccounts(context, identifier)).slice(0, 3);
  for (const account of accounts) {
    const recent = await portal.recentOtps(context.sql, { customerId: account.customerId, clientIp: context.clientIp, minutes: OTP_RULES.windowMinutes });
    if (recent.byCustomer >= OTP_RULES.perCustomer || recent.byIp >= OTP_RULES.perIp) return { status: 'limited' };
  }
  for (const account of accounts) {
    const id = randomUUID();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await portal.issueOtp(context.sql, { id, tenantId: account.tenantId, customerId: account.customerId, purpose, codeHash: codeHash(context, id, code), minutes: OTP_RULES.minutes, clientIp: context.clientIp });
    const tenant = await tenants.get(context.sql, account.tenantId);
    const lang = await customerLang(context, account);
    await sendPortalSms(context, { tenantId: account.tenantId, customerId: account.customerId, phone: account.phone, body: t(lang, 'otp.sms', { code, isp: tenant?.name ?? '' }), key: id });
  }
  return { status: 'sent' };
}

export type CodeCheck = { ok: true; account: PortalIdentity; version: number } | { ok: false; reason: 'wrong' | 'expired' | 'burned' };

/** Checks a code and, when right, sets the password: once, before expiry, within the allowed tries. */
export async function redeemCode(context: AppLoadContext, identifier: string, code: string, password: string): Promise<CodeCheck> {
  const accounts = await findAccounts(context, identifier);
  const passwordHash = await hashPassword(password);
  return context.sql.begin(async (tx) => {
    let live = 0;
    let exhausted = 0;
    for (const account of accounts) {
      const otp = await portal.currentOtp(tx, account.tenantId, account.customerId);
      if (!otp || otp.usedAt || otp.revokedAt || otp.expiresAt.getTime() <= Date.now()) continue;
      if (otp.attempts >= OTP_RULES.maxAttempts) {
        exhausted++;
        continue;
      }
      live++;
      if (sameHash(otp.codeHash, codeHash(context, otp.id, code))) {
        await portal.useOtp(tx, otp.id);
        const version = await portal.setPassword(tx, account.tenantId, account.customerId, passwordHash);
        await audit.record(tx, { tenantId: account.tenantId, actor: portalActor(context, account), action: 'customer.portal_password_set', entityType: 'customer', entityId: account.customerId, after: { via: otp.purpose } });
        return { ok: true as const, account, version };
      }
      if ((await portal.otpAttempt(tx, otp.id)) >= OTP_RULES.maxAttempts) {
        live--;
        exhausted++;
      }
    }
    return { ok: false as const, reason: live > 0 ? ('wrong' as const) : exhausted > 0 ? ('burned' as const) : ('expired' as const) };
  });
}

/** A set-password link for an account staff created; the token is only in the SMS, its hash in the table. */
export async function sendSetPasswordLink(context: AppLoadContext, p: { tenantId: string; customerId: string; origin: string }): Promise<boolean> {
  const account = await portal.identity(context.sql, p.tenantId, p.customerId);
  const tenant = await tenants.get(context.sql, p.tenantId);
  if (!account || !tenant) return false;
  const token = randomBytes(24).toString('base64url');
  const id = randomUUID();
  await portal.issueOtp(context.sql, { id, tenantId: p.tenantId, customerId: p.customerId, purpose: 'link', codeHash: linkHash(token), minutes: OTP_RULES.linkHours * 60, clientIp: null });
  const lang = await customerLang(context, account);
  const url = `${p.origin}/client/set-password/${token}`;
  return sendPortalSms(context, { tenantId: p.tenantId, customerId: p.customerId, phone: account.phone, body: t(lang, 'link.sms', { isp: tenant.name, account: account.accountNumber, url }), key: id });
}

/** The account a link belongs to while it is still usable (not used, not replaced, not expired). */
export async function linkAccount(context: AppLoadContext, token: string): Promise<PortalIdentity | undefined> {
  if (!/^[\w-]{20,64}$/.test(token)) return undefined;
  const otp = await portal.otpByHash(context.sql, linkHash(token));
  if (!otp || otp.purpose !== 'link' || otp.usedAt || otp.revokedAt || otp.expiresAt.getTime() <= Date.now()) return undefined;
  return portal.identity(context.sql, otp.tenantId, otp.customerId);
}

export async function redeemLink(context: AppLoadContext, token: string, password: string): Promise<{ account: PortalIdentity; version: number } | undefined> {
  if (!/^[\w-]{20,64}$/.test(token)) return undefined;
  const passwordHash = await hashPassword(password);
  return context.sql.begin(async (tx) => {
    const otp = await portal.otpByHash(tx, linkHash(token));
    if (!otp || otp.purpose !== 'link' || otp.usedAt || otp.revokedAt || otp.expiresAt.getTime() <= Date.now()) return undefined;
    const account = (await portal.identity(tx, otp.tenantId, otp.customerId))!;
    await portal.useOtp(tx, otp.id);
    const version = await portal.setPassword(tx, otp.tenantId, otp.customerId, passwordHash);
    await audit.record(tx, { tenantId: otp.tenantId, actor: portalActor(context, account), action: 'customer.portal_password_set', entityType: 'customer', entityId: otp.customerId, after: { via: 'link' } });
    return { account, version };
  });
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

function portalActor(context: AppLoadContext, account: PortalIdentity) {
  return { id: null, label: `customer ${account.accountNumber} (portal)`, ip: context.clientIp };
}

async function customerLang(context: AppLoadContext, account: PortalIdentity): Promise<Lang> {
  const [row] = await context.sql<{ language: Lang }[]>`select language from customers where tenant_id = ${account.tenantId} and id = ${account.customerId}`;
  return row?.language ?? 'en';
}
