import { CsvError, parse, type Info } from 'csv-parse/sync';
import { InvalidInputError, readSheet } from 'read-excel-file/node';
import type { Sql, Tx } from '../../../db/client';
import { audit, type AuditActor } from '../../../db/queries/audit';
import { customerImports, type RejectedRow, type StagedRow } from '../../../db/queries/customer-imports';
import { customers, type CustomerInput } from '../../../db/queries/customers';
import { formatKenyanPhone } from '../../../domain/phone';
import { customerSchema } from '../forms/customer';

export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
export const MAX_ROWS = 10_000;

/** A problem with the file as a whole (not one row): shown to staff as is, with a 400. */
export class ImportFileError extends Error {}

/** Header titles as people write them ("First name", "first_name", "FIRST NAME") → form field. */
const COLUMNS = {
  firstname: 'firstName',
  lastname: 'lastName',
  phone: 'phone',
  email: 'email',
  nationalid: 'nationalId',
  krapin: 'kraPin',
  address: 'address',
  latitude: 'latitude',
  longitude: 'longitude',
  notes: 'notes',
  language: 'language',
  marketingoptout: 'marketingOptOut',
} as const satisfies Record<string, keyof CustomerInput>;
type Column = (typeof COLUMNS)[keyof typeof COLUMNS];
export const IMPORT_HEADERS = ['first_name', 'last_name', 'phone', 'email', 'national_id', 'kra_pin', 'address', 'latitude', 'longitude', 'notes', 'language', 'marketing_opt_out'];
const REQUIRED_HEADERS = ['first_name', 'last_name', 'phone'];

/** One data row of the file, keyed by form field; `line` is the row number staff see in their editor. */
export interface SourceRow {
  line: number;
  cells: Partial<Record<Column, string>>;
}

type Table = { line: number; cells: string[] }[];

export const headerKey = (title: string) => title.toLowerCase().replace(/[^a-z0-9]/g, '');

export async function readCustomerFile(filename: string, bytes: Uint8Array): Promise<SourceRow[]> {
  const table = fileKind(filename, bytes) === 'xlsx' ? await readXlsx(bytes) : readCsv(bytes);
  return toSourceRows(table);
}

function fileKind(filename: string, bytes: Uint8Array): 'csv' | 'xlsx' {
  const name = filename.toLowerCase();
  // Zip magic: an .xlsx is a zip; a CSV never starts with "PK\x03\x04".
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  if (name.endsWith('.xlsx') && isZip) return 'xlsx';
  if (name.endsWith('.csv') && !isZip && !bytes.includes(0)) return 'csv';
  if (name.endsWith('.xls')) throw new ImportFileError('Old Excel files (.xls) cannot be read. In Excel, use "Save As" → Excel Workbook (.xlsx) or CSV, then upload that.');
  throw new ImportFileError(`${filename} is not a CSV or Excel (.xlsx) file. Upload a .csv or .xlsx file.`);
}

function readCsv(bytes: Uint8Array): Table {
  try {
    // With `info`, each record comes with where it was read; the library's types do not model that option.
    const records = parse(bytes, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: true, info: true }) as unknown as { record: string[]; info: Info }[];
    // info.lines is where a record ends; step back over line breaks inside quoted cells to where it starts.
    return records.map(({ record, info }) => ({ line: info.lines - record.join('').split('\n').length + 1, cells: record }));
  } catch (err) {
    if (err instanceof CsvError) throw new ImportFileError(`The CSV file could not be read: ${err.message}`);
    throw err;
  }
}

async function readXlsx(bytes: Uint8Array): Promise<Table> {
  try {
    const rows = await readSheet(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return rows.map((row, i) => ({ line: i + 1, cells: row.map(cellText) }));
  } catch (err) {
    if (err instanceof InvalidInputError) throw new ImportFileError('The Excel file could not be read. Open it in Excel, save it as .xlsx and try again.');
    throw err;
  }
}

// Excel stores 0712 345 678 typed as a number as 712345678; the phone rules accept that form.
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).trim();
}

function toSourceRows(table: Table): SourceRow[] {
  const nonEmpty = table.filter((r) => r.cells.some((c) => c !== ''));
  const [header, ...data] = nonEmpty;
  if (!header) throw new ImportFileError('The file is empty. The first row should be the column titles, then one customer per row.');
  const fields = header.cells.map((title) => COLUMNS[headerKey(title) as keyof typeof COLUMNS]);
  const missing = REQUIRED_HEADERS.filter((h) => !fields.includes(COLUMNS[headerKey(h) as keyof typeof COLUMNS]));
  if (missing.length > 0) {
    throw new ImportFileError(`The first row must name the columns; missing: ${missing.join(', ')}. Columns read: ${IMPORT_HEADERS.join(', ')}.`);
  }
  if (data.length === 0) throw new ImportFileError('The file has column titles but no customers.');
  if (data.length > MAX_ROWS) throw new ImportFileError(`The file has ${data.length} customers; import at most ${MAX_ROWS} at a time.`);
  return data.map(({ line, cells }) => {
    const row: SourceRow = { line, cells: {} };
    fields.forEach((field, i) => {
      const value = cells[i];
      if (field && value) row.cells[field] = value;
    });
    return row;
  });
}

export interface Screened {
  valid: StagedRow[];
  rejected: RejectedRow[];
}

/** Every row through the customer form's own rules, then duplicates within the file and against the tenant. */
export async function validateCustomerRows(sql: Tx, tenantId: string, rows: SourceRow[]): Promise<Screened> {
  const checked = rows.map(checkRow);
  const parsed = checked.flatMap((c) => (c.customer ? [c.customer] : []));
  const existing = await customers.existingIdentities(sql, tenantId, {
    phones: parsed.map((c) => c.phone),
    nationalIds: parsed.flatMap((c) => (c.nationalId ? [c.nationalId] : [])),
  });
  return screenDuplicates(checked, existing);
}

interface Checked {
  line: number;
  label: string;
  customer?: CustomerInput;
  reasons: string[];
}

function checkRow({ line, cells }: SourceRow): Checked {
  const label = [cells.firstName, cells.lastName].filter(Boolean).join(' ') || cells.phone || '—';
  const result = customerSchema.safeParse(cells);
  if (result.success) return { line, label, customer: result.data, reasons: [] };
  return { line, label, reasons: [...new Set(result.error.issues.map((i) => i.message))] };
}

function screenDuplicates(checked: Checked[], existing: { phones: Set<string>; nationalIds: Set<string> }): Screened {
  const phoneLine = new Map<string, number>();
  const idLine = new Map<string, number>();
  const valid: StagedRow[] = [];
  const rejected: RejectedRow[] = [];
  for (const row of checked) {
    const c = row.customer;
    const reasons = [...row.reasons];
    if (c) {
      const samePhone = phoneLine.get(c.phone);
      const sameId = c.nationalId ? idLine.get(c.nationalId) : undefined;
      if (existing.phones.has(c.phone)) reasons.push(`Phone ${formatKenyanPhone(c.phone)} already belongs to a customer`);
      else if (samePhone) reasons.push(`Same phone as line ${samePhone}`);
      if (c.nationalId && existing.nationalIds.has(c.nationalId)) reasons.push(`National ID ${c.nationalId} already belongs to a customer`);
      else if (sameId) reasons.push(`Same national ID as line ${sameId}`);
      if (!phoneLine.has(c.phone)) phoneLine.set(c.phone, row.line);
      if (c.nationalId && !idLine.has(c.nationalId)) idLine.set(c.nationalId, row.line);
    }
    if (c && reasons.length === 0) valid.push({ line: row.line, customer: c });
    else rejected.push({ line: row.line, label: row.label, reasons });
  }
  return { valid, rejected };
}

/** Step 1: read, validate and stage a file; nothing reaches `customers` until staff confirm. */
export async function stageCustomerFile(sql: Sql, who: { tenantId: string; staffId: string }, filename: string, bytes: Uint8Array): Promise<{ id: string } & Screened> {
  const rows = await readCustomerFile(filename, bytes);
  const screened = await validateCustomerRows(sql, who.tenantId, rows);
  const { id } = await customerImports.create(sql, who.tenantId, { staffId: who.staffId, filename, totalRows: rows.length, validRows: screened.valid, errors: screened.rejected });
  return { id, ...screened };
}

export type ImportOutcome = { done: false } | { done: true; imported: number; skipped: number; rejected: number };

/**
 * Step 2: every staged row in one transaction, or none. Rows whose phone or national ID was taken by
 * someone else since the preview are skipped rather than failing the whole file.
 */
export async function importStaged(
  sql: Sql,
  who: { tenantId: string; staffId: string; resellerId: string | null; actor: AuditActor },
  importId: string,
): Promise<ImportOutcome> {
  return sql.begin(async (tx): Promise<ImportOutcome> => {
    const staged = await customerImports.claim(tx, who.tenantId, who.staffId, importId);
    // Already imported or discarded, or nothing in it was valid: there is nothing to do or to record.
    if (!staged || staged.validRows.length === 0) return { done: false };
    const rows = staged.validRows.map((r) => r.customer);
    const taken = await customers.existingIdentities(tx, who.tenantId, {
      phones: rows.map((c) => c.phone),
      nationalIds: rows.flatMap((c) => (c.nationalId ? [c.nationalId] : [])),
    });
    const fresh = rows.filter((c) => !taken.phones.has(c.phone) && !(c.nationalId && taken.nationalIds.has(c.nationalId)));
    await customers.createMany(tx, who.tenantId, fresh, who.resellerId);
    await customerImports.markImported(tx, who.tenantId, importId, fresh.length);
    const outcome = { done: true as const, imported: fresh.length, skipped: rows.length - fresh.length, rejected: staged.rejected };
    await audit.record(tx, {
      tenantId: who.tenantId,
      actor: who.actor,
      action: 'customer.import',
      entityType: 'customer_import',
      entityId: importId,
      after: { filename: staged.filename, imported: outcome.imported, skipped: outcome.skipped, rejected: outcome.rejected },
    });
    return outcome;
  });
}
