import type { Tx } from '../client';
import type { CustomerScope, CustomerStatus } from './customers';

export const DOCUMENT_KINDS = ['national_id', 'kra_pin', 'other'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
export type DocumentType = 'image/jpeg' | 'image/png' | 'application/pdf';

export interface DocumentInfo {
  id: string;
  kind: DocumentKind;
  filename: string;
  contentType: DocumentType;
  sizeBytes: number;
  /** ISO text: documents come back as JSON. */
  uploadedAt: string;
}

export interface Application {
  id: string;
  accountNumber: string;
  firstName: string;
  lastName: string;
  phone: string;
  nationalId: string | null;
  kraPin: string | null;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  requestedPackage: string | null;
  workflowId: string | null;
  createdAt: Date;
  documents: DocumentInfo[];
}

/** What the customer page needs beyond the profile: the lifecycle's keys and the DB projection. */
export interface LifecycleRecord {
  workflowId: string | null;
  requestedPackageId: string | null;
  requestedPackage: string | null;
  rejectionReason: string | null;
  subscription: { packageId: string; packageName: string; routerName: string | null; serviceUsername: string; status: string; expiresAt: Date | null } | null;
}

// Resellers only reach their own customers; everything here is filtered through this.
const mine = (tx: Tx, scope: CustomerScope) =>
  tx`c.tenant_id = ${scope.tenantId} ${scope.resellerId ? tx`and c.reseller_id = ${scope.resellerId}` : tx``}`;

const documentsOf = (tx: Tx) => tx`
  coalesce((select json_agg(json_build_object('id', d.id, 'kind', d.kind, 'filename', d.filename, 'contentType', d.content_type,
      'sizeBytes', d.size_bytes, 'uploadedAt', d.uploaded_at) order by d.uploaded_at, d.id)
    from customer_documents d where d.tenant_id = c.tenant_id and d.customer_id = c.id), '[]'::json)`;

export const applications = {
  /** The KYC queue: oldest application first, so nobody waits behind later arrivals. */
  async queue(tx: Tx, scope: CustomerScope, page: { limit: number; offset: number }): Promise<{ rows: Application[]; total: number }> {
    const rows = await tx<Application[]>`
      select c.id, c.account_number as "accountNumber", c.first_name as "firstName", c.last_name as "lastName", c.phone,
        c.national_id as "nationalId", c.kra_pin as "kraPin", c.address, c.latitude::float8 as latitude, c.longitude::float8 as longitude,
        p.name as "requestedPackage", c.workflow_id as "workflowId", c.created_at as "createdAt", ${documentsOf(tx)} as documents
      from customers c left join packages p on p.tenant_id = c.tenant_id and p.id = c.requested_package_id
      where ${mine(tx, scope)} and c.status = 'kyc_review'
      order by c.created_at, c.id limit ${page.limit} offset ${page.offset}`;
    const [count] = await tx<{ n: number }[]>`select count(*)::int as n from customers c where ${mine(tx, scope)} and c.status = 'kyc_review'`;
    return { rows, total: count!.n };
  },

  async setRequestedPackage(tx: Tx, tenantId: string, customerId: string, packageId: string | null): Promise<void> {
    await tx`update customers set requested_package_id = ${packageId}, updated_at = now() where tenant_id = ${tenantId} and id = ${customerId}`;
  },

  async addDocument(tx: Tx, d: { tenantId: string; customerId: string; kind: DocumentKind; filename: string; contentType: DocumentType; data: Uint8Array; uploadedBy: string | null }): Promise<string> {
    const [row] = await tx<{ id: string }[]>`
      insert into customer_documents (tenant_id, customer_id, kind, filename, content_type, size_bytes, data, uploaded_by)
      values (${d.tenantId}, ${d.customerId}, ${d.kind}, ${d.filename}, ${d.contentType}, ${d.data.byteLength}, ${Buffer.from(d.data)}, ${d.uploadedBy})
      returning id`;
    return row!.id;
  },

  async documents(tx: Tx, scope: CustomerScope, customerId: string): Promise<DocumentInfo[]> {
    const [row] = await tx<{ documents: DocumentInfo[] }[]>`select ${documentsOf(tx)} as documents from customers c where ${mine(tx, scope)} and c.id = ${customerId}`;
    return row?.documents ?? [];
  },

  /** One document with its bytes, only through a customer the asker may see. */
  async document(tx: Tx, scope: CustomerScope, id: string): Promise<(DocumentInfo & { data: Buffer }) | undefined> {
    const [row] = await tx<(DocumentInfo & { data: Buffer })[]>`
      select d.id, d.kind, d.filename, d.content_type as "contentType", d.size_bytes as "sizeBytes", d.uploaded_at as "uploadedAt", d.data
      from customer_documents d join customers c on c.tenant_id = d.tenant_id and c.id = d.customer_id
      where ${mine(tx, scope)} and d.id = ${id}`;
    return row;
  },

  async lifecycleRecord(tx: Tx, scope: CustomerScope, customerId: string): Promise<LifecycleRecord | undefined> {
    const [row] = await tx<Omit<LifecycleRecord, 'subscription'>[]>`
      select c.workflow_id as "workflowId", c.requested_package_id as "requestedPackageId", p.name as "requestedPackage",
        c.rejection_reason as "rejectionReason"
      from customers c left join packages p on p.tenant_id = c.tenant_id and p.id = c.requested_package_id
      where ${mine(tx, scope)} and c.id = ${customerId}`;
    if (!row) return undefined;
    const [sub] = await tx<NonNullable<LifecycleRecord['subscription']>[]>`
      select s.package_id as "packageId", p.name as "packageName", r.name as "routerName", s.service_username as "serviceUsername",
        s.status, s.expires_at as "expiresAt"
      from subscriptions s join packages p on p.tenant_id = s.tenant_id and p.id = s.package_id
        left join routers r on r.tenant_id = s.tenant_id and r.id = s.router_id
      where s.tenant_id = ${scope.tenantId} and s.customer_id = ${customerId} and s.status <> 'cancelled' and p.kind = 'pppoe'
      order by s.created_at desc limit 1`;
    return { ...row, subscription: sub ?? null };
  },

  /** Customers created before their lifecycle could start (Temporal was down), or imported: for "Start lifecycles". */
  async withoutLifecycle(tx: Tx, scope: CustomerScope, limit: number): Promise<{ id: string; accountNumber: string; phone: string }[]> {
    return tx`
      select c.id, c.account_number as "accountNumber", c.phone from customers c
      where ${mine(tx, scope)} and c.workflow_id is null and c.status not in ('rejected', 'terminated')
      order by c.created_at, c.id limit ${limit}`;
  },

  async countWithoutLifecycle(tx: Tx, scope: CustomerScope): Promise<number> {
    const [row] = await tx<{ n: number }[]>`
      select count(*)::int as n from customers c where ${mine(tx, scope)} and c.workflow_id is null and c.status not in ('rejected', 'terminated')`;
    return row!.n;
  },

  async lockStatus(tx: Tx, tenantId: string, customerId: string): Promise<CustomerStatus | undefined> {
    const [row] = await tx<{ status: CustomerStatus }[]>`select status from customers where tenant_id = ${tenantId} and id = ${customerId} for update`;
    return row?.status;
  },

  async timelineCount(tx: Tx, tenantId: string, customerId: string): Promise<number> {
    const [row] = await tx<{ n: number }[]>`select count(*)::int as n from lifecycle_events where tenant_id = ${tenantId} and customer_id = ${customerId}`;
    return row!.n;
  },
};
