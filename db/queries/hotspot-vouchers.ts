import type { Tx } from '../client';
import { newVoucherCode } from '../../domain/hotspot';
import { isUuid } from './customers';
import { hotspot, type HotspotPurchase, type NewHotspotPurchase } from './hotspot';

export type VoucherState = 'unused' | 'in_use' | 'expired' | 'revoked';

export interface VoucherBatch {
  id: string;
  tenantId: string;
  packageId: string;
  packageName: string;
  count: number;
  prefix: string;
  expiresAt: Date;
  createdAt: Date;
  createdByName: string | null;
  unused: number;
  inUse: number;
  expired: number;
  revoked: number;
}

export interface Voucher {
  id: string;
  code: string;
  /** `expired` is an unused voucher past its batch's date. */
  state: VoucherState;
  redeemedAt: Date | null;
  redeemedMac: string | null;
  purchaseId: string | null;
}

const batchColumns = (tx: Tx) => tx`
  b.id, b.tenant_id as "tenantId", b.package_id as "packageId", k.name as "packageName", b.count, b.prefix, b.expires_at as "expiresAt",
  b.created_at as "createdAt", s.name as "createdByName",
  (select count(*)::int from hotspot_vouchers v where v.batch_id = b.id and v.state = 'unused' and b.expires_at > now()) as unused,
  (select count(*)::int from hotspot_vouchers v where v.batch_id = b.id and v.state = 'in_use') as "inUse",
  (select count(*)::int from hotspot_vouchers v where v.batch_id = b.id and v.state = 'unused' and b.expires_at <= now()) as expired,
  (select count(*)::int from hotspot_vouchers v where v.batch_id = b.id and v.state = 'revoked') as revoked`;

export type RedeemResult =
  | { ok: true; purchase: HotspotPurchase }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | 'used'; purchaseId?: string };

export const hotspotVouchers = {
  /** A batch and its codes in one go; a code that collides with an existing one (unique per ISP) is drawn again. */
  async createBatch(tx: Tx, b: { tenantId: string; packageId: string; count: number; prefix: string; expiresAt: Date; createdBy: string | null }): Promise<string> {
    const [batch] = await tx<{ id: string }[]>`
      insert into hotspot_voucher_batches (tenant_id, package_id, count, prefix, expires_at, created_by)
      values (${b.tenantId}, ${b.packageId}, ${b.count}, ${b.prefix}, ${b.expiresAt}, ${b.createdBy}) returning id`;
    let made = 0;
    for (let round = 0; made < b.count && round < 5; round++) {
      const rows = Array.from({ length: b.count - made }, () => ({ tenant_id: b.tenantId, batch_id: batch!.id, code: newVoucherCode(b.prefix) }));
      const inserted = await tx`insert into hotspot_vouchers ${tx(rows)} on conflict (tenant_id, code) do nothing returning id`;
      made += inserted.length;
    }
    if (made < b.count) throw new Error(`only ${made} of ${b.count} voucher codes could be drawn`);
    return batch!.id;
  },

  async listBatches(tx: Tx, tenantId: string): Promise<VoucherBatch[]> {
    return tx<VoucherBatch[]>`
      select ${batchColumns(tx)} from hotspot_voucher_batches b
      join packages k on k.tenant_id = b.tenant_id and k.id = b.package_id left join staff s on s.id = b.created_by
      where b.tenant_id = ${tenantId} order by b.created_at desc limit 200`;
  },

  async getBatch(tx: Tx, tenantId: string, id: string): Promise<VoucherBatch | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await tx<VoucherBatch[]>`
      select ${batchColumns(tx)} from hotspot_voucher_batches b
      join packages k on k.tenant_id = b.tenant_id and k.id = b.package_id left join staff s on s.id = b.created_by
      where b.tenant_id = ${tenantId} and b.id = ${id}`;
    return row;
  },

  async vouchers(tx: Tx, tenantId: string, batchId: string): Promise<Voucher[]> {
    return tx<Voucher[]>`
      select v.id, v.code,
        case when v.state = 'unused' and b.expires_at <= now() then 'expired' else v.state end as state,
        v.redeemed_at as "redeemedAt", v.redeemed_mac as "redeemedMac", v.purchase_id as "purchaseId"
      from hotspot_vouchers v join hotspot_voucher_batches b on b.id = v.batch_id
      where v.tenant_id = ${tenantId} and v.batch_id = ${batchId} order by v.code`;
  },

  /** Revokes the batch's unused codes (or one of them); codes in use run to their end. Returns how many. */
  async revoke(tx: Tx, tenantId: string, batchId: string, voucherId?: string): Promise<number> {
    const rows = await tx`
      update hotspot_vouchers set state = 'revoked', revoked_at = now()
      where tenant_id = ${tenantId} and batch_id = ${batchId} and state = 'unused' ${voucherId ? tx`and id = ${voucherId}` : tx``}
      returning id`;
    return rows.length;
  },

  /**
   * Turns an unused, unexpired voucher into a purchase (no phone, no payment), atomically: the voucher row is
   * locked, so two devices typing the same card at once get one purchase between them.
   */
  async redeem(tx: Tx, f: { tenantId: string; code: string; purchase: Omit<NewHotspotPurchase, 'tenantId' | 'packageId' | 'phone' | 'amountCents'> }): Promise<RedeemResult> {
    const [v] = await tx<{ id: string; state: string; purchaseId: string | null; expiresAt: Date; packageId: string; priceCents: number }[]>`
      select v.id, v.state, v.purchase_id as "purchaseId", b.expires_at as "expiresAt", b.package_id as "packageId", k.price_cents as "priceCents"
      from hotspot_vouchers v join hotspot_voucher_batches b on b.id = v.batch_id join packages k on k.id = b.package_id
      where v.tenant_id = ${f.tenantId} and v.code = ${f.code} for update of v`;
    if (!v) return { ok: false, reason: 'unknown' };
    if (v.state === 'revoked') return { ok: false, reason: 'revoked' };
    if (v.state === 'in_use') return { ok: false, reason: 'used', purchaseId: v.purchaseId! };
    if (v.expiresAt.getTime() <= Date.now()) return { ok: false, reason: 'expired' };
    const purchase = await hotspot.create(tx, { ...f.purchase, tenantId: f.tenantId, packageId: v.packageId, phone: null, amountCents: v.priceCents, voucherId: v.id });
    await tx`update hotspot_vouchers set state = 'in_use', purchase_id = ${purchase.id}, redeemed_at = now(), redeemed_mac = ${f.purchase.mac} where id = ${v.id}`;
    return { ok: true, purchase };
  },

  /** The router never took the guest: the card works again (no money changed hands). */
  async release(tx: Tx, purchaseId: string): Promise<boolean> {
    const rows = await tx`update hotspot_vouchers set state = 'unused', purchase_id = null, redeemed_at = null, redeemed_mac = null
      where purchase_id = ${purchaseId} returning id`;
    return rows.length === 1;
  },
};
