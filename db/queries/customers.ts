import type { Tx } from '../client';
import { tenants } from './tenants';

export const CUSTOMER_STATUSES = ['applied', 'kyc_review', 'rejected', 'installation', 'awaiting_payment', 'active', 'suspended', 'paused', 'terminated'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

export interface Customer {
  id: string;
  tenantId: string;
  accountNumber: string;
  firstName: string;
  lastName: string;
  phone: string;
  email: string | null;
  nationalId: string | null;
  kraPin: string | null;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  status: CustomerStatus;
  resellerId: string | null;
  resellerName: string | null;
  notes: string | null;
  /** The language SMS are rendered in. */
  language: 'en' | 'sw';
  /** Opted out of marketing (campaigns); transactional messages still go. */
  marketingOptOut: boolean;
  createdAt: Date;
}

/** `language` and `marketingOptOut` absent: English and opted in on create, unchanged on update. */
export type CustomerInput = Pick<Customer, 'firstName' | 'lastName' | 'phone' | 'email' | 'nationalId' | 'kraPin' | 'address' | 'latitude' | 'longitude' | 'status' | 'notes'> &
  Partial<Pick<Customer, 'language' | 'marketingOptOut'>>;

/** Who is asking: resellers only ever see the customers they own. */
export interface CustomerScope {
  tenantId: string;
  resellerId?: string | null;
}

const columns = (tx: Tx) => tx`
  c.id, c.tenant_id as "tenantId", c.account_number as "accountNumber", c.first_name as "firstName", c.last_name as "lastName",
  c.phone, c.email, c.national_id as "nationalId", c.kra_pin as "kraPin", c.address,
  c.latitude::float8 as latitude, c.longitude::float8 as longitude, c.status, c.reseller_id as "resellerId",
  r.name as "resellerName", c.notes, c.language, c.marketing_opt_out as "marketingOptOut", c.created_at as "createdAt"`;

const scoped = (tx: Tx, scope: CustomerScope) =>
  tx`c.tenant_id = ${scope.tenantId} ${scope.resellerId ? tx`and c.reseller_id = ${scope.resellerId}` : tx``}`;

export interface CustomerFilter {
  search?: string;
  status?: CustomerStatus;
  limit: number;
  offset: number;
}

function filtered(tx: Tx, scope: CustomerScope, f: Pick<CustomerFilter, 'search' | 'status'>) {
  const term = f.search?.trim();
  const digits = term?.replace(/\D/g, '');
  return tx`${scoped(tx, scope)}
    ${f.status ? tx`and c.status = ${f.status}` : tx``}
    ${term ? tx`and (c.account_number ilike ${`%${term}%`} or (c.first_name || ' ' || c.last_name) ilike ${`%${term}%`}
               or c.national_id = ${term} ${digits && digits.length >= 4 ? tx`or c.phone like ${`%${digits.replace(/^0/, '')}%`}` : tx``})` : tx``}`;
}

export function formatAccountNumber(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(5, '0')}`;
}

export const customers = {
  async list(tx: Tx, scope: CustomerScope, f: CustomerFilter): Promise<{ rows: Customer[]; total: number }> {
    const where = filtered(tx, scope, f);
    const rows = await tx<Customer[]>`
      select ${columns(tx)} from customers c left join staff r on r.id = c.reseller_id
      where ${where} order by c.created_at desc, c.account_number desc limit ${f.limit} offset ${f.offset}`;
    const [count] = await tx<{ n: number }[]>`select count(*) as n from customers c where ${where}`;
    return { rows, total: count!.n };
  },

  /** The list's filter without paging, for CSV export; capped so one request cannot hold a huge tenant in memory. */
  async listAll(tx: Tx, scope: CustomerScope, f: Omit<CustomerFilter, 'limit' | 'offset'>, cap = 100_000): Promise<Customer[]> {
    return tx<Customer[]>`
      select ${columns(tx)} from customers c left join staff r on r.id = c.reseller_id
      where ${filtered(tx, scope, f)} order by c.account_number limit ${cap}`;
  },

  async get(tx: Tx, scope: CustomerScope, id: string): Promise<Customer | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await tx<Customer[]>`
      select ${columns(tx)} from customers c left join staff r on r.id = c.reseller_id where ${scoped(tx, scope)} and c.id = ${id}`;
    return row;
  },

  async create(tx: Tx, tenantId: string, input: CustomerInput & { resellerId?: string | null }): Promise<Customer> {
    const tenant = await tenants.get(tx, tenantId);
    if (!tenant) throw new Error(`tenant ${tenantId} not found`);
    const accountNumber = formatAccountNumber(tenant.accountPrefix, await tenants.nextNumber(tx, tenantId, 'account'));
    const [row] = await tx<{ id: string }[]>`
      insert into customers (tenant_id, account_number, first_name, last_name, phone, email, national_id, kra_pin, address,
        latitude, longitude, status, reseller_id, notes, language, marketing_opt_out, marketing_opt_out_at)
      values (${tenantId}, ${accountNumber}, ${input.firstName}, ${input.lastName}, ${input.phone}, ${input.email}, ${input.nationalId},
        ${input.kraPin}, ${input.address}, ${input.latitude}, ${input.longitude}, ${input.status}, ${input.resellerId ?? null}, ${input.notes},
        ${input.language ?? 'en'}, ${input.marketingOptOut ?? false}, ${input.marketingOptOut ? new Date() : null})
      returning id`;
    return (await customers.get(tx, { tenantId }, row!.id))!;
  },

  /**
   * Many customers in a few statements: one counter bump reserves the whole block of account numbers
   * (still gap-free, since it commits or rolls back with the rows), then multi-row inserts.
   */
  async createMany(tx: Tx, tenantId: string, inputs: readonly CustomerInput[], resellerId: string | null = null): Promise<{ id: string; accountNumber: string }[]> {
    if (inputs.length === 0) return [];
    const tenant = await tenants.get(tx, tenantId);
    if (!tenant) throw new Error(`tenant ${tenantId} not found`);
    const [counter] = await tx<{ last: number }[]>`
      insert into tenant_counters (tenant_id, kind, last) values (${tenantId}, 'account', ${inputs.length})
      on conflict (tenant_id, kind) do update set last = tenant_counters.last + ${inputs.length}
      returning last`;
    const first = counter!.last - inputs.length + 1;
    const now = new Date();
    const rows = inputs.map((c, i) => ({
      tenant_id: tenantId,
      account_number: formatAccountNumber(tenant.accountPrefix, first + i),
      first_name: c.firstName,
      last_name: c.lastName,
      phone: c.phone,
      email: c.email,
      national_id: c.nationalId,
      kra_pin: c.kraPin,
      address: c.address,
      latitude: c.latitude,
      longitude: c.longitude,
      status: c.status,
      reseller_id: resellerId,
      notes: c.notes,
      // Rows staged before these columns existed carry neither.
      language: c.language ?? 'en',
      marketing_opt_out: c.marketingOptOut ?? false,
      marketing_opt_out_at: c.marketingOptOut ? now : null,
    }));
    const created: { id: string; accountNumber: string }[] = [];
    // 17 parameters a row: 2,000 rows stay well under Postgres's 65,535-parameter limit.
    for (let i = 0; i < rows.length; i += 2_000) {
      created.push(...(await tx<{ id: string; accountNumber: string }[]>`
        insert into customers ${tx(rows.slice(i, i + 2_000))} returning id, account_number as "accountNumber"`));
    }
    return created;
  },

  /** Which of these phones and national IDs already belong to a customer of the tenant. */
  async existingIdentities(tx: Tx, tenantId: string, probe: { phones: string[]; nationalIds: string[] }): Promise<{ phones: Set<string>; nationalIds: Set<string> }> {
    const rows = await tx<{ phone: string; nationalId: string | null }[]>`
      select phone, national_id as "nationalId" from customers
      where tenant_id = ${tenantId} and (phone = any(${tx.array(probe.phones, 25)}) or national_id = any(${tx.array(probe.nationalIds, 25)}))`;
    return { phones: new Set(rows.map((r) => r.phone)), nationalIds: new Set(rows.flatMap((r) => (r.nationalId ? [r.nationalId] : []))) };
  },

  async update(tx: Tx, scope: CustomerScope, id: string, input: CustomerInput): Promise<Customer | undefined> {
    const [row] = await tx<{ id: string }[]>`
      update customers c set first_name = ${input.firstName}, last_name = ${input.lastName}, phone = ${input.phone},
        email = ${input.email}, national_id = ${input.nationalId}, kra_pin = ${input.kraPin}, address = ${input.address},
        latitude = ${input.latitude}, longitude = ${input.longitude}, status = ${input.status}, notes = ${input.notes},
        language = coalesce(${input.language ?? null}, c.language),
        marketing_opt_out = coalesce(${input.marketingOptOut ?? null}, c.marketing_opt_out),
        -- When they opted out is kept across edits, and cleared when they opt back in.
        marketing_opt_out_at = case when coalesce(${input.marketingOptOut ?? null}, c.marketing_opt_out) then coalesce(c.marketing_opt_out_at, now()) end,
        updated_at = now()
      where ${scoped(tx, scope)} and c.id = ${id} returning c.id`;
    return row ? customers.get(tx, scope, row.id) : undefined;
  },

  /** Existing customers sharing a national ID or phone: flagged to staff, never silently merged. */
  async possibleDuplicates(tx: Tx, tenantId: string, probe: { phone: string; nationalId: string | null; exceptId?: string }): Promise<Pick<Customer, 'id' | 'accountNumber' | 'firstName' | 'lastName' | 'phone' | 'nationalId' | 'resellerId'>[]> {
    return tx`
      select id, account_number as "accountNumber", first_name as "firstName", last_name as "lastName", phone, national_id as "nationalId",
        reseller_id as "resellerId"
      from customers where tenant_id = ${tenantId}
        and (phone = ${probe.phone} ${probe.nationalId ? tx`or national_id = ${probe.nationalId}` : tx``})
        ${probe.exceptId ? tx`and id <> ${probe.exceptId}` : tx``}
      order by created_at limit 5`;
  },

  async countByStatus(tx: Tx, scope: CustomerScope): Promise<Record<CustomerStatus, number>> {
    const rows = await tx<{ status: CustomerStatus; n: number }[]>`
      select c.status, count(*) as n from customers c where ${scoped(tx, scope)} group by c.status`;
    const counts = Object.fromEntries(CUSTOMER_STATUSES.map((s) => [s, 0])) as Record<CustomerStatus, number>;
    for (const r of rows) counts[r.status] = r.n;
    return counts;
  },
};

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
