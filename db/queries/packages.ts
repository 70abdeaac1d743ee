import type { Tx } from '../client';

export interface Package {
  id: string;
  tenantId: string;
  kind: 'pppoe' | 'hotspot';
  name: string;
  downloadKbps: number;
  uploadKbps: number;
  burstDownloadKbps: number | null;
  burstUploadKbps: number | null;
  dataCapBytes: number | null;
  priceCents: number;
  validityUnit: 'month' | 'day' | 'hour';
  validityCount: number;
  sharedDevices: number;
  active: boolean;
  sortOrder: number;
}

export type PackageInput = Omit<Package, 'id' | 'tenantId'>;

const columns = (tx: Tx) => tx`
  id, tenant_id as "tenantId", kind, name, download_kbps as "downloadKbps", upload_kbps as "uploadKbps",
  burst_download_kbps as "burstDownloadKbps", burst_upload_kbps as "burstUploadKbps", data_cap_bytes as "dataCapBytes",
  price_cents as "priceCents", validity_unit as "validityUnit", validity_count as "validityCount",
  shared_devices as "sharedDevices", active, sort_order as "sortOrder"`;

export const packages = {
  async list(tx: Tx, tenantId: string, opts: { kind?: Package['kind']; activeOnly?: boolean } = {}): Promise<Package[]> {
    return tx<Package[]>`
      select ${columns(tx)} from packages where tenant_id = ${tenantId}
      ${opts.kind ? tx`and kind = ${opts.kind}` : tx``} ${opts.activeOnly ? tx`and active` : tx``}
      order by kind, sort_order, price_cents, name`;
  },

  async get(tx: Tx, tenantId: string, id: string): Promise<Package | undefined> {
    const [row] = await tx<Package[]>`select ${columns(tx)} from packages where tenant_id = ${tenantId} and id = ${id}`;
    return row;
  },

  async create(tx: Tx, tenantId: string, p: PackageInput): Promise<Package> {
    const [row] = await tx<Package[]>`
      insert into packages (tenant_id, kind, name, download_kbps, upload_kbps, burst_download_kbps, burst_upload_kbps,
        data_cap_bytes, price_cents, validity_unit, validity_count, shared_devices, active, sort_order)
      values (${tenantId}, ${p.kind}, ${p.name}, ${p.downloadKbps}, ${p.uploadKbps}, ${p.burstDownloadKbps}, ${p.burstUploadKbps},
        ${p.dataCapBytes}, ${p.priceCents}, ${p.validityUnit}, ${p.validityCount}, ${p.sharedDevices}, ${p.active}, ${p.sortOrder})
      returning ${columns(tx)}`;
    return row!;
  },

  async update(tx: Tx, tenantId: string, id: string, p: PackageInput): Promise<Package | undefined> {
    const [row] = await tx<Package[]>`
      update packages set kind = ${p.kind}, name = ${p.name}, download_kbps = ${p.downloadKbps}, upload_kbps = ${p.uploadKbps},
        burst_download_kbps = ${p.burstDownloadKbps}, burst_upload_kbps = ${p.burstUploadKbps}, data_cap_bytes = ${p.dataCapBytes},
        price_cents = ${p.priceCents}, validity_unit = ${p.validityUnit}, validity_count = ${p.validityCount},
        shared_devices = ${p.sharedDevices}, active = ${p.active}, sort_order = ${p.sortOrder}, updated_at = now()
      where tenant_id = ${tenantId} and id = ${id} returning ${columns(tx)}`;
    return row;
  },

  async nameTaken(tx: Tx, tenantId: string, name: string, exceptId?: string): Promise<boolean> {
    const [row] = await tx`select 1 from packages where tenant_id = ${tenantId} and lower(name) = lower(${name})
      ${exceptId ? tx`and id <> ${exceptId}` : tx``}`;
    return Boolean(row);
  },
};
