import { randomUUID } from 'node:crypto';
import type { AppLoadContext } from '@remix-run/node';
import { createRouterActivities, type RouterActivities } from '../../../activities/mikrotik/activities';
import { createRouterOsGateway } from '../../../activities/mikrotik/routeros-gateway';
import { decryptSecret } from '../../../db/encryption';
import { hotspot, type HotspotPurchase, type PortalRouter } from '../../../db/queries/hotspot';
import { hotspotVouchers } from '../../../db/queries/hotspot-vouchers';
import { packages, type Package } from '../../../db/queries/packages';
import { chapPassword } from '../../../domain/hotspot';
import { packageDurationSeconds } from '../../../domain/hotspot-time';
import { CORE_TASK_QUEUE } from '../../../temporal/task-queues';
import type { HotspotPurchaseInput, HotspotPurchaseState, hotspotPurchase } from '../../../workflows/hotspot-purchase';
import type { MpesaPaymentStatus } from '../../../workflows/mpesa-payment';
import type { HotspotRedirect } from './redirect';

// Names of the workflow's messages, as strings so the web bundle never pulls in workflow code (a test pins them).
export const HOTSPOT_STATUS_QUERY = 'hotspotStatus';
export const PAYMENT_STATUS_QUERY = 'paymentStatus';

/** Purchases one device (MAC) or one source address may start in the window; hotspots NAT many guests behind one IP. */
export const PURCHASE_LIMITS = { windowSeconds: 600, perMac: 5, perIp: 300 };
/** Access-code attempts per device and address in the window: the code space is large, guessing must stay slow. */
export const CODE_LIMITS = { windowMs: 600_000, perKey: 10 };

export async function portalRouter(context: AppLoadContext, routerId: string): Promise<PortalRouter | undefined> {
  return hotspot.portalRouter(context.sql, routerId);
}

export async function portalPackages(context: AppLoadContext, tenantId: string): Promise<Package[]> {
  return packages.list(context.sql, tenantId, { kind: 'hotspot', activeOnly: true });
}

export type StartResult = { ok: true; purchaseId: string } | { ok: false; status: number; message: string };

/** Records the purchase and starts its workflow; the purchase id is the checkout's idempotency key. */
export async function startPurchase(context: AppLoadContext, r: HotspotRedirect, router: PortalRouter, pkg: Package, phone: string): Promise<StartResult> {
  const recent = await hotspot.recentStarts(context.sql, { mac: r.mac ?? null, clientIp: context.clientIp, sinceSeconds: PURCHASE_LIMITS.windowSeconds });
  if (recent.byMac >= PURCHASE_LIMITS.perMac || recent.byIp >= PURCHASE_LIMITS.perIp) {
    return { ok: false, status: 429, message: 'Too many payment requests from this device. Wait a few minutes, then try again.' };
  }
  const purchaseId = randomUUID();
  const workflowId = `hotspot-${router.tenantId}-${purchaseId}`;
  await hotspot.create(context.sql, {
    id: purchaseId,
    tenantId: router.tenantId,
    routerId: router.id,
    packageId: pkg.id,
    phone,
    amountCents: pkg.priceCents,
    mac: r.mac ?? null,
    deviceIp: r.ip ?? null,
    linkLoginOnly: r.linkLoginOnly ?? null,
    linkOrig: r.linkOrig ?? null,
    chapId: r.chapId ?? null,
    chapChallenge: r.chapChallenge ?? null,
    clientIp: context.clientIp,
    workflowId,
  });
  const input: HotspotPurchaseInput = {
    tenantId: router.tenantId,
    purchaseId,
    routerId: router.id,
    packageId: pkg.id,
    packageName: pkg.name,
    phone,
    amountCents: pkg.priceCents,
    durationSeconds: packageDurationSeconds(pkg),
    dataCapBytes: pkg.dataCapBytes,
    ...(r.mac ? { mac: r.mac } : {}),
    ...(r.ip ? { ip: r.ip } : {}),
    lockToMac: pkg.sharedDevices === 1,
  };
  try {
    await context.temporal.workflow.start<typeof hotspotPurchase>('hotspotPurchase', { taskQueue: CORE_TASK_QUEUE, workflowId, args: [input] });
  } catch (err) {
    context.log.error({ err, purchaseId }, 'hotspot purchase did not start');
    await hotspot.setStatus(context.sql, purchaseId, { status: 'unpaid', failure: 'could not start the payment' });
    return { ok: false, status: 503, message: 'Payments are not available right now. Try again in a minute.' };
  }
  return { ok: true, purchaseId };
}

export type VoucherResult = { ok: true; purchaseId: string } | { ok: false; status: number; message: string; usedPurchaseId?: string };

const VOUCHER_REFUSALS = {
  unknown: 'That code is not valid here. Check it and try again.',
  expired: 'That voucher has expired.',
  revoked: 'That voucher has been cancelled by the provider.',
  used: 'That voucher is already in use.',
} as const;

/** Redeems a voucher card: a purchase with no payment, provisioned like any other (same workflow). */
export async function startVoucherPurchase(context: AppLoadContext, r: HotspotRedirect, router: PortalRouter, code: string): Promise<VoucherResult> {
  const purchaseId = randomUUID();
  const workflowId = `hotspot-${router.tenantId}-${purchaseId}`;
  const redeemed = await context.sql.begin((tx) =>
    hotspotVouchers.redeem(tx, {
      tenantId: router.tenantId,
      code,
      purchase: {
        id: purchaseId,
        routerId: router.id,
        mac: r.mac ?? null,
        deviceIp: r.ip ?? null,
        linkLoginOnly: r.linkLoginOnly ?? null,
        linkOrig: r.linkOrig ?? null,
        chapId: r.chapId ?? null,
        chapChallenge: r.chapChallenge ?? null,
        clientIp: context.clientIp,
        workflowId,
      },
    }),
  );
  if (!redeemed.ok) {
    return { ok: false, status: 400, message: VOUCHER_REFUSALS[redeemed.reason], ...(redeemed.purchaseId ? { usedPurchaseId: redeemed.purchaseId } : {}) };
  }
  const pkg = (await packages.get(context.sql, router.tenantId, redeemed.purchase.packageId))!;
  const input: HotspotPurchaseInput = {
    tenantId: router.tenantId,
    purchaseId,
    routerId: router.id,
    packageId: pkg.id,
    packageName: pkg.name,
    phone: null,
    voucherId: redeemed.purchase.voucherId!,
    amountCents: pkg.priceCents,
    durationSeconds: packageDurationSeconds(pkg),
    dataCapBytes: pkg.dataCapBytes,
    ...(r.mac ? { mac: r.mac } : {}),
    ...(r.ip ? { ip: r.ip } : {}),
    lockToMac: pkg.sharedDevices === 1,
  };
  try {
    await context.temporal.workflow.start<typeof hotspotPurchase>('hotspotPurchase', { taskQueue: CORE_TASK_QUEUE, workflowId, args: [input] });
  } catch (err) {
    // The card must not be spent on a purchase that never started.
    context.log.error({ err, purchaseId }, 'voucher purchase did not start');
    await context.sql.begin(async (tx) => {
      await hotspotVouchers.release(tx, purchaseId);
      await hotspot.setStatus(tx, purchaseId, { status: 'credited', failure: 'could not start; voucher released' });
    });
    return { ok: false, status: 503, message: 'The hotspot is busy right now. Try your voucher again in a minute.' };
  }
  return { ok: true, purchaseId };
}

export interface PurchaseView {
  purchase: HotspotPurchase;
  state: HotspotPurchaseState | undefined;
  payment: MpesaPaymentStatus | undefined;
}

/** The purchase as the portal shows it: the workflow's own state when it answers, the database otherwise. */
export async function purchaseView(context: AppLoadContext, id: string): Promise<PurchaseView | undefined> {
  const purchase = await hotspot.get(context.sql, id);
  if (!purchase) return undefined;
  const state = await withTimeout(context.temporal.workflow.getHandle(purchase.workflowId).query<HotspotPurchaseState>(HOTSPOT_STATUS_QUERY), 3000).catch(() => undefined);
  const payment =
    state?.stage === 'paying'
      ? await withTimeout(context.temporal.workflow.getHandle(state.paymentWorkflowId).query<MpesaPaymentStatus>(PAYMENT_STATUS_QUERY), 2000).catch(() => undefined)
      : undefined;
  return { purchase, state, payment };
}

/** username/password/dst for the router's own login form (the fallback when the API login did not take the device). */
export function loginForm(
  context: AppLoadContext,
  purchase: HotspotPurchase,
  device: { linkLoginOnly?: string | null; chapId?: string | null; chapChallenge?: string | null; linkOrig?: string | null },
) {
  if (!device.linkLoginOnly || !purchase.accessCode || !purchase.accessPasswordEnc) return undefined;
  const clear = decryptSecret(purchase.accessPasswordEnc, context.encryptionKey);
  // With http-chap the router expects md5.js's answer; computing it here keeps md5.js off the guest's phone.
  const password = device.chapId && device.chapChallenge ? chapPassword(device.chapId, clear, device.chapChallenge) : clear;
  return { action: device.linkLoginOnly, username: purchase.accessCode, password, dst: device.linkOrig ?? '' };
}

let routerActivities: { key: Buffer; activities: RouterActivities } | undefined;

/** The router activities, run in the web process for the portal's own calls (login by code, usage, log out). */
export function portalRouterActivities(context: AppLoadContext): RouterActivities {
  if (!routerActivities || !routerActivities.key.equals(context.encryptionKey)) {
    // Short idle time: the portal's router calls are occasional and must not hold a test process open.
    const gateway = createRouterOsGateway({ idleMs: 2_000 });
    routerActivities = { key: context.encryptionKey, activities: createRouterActivities({ sql: context.sql, encryptionKey: context.encryptionKey, gateway }) };
  }
  return routerActivities.activities;
}

export interface Usage {
  online: boolean;
  /** Cumulative over the purchase (all sessions and devices), as the router counts it for limit-bytes-total. */
  bytesUsed: number;
  uptime: string | null;
}

/** The user's counters from the router; undefined when the router cannot be read just now. */
export async function readUsage(context: AppLoadContext, purchase: HotspotPurchase): Promise<Usage | undefined> {
  if (!purchase.accessCode) return undefined;
  const ref = { tenantId: purchase.tenantId, routerId: purchase.routerId };
  try {
    const router = portalRouterActivities(context);
    const [user, sessions] = await withTimeout(Promise.all([router.readHotspotUser({ ...ref, name: purchase.accessCode }), router.readActiveSessions(ref)]), 4000);
    const mine = sessions.hotspot.filter((s) => s.user === purchase.accessCode);
    // The user's totals grow when a session ends; the live sessions carry what is in flight.
    const live = mine.reduce((n, s) => n + s.uploadBytes + s.downloadBytes, 0);
    return { online: mine.length > 0, bytesUsed: (user ? user.bytesIn + user.bytesOut : 0) + live, uptime: user?.uptime ?? mine[0]?.uptime ?? null };
  } catch (err) {
    context.log.warn({ err, purchaseId: purchase.id }, 'hotspot usage not read');
    return undefined;
  }
}

const codeAttempts = new Map<string, number[]>();

/** In-memory sliding window per device and address; returns false once the key has used its attempts. */
export function allowCodeAttempt(key: string, now = Date.now()): boolean {
  const recent = (codeAttempts.get(key) ?? []).filter((t) => now - t < CODE_LIMITS.windowMs);
  if (recent.length >= CODE_LIMITS.perKey) {
    codeAttempts.set(key, recent);
    return false;
  }
  recent.push(now);
  codeAttempts.set(key, recent);
  if (codeAttempts.size > 50_000) codeAttempts.clear();
  return true;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timed out')), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
