import type { Tx } from '../client';

export interface Tenant {
  id: string;
  name: string;
  slug: string;
  status: 'pending' | 'active' | 'suspended';
  vatRateBp: number;
  timezone: string;
  currency: string;
  paybill: string | null;
  tillNumber: string | null;
  billingMode: 'prepaid' | 'postpaid';
  graceDays: number;
  reminderDays: number[];
  lateFeeBp: number;
  suspendAfterDays: number;
  smsSenderId: string | null;
  brandColor: string;
  logoUrl: string | null;
  kraPin: string | null;
  invoicePrefix: string;
  accountPrefix: string;
  createdAt: Date;
}

export type TenantSettings = Omit<Tenant, 'id' | 'slug' | 'status' | 'createdAt' | 'currency' | 'timezone'>;

const columns = (tx: Tx) => tx`
  id, name, slug, status, vat_rate_bp as "vatRateBp", timezone, currency, paybill, till_number as "tillNumber",
  billing_mode as "billingMode", grace_days as "graceDays", reminder_days as "reminderDays", late_fee_bp as "lateFeeBp",
  suspend_after_days as "suspendAfterDays", sms_sender_id as "smsSenderId", brand_color as "brandColor",
  logo_url as "logoUrl", kra_pin as "kraPin", invoice_prefix as "invoicePrefix", account_prefix as "accountPrefix",
  created_at as "createdAt"`;

export type TenantWithCounts = Tenant & { customers: number; staff: number };

const withCounts = (tx: Tx) => tx`${columns(tx)},
  (select count(*) from customers c where c.tenant_id = t.id) as customers,
  (select count(*) from staff s where s.tenant_id = t.id) as staff`;

export const tenants = {
  async get(tx: Tx, id: string): Promise<Tenant | undefined> {
    const [row] = await tx<Tenant[]>`select ${columns(tx)} from tenants where id = ${id}`;
    return row;
  },

  async bySlug(tx: Tx, slug: string): Promise<Tenant | undefined> {
    const [row] = await tx<Tenant[]>`select ${columns(tx)} from tenants where slug = ${slug}`;
    return row;
  },

  async list(tx: Tx): Promise<TenantWithCounts[]> {
    return tx<TenantWithCounts[]>`select ${withCounts(tx)} from tenants t order by name`;
  },

  async getWithCounts(tx: Tx, id: string): Promise<TenantWithCounts | undefined> {
    const [row] = await tx<TenantWithCounts[]>`select ${withCounts(tx)} from tenants t where id = ${id}`;
    return row;
  },

  async create(tx: Tx, input: { name: string; slug: string; status?: Tenant['status'] }): Promise<Tenant> {
    const [row] = await tx<Tenant[]>`
      insert into tenants (name, slug, status) values (${input.name}, ${input.slug}, ${input.status ?? 'pending'})
      returning ${columns(tx)}`;
    return row!;
  },

  async setStatus(tx: Tx, id: string, status: Tenant['status']): Promise<Tenant | undefined> {
    const [row] = await tx<Tenant[]>`update tenants set status = ${status}, updated_at = now() where id = ${id} returning ${columns(tx)}`;
    return row;
  },

  async updateSettings(tx: Tx, id: string, s: TenantSettings): Promise<Tenant | undefined> {
    const [row] = await tx<Tenant[]>`
      update tenants set name = ${s.name}, vat_rate_bp = ${s.vatRateBp}, paybill = ${s.paybill}, till_number = ${s.tillNumber},
        billing_mode = ${s.billingMode}, grace_days = ${s.graceDays}, reminder_days = ${s.reminderDays},
        late_fee_bp = ${s.lateFeeBp}, suspend_after_days = ${s.suspendAfterDays}, sms_sender_id = ${s.smsSenderId},
        brand_color = ${s.brandColor}, logo_url = ${s.logoUrl}, kra_pin = ${s.kraPin},
        invoice_prefix = ${s.invoicePrefix}, account_prefix = ${s.accountPrefix}, updated_at = now()
      where id = ${id} returning ${columns(tx)}`;
    return row;
  },

  /** Next number in a gap-free per-tenant series; call inside the transaction that uses it. */
  async nextNumber(tx: Tx, tenantId: string, kind: 'account' | 'invoice'): Promise<number> {
    const [row] = await tx<{ last: number }[]>`
      insert into tenant_counters (tenant_id, kind, last) values (${tenantId}, ${kind}, 1)
      on conflict (tenant_id, kind) do update set last = tenant_counters.last + 1
      returning last`;
    return row!.last;
  },
};
