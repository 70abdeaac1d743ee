import type { LoaderFunctionArgs } from '@remix-run/node';
import { stringify } from 'csv-stringify/sync';
import { audit } from '../../../db/queries/audit';
import { customers, type Customer } from '../../../db/queries/customers';
import { formatKenyanPhone } from '../../../domain/phone';
import { requireStaff } from '../auth/guard.server';
import { listFilter } from '../customers/filter';
import { formatEat, STATUS_LABELS } from '../components/labels';

// The import's column names first, so an exported file can be edited and imported elsewhere.
const COLUMNS = ['account_number', 'first_name', 'last_name', 'phone', 'email', 'national_id', 'kra_pin', 'address', 'latitude', 'longitude', 'notes', 'status', 'reseller', 'added'];

/** A resource route: `GET /dashboard/customers/export.csv?q=&status=` downloads what the list shows. */
export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'customers:export');
  const filter = listFilter(new URL(args.request.url));
  const rows = await customers.listAll(args.context.sql, me.scope, filter);
  // Bulk copies of personal data leave the system here, so who took which list is on record.
  await audit.record(args.context.sql, { tenantId: me.tenant.id, actor: me.actor, action: 'customer.export', entityType: 'customer', after: { ...filter, rows: rows.length } });
  const body = stringify(rows.map(record), { header: true, columns: COLUMNS, bom: true });
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Nairobi' }).format(new Date());
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="customers-${day}.csv"`,
      'cache-control': 'private, no-store',
    },
  });
}

function record(c: Customer): Record<string, string | number | null> {
  return {
    account_number: c.accountNumber,
    first_name: cell(c.firstName),
    last_name: cell(c.lastName),
    phone: formatKenyanPhone(c.phone),
    email: cell(c.email),
    national_id: c.nationalId,
    kra_pin: c.kraPin,
    address: cell(c.address),
    latitude: c.latitude,
    longitude: c.longitude,
    notes: cell(c.notes),
    status: STATUS_LABELS[c.status],
    reseller: cell(c.resellerName),
    added: formatEat(c.createdAt),
  };
}

// Spreadsheets run a cell that starts with = + - @ as a formula; typed text must stay text.
function cell(value: string | null): string | null {
  return value && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
