import type { Tx } from '../client';
import type { CustomerInput } from './customers';

/** A row that passed validation, waiting for staff to confirm the import. `line` is where it sits in the file. */
export interface StagedRow {
  line: number;
  customer: CustomerInput;
}

/** A row that will not be imported, and every reason why, in words staff can fix the file with. */
export interface RejectedRow {
  line: number;
  label: string;
  reasons: string[];
}

export interface CustomerImport {
  id: string;
  filename: string;
  totalRows: number;
  validCount: number;
  status: 'pending' | 'imported' | 'discarded';
  imported: number | null;
  createdAt: Date;
  importedAt: Date | null;
  /** The first few valid rows, for the preview. */
  preview: StagedRow[];
  errors: RejectedRow[];
}

export const PREVIEW_ROWS = 20;

export const customerImports = {
  async create(
    tx: Tx,
    tenantId: string,
    i: { staffId: string; filename: string; totalRows: number; validRows: StagedRow[]; errors: RejectedRow[] },
  ): Promise<{ id: string }> {
    const [row] = await tx<{ id: string }[]>`
      insert into customer_imports (tenant_id, staff_id, filename, total_rows, valid_rows, errors)
      values (${tenantId}, ${i.staffId}, ${i.filename}, ${i.totalRows}, ${tx.json(i.validRows as never)}, ${tx.json(i.errors as never)})
      returning id`;
    return row!;
  },

  /** Only the uploader sees a staged import: it may hold customers' personal details not yet in the system. */
  async get(tx: Tx, tenantId: string, staffId: string, id: string): Promise<CustomerImport | undefined> {
    const [row] = await tx<CustomerImport[]>`
      select id, filename, total_rows as "totalRows", jsonb_array_length(valid_rows) as "validCount", status, imported,
        created_at as "createdAt", imported_at as "importedAt", errors,
        coalesce((select jsonb_agg(r order by n) from jsonb_array_elements(valid_rows) with ordinality as v(r, n) where n <= ${PREVIEW_ROWS}), '[]') as preview
      from customer_imports where tenant_id = ${tenantId} and staff_id = ${staffId} and id = ${id}`;
    return row;
  },

  /**
   * Locks a pending import and returns its rows, or nothing when it was already imported or discarded.
   * A second confirm waits on the lock, then finds the status changed: a file is never imported twice.
   */
  async claim(tx: Tx, tenantId: string, staffId: string, id: string): Promise<{ filename: string; validRows: StagedRow[]; rejected: number } | undefined> {
    const [row] = await tx<{ filename: string; validRows: StagedRow[]; rejected: number }[]>`
      select filename, valid_rows as "validRows", jsonb_array_length(errors) as rejected from customer_imports
      where tenant_id = ${tenantId} and staff_id = ${staffId} and id = ${id} and status = 'pending' for update`;
    return row;
  },

  // The staged copy of personal details is dropped once it has served its purpose; rejected rows stay
  // so staff can still fix and re-upload them.
  async markImported(tx: Tx, tenantId: string, id: string, imported: number): Promise<void> {
    await tx`
      update customer_imports set status = 'imported', imported = ${imported}, imported_at = now(), valid_rows = '[]'
      where tenant_id = ${tenantId} and id = ${id}`;
  },

  async discard(tx: Tx, tenantId: string, staffId: string, id: string): Promise<boolean> {
    const rows = await tx`update customer_imports set status = 'discarded', valid_rows = '[]' where tenant_id = ${tenantId} and staff_id = ${staffId} and id = ${id} and status = 'pending' returning id`;
    return rows.length > 0;
  },
};
