import type { Tx } from '../client';
import { isUuid } from './customers';

export type HotspotPurchaseStatus = 'awaiting_payment' | 'unpaid' | 'provisioning' | 'active' | 'expired' | 'credited';

export interface HotspotPurchase {
  id: string;
  tenantId: string;
  routerId: string;
  packageId: string;
  /** Null for a voucher redemption. */
  phone: string | null;
  amountCents: number;
  voucherId: string | null;
  mac: string | null;
  deviceIp: string | null;
  linkLoginOnly: string | null;
  linkOrig: string | null;
  chapId: string | null;
  chapChallenge: string | null;
  workflowId: string;
  status: HotspotPurchaseStatus;
  paymentId: string | null;
  accessCode: string | null;
  accessPasswordEnc: string | null;
  loggedInAt: Date | null;
  provisionedAt: Date | null;
  expiresAt: Date | null;
  endedAt: Date | null;
  failure: string | null;
  createdAt: Date;
}

export type NewHotspotPurchase = Pick<
  HotspotPurchase,
  'id' | 'tenantId' | 'routerId' | 'packageId' | 'phone' | 'amountCents' | 'mac' | 'deviceIp' | 'linkLoginOnly' | 'linkOrig' | 'chapId' | 'chapChallenge' | 'workflowId'
> & { clientIp: string | null; voucherId?: string | null };

/** A router as the public portal may know it: never its address or credentials. */
export interface PortalRouter {
  id: string;
  tenantId: string;
  name: string;
  site: string | null;
  tenantName: string;
  status: string;
}

export interface HotspotListRow extends Omit<HotspotPurchase, 'accessPasswordEnc' | 'linkLoginOnly' | 'linkOrig' | 'chapId' | 'chapChallenge'> {
  routerName: string;
  packageName: string;
  receipt: string | null;
}

export interface HotspotListFilter {
  routerId?: string;
  packageId?: string;
  /** Nairobi calendar days, both included (YYYY-MM-DD). */
  from?: string;
  to?: string;
  status?: HotspotPurchaseStatus;
  limit: number;
  offset: number;
}

const columns = (tx: Tx) => tx`
  p.id, p.tenant_id as "tenantId", p.router_id as "routerId", p.package_id as "packageId", p.phone, p.amount_cents as "amountCents",
  p.voucher_id as "voucherId", p.mac, p.device_ip as "deviceIp", p.link_login_only as "linkLoginOnly", p.link_orig as "linkOrig", p.chap_id as "chapId",
  p.chap_challenge as "chapChallenge", p.workflow_id as "workflowId", p.status, p.payment_id as "paymentId", p.access_code as "accessCode",
  p.access_password_enc as "accessPasswordEnc", p.logged_in_at as "loggedInAt", p.provisioned_at as "provisionedAt",
  p.expires_at as "expiresAt", p.ended_at as "endedAt", p.failure, p.created_at as "createdAt"`;

function filters(tx: Tx, tenantId: string, f: Omit<HotspotListFilter, 'limit' | 'offset'>) {
  return tx`p.tenant_id = ${tenantId}
    ${f.routerId ? tx`and p.router_id = ${f.routerId}` : tx``}
    ${f.packageId ? tx`and p.package_id = ${f.packageId}` : tx``}
    ${f.status ? tx`and p.status = ${f.status}` : tx``}
    ${f.from ? tx`and p.created_at >= (${f.from}::date::timestamp at time zone 'Africa/Nairobi')` : tx``}
    ${f.to ? tx`and p.created_at < ((${f.to}::date + 1)::timestamp at time zone 'Africa/Nairobi')` : tx``}`;
}

export const hotspot = {
  async portalRouter(tx: Tx, routerId: string): Promise<PortalRouter | undefined> {
    if (!isUuid(routerId)) return undefined;
    const [row] = await tx<PortalRouter[]>`
      select r.id, r.tenant_id as "tenantId", r.name, r.site, t.name as "tenantName", r.status
      from routers r join tenants t on t.id = r.tenant_id
      where r.id = ${routerId} and t.status = 'active' and r.status <> 'disabled'`;
    return row;
  },

  async create(tx: Tx, p: NewHotspotPurchase): Promise<HotspotPurchase> {
    await tx`
      insert into hotspot_purchases (id, tenant_id, router_id, package_id, phone, amount_cents, mac, device_ip, link_login_only, link_orig,
        chap_id, chap_challenge, client_ip, workflow_id, voucher_id)
      values (${p.id}, ${p.tenantId}, ${p.routerId}, ${p.packageId}, ${p.phone}, ${p.amountCents}, ${p.mac}, ${p.deviceIp}, ${p.linkLoginOnly},
        ${p.linkOrig}, ${p.chapId}, ${p.chapChallenge}, ${p.clientIp}, ${p.workflowId}, ${p.voucherId ?? null})`;
    return (await hotspot.get(tx, p.id))!;
  },

  /** By the purchase id alone: the portal's links carry it (an unguessable uuid) and nothing else. */
  async get(tx: Tx, id: string): Promise<HotspotPurchase | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await tx<HotspotPurchase[]>`select ${columns(tx)} from hotspot_purchases p where p.id = ${id}`;
    return row;
  },

  async byCode(tx: Tx, tenantId: string, code: string): Promise<HotspotPurchase | undefined> {
    const [row] = await tx<HotspotPurchase[]>`
      select ${columns(tx)} from hotspot_purchases p where p.tenant_id = ${tenantId} and p.access_code = ${code.toUpperCase()}`;
    return row;
  },

  /** How many purchases this device or source address started lately (the portal's rate limit). */
  async recentStarts(tx: Tx, f: { mac: string | null; clientIp: string; sinceSeconds: number }): Promise<{ byMac: number; byIp: number }> {
    const [row] = await tx<{ byMac: number; byIp: number }[]>`
      select
        (select count(*)::int from hotspot_purchases where ${f.mac}::text is not null and mac = ${f.mac}::text and created_at > now() - make_interval(secs => ${f.sinceSeconds}::int)) as "byMac",
        (select count(*)::int from hotspot_purchases where client_ip = ${f.clientIp} and created_at > now() - make_interval(secs => ${f.sinceSeconds}::int)) as "byIp"`;
    return row!;
  },

  /**
   * Gives a paid purchase its credentials once: the first call stores the code and sealed password, a retry
   * gets the same pair back. A code another guest already holds raises a unique violation (the caller draws again).
   */
  async assignCredentials(tx: Tx, f: { id: string; paymentId: string | null; code: string; passwordEnc: string }): Promise<{ code: string; passwordEnc: string }> {
    const [row] = await tx<{ code: string; passwordEnc: string }[]>`
      update hotspot_purchases set
        access_code = coalesce(access_code, ${f.code}),
        access_password_enc = coalesce(access_password_enc, ${f.passwordEnc}),
        payment_id = coalesce(payment_id, ${f.paymentId}),
        status = case when status in ('awaiting_payment', 'unpaid') then 'provisioning' else status end,
        updated_at = now()
      where id = ${f.id}
      returning access_code as code, access_password_enc as "passwordEnc"`;
    if (!row) throw new Error(`no hotspot purchase ${f.id}`);
    return row;
  },

  async setStatus(
    tx: Tx,
    id: string,
    s: { status: HotspotPurchaseStatus; failure?: string | null; provisionedAt?: Date; expiresAt?: Date; loggedInAt?: Date; endedAt?: Date },
  ): Promise<void> {
    await tx`
      update hotspot_purchases set status = ${s.status},
        failure = ${s.failure === undefined ? tx`failure` : tx`${s.failure}`},
        provisioned_at = coalesce(provisioned_at, ${s.provisionedAt ?? null}),
        expires_at = coalesce(${s.expiresAt ?? null}, expires_at),
        logged_in_at = coalesce(${s.loggedInAt ?? null}, logged_in_at),
        ended_at = coalesce(ended_at, ${s.endedAt ?? null}),
        updated_at = now()
      where id = ${id}`;
  },

  /** Returns false when this purchase was credited already (a retried activity). */
  async creditWallet(tx: Tx, c: { tenantId: string; phone: string; purchaseId: string; amountCents: number; reason: string }): Promise<boolean> {
    const rows = await tx`
      insert into hotspot_wallet_credits (tenant_id, phone, purchase_id, amount_cents, reason)
      values (${c.tenantId}, ${c.phone}, ${c.purchaseId}, ${c.amountCents}, ${c.reason})
      on conflict (purchase_id) do nothing returning id`;
    return rows.length === 1;
  },

  async walletBalance(tx: Tx, tenantId: string, phone: string): Promise<number> {
    const [row] = await tx<{ n: number }[]>`
      select coalesce(sum(amount_cents), 0)::bigint as n from hotspot_wallet_credits where tenant_id = ${tenantId} and phone = ${phone}`;
    return row!.n;
  },

  async list(tx: Tx, tenantId: string, f: HotspotListFilter): Promise<{ rows: HotspotListRow[]; total: number }> {
    const rows = await tx<(HotspotPurchase & { routerName: string; packageName: string; receipt: string | null })[]>`
      select ${columns(tx)}, r.name as "routerName", k.name as "packageName", c.receipt
      from hotspot_purchases p
      join routers r on r.tenant_id = p.tenant_id and r.id = p.router_id
      join packages k on k.tenant_id = p.tenant_id and k.id = p.package_id
      left join mpesa_checkouts c on c.workflow_id = 'mpesa-' || p.tenant_id || '-' || p.id
      where ${filters(tx, tenantId, f)}
      order by p.created_at desc, p.id
      limit ${f.limit} offset ${f.offset}`;
    const [count] = await tx<{ n: number }[]>`select count(*)::int as n from hotspot_purchases p where ${filters(tx, tenantId, f)}`;
    return { rows: rows.map(({ accessPasswordEnc: _a, linkLoginOnly: _l, linkOrig: _o, chapId: _c, chapChallenge: _h, ...rest }) => rest as HotspotListRow), total: count!.n };
  },

  /** Guests whose money went to a wallet because the router never took them: the staff alert, until refunded. */
  async credited(tx: Tx, tenantId: string): Promise<{ count: number; amountCents: number }> {
    const [row] = await tx<{ count: number; amountCents: number }[]>`
      select count(*)::int as count, coalesce(sum(amount_cents), 0)::bigint as "amountCents" from hotspot_purchases
      where tenant_id = ${tenantId} and status = 'credited' and payment_id is not null`;
    return row!;
  },

  /** Paid purchases per router (a wallet credit is not revenue) in the same filter, for the revenue table. */
  async revenueByRouter(tx: Tx, tenantId: string, f: Omit<HotspotListFilter, 'limit' | 'offset'>): Promise<{ routerId: string; routerName: string; purchases: number; revenueCents: number }[]> {
    return tx`
      select p.router_id as "routerId", r.name as "routerName", count(*)::int as purchases, sum(p.amount_cents)::bigint as "revenueCents"
      from hotspot_purchases p join routers r on r.tenant_id = p.tenant_id and r.id = p.router_id
      where ${filters(tx, tenantId, f)} and p.payment_id is not null and p.status <> 'credited'
      group by p.router_id, r.name order by "revenueCents" desc`;
  },
};
