import { json, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { z } from 'zod';
import { listPayments, PAYMENT_METHODS, PAYMENT_STATUS_FILTERS, type PaymentMethod, type PaymentStatusFilter } from '../../../db/queries/payments';
import { formatKes } from '../../../domain/money';
import { formatKenyanPhone } from '../../../domain/phone';
import { requireStaff } from '../auth/guard.server';
import { formatEat } from '../components/labels';
import { EmptyState, Pagination, pageFrom } from '../components/pagination';

const METHOD_LABELS: Record<PaymentMethod, string> = {
  mpesa_stk: 'M-Pesa (STK)',
  mpesa_c2b: 'M-Pesa paybill',
  cash: 'Cash',
  bank: 'Bank',
  cheque: 'Cheque',
  voucher: 'Voucher',
  wallet: 'Wallet',
};

const STATUS_LABELS: Record<PaymentStatusFilter, string> = {
  normal: 'Normal (credited)',
  reversed: 'Reversed',
  suspense: 'Suspense (matched no customer)',
};

/** A calendar day in Nairobi (EAT, UTC+3 all year), as the date inputs send it. */
const nairobiDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-11-21')
  .refine((v) => {
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v && d.getUTCFullYear() >= 2000 && d.getUTCFullYear() <= 2100;
  }, 'is not a real date')
  .optional();

const METHOD_FILTERS = ['suspense', ...PAYMENT_METHODS] as const;

/** Each filter on its own: a bad one shows its message and is left out, the valid ones still apply. */
const filterSchemas = {
  // `method=suspense` is the older spelling of the suspense queue; links to it keep working.
  method: z.string().refine((v) => (METHOD_FILTERS as readonly string[]).includes(v), 'is not a payment method').optional(),
  status: z.enum(PAYMENT_STATUS_FILTERS as [PaymentStatusFilter, ...PaymentStatusFilter[]], { message: 'must be normal, reversed or suspense' }).optional(),
  from: nairobiDate,
  to: nairobiDate,
};

const FIELD_NAMES: Record<string, string> = { method: 'Method', status: 'Status', from: 'From', to: 'To' };

/** Start of a Nairobi day as a UTC instant (EAT has no daylight saving). */
const startOfNairobiDay = (day: string, plusDays = 0) => new Date(Date.parse(`${day}T00:00:00+03:00`) + plusDays * 86_400_000);

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'payments:read');
  const url = new URL(args.request.url);
  const raw = Object.fromEntries(['method', 'status', 'from', 'to'].map((k) => [k, url.searchParams.get(k) || undefined]));
  const errors: string[] = [];
  const f: { method?: string; status?: PaymentStatusFilter; from?: string; to?: string } = {};
  for (const key of ['method', 'status', 'from', 'to'] as const) {
    const result = filterSchemas[key].safeParse(raw[key]);
    if (result.success) Object.assign(f, { [key]: result.data });
    else errors.push(`${FIELD_NAMES[key]} ${result.error.issues[0]?.message ?? 'is not valid'} (got "${String(raw[key]).slice(0, 40)}").`);
  }
  if (f.from && f.to && f.from > f.to) {
    errors.push(`To must not be before From (${f.from} to ${f.to}).`);
    delete f.to;
  }
  const method = PAYMENT_METHODS.find((m) => m === f.method);
  // The suspense queue: payments that matched no customer, for finance to allocate. Resellers never see it.
  const wantsSuspense = f.method === 'suspense' || f.status === 'suspense';
  const status: PaymentStatusFilter | undefined = wantsSuspense ? 'suspense' : f.status;
  const hidden = wantsSuspense && Boolean(me.scope.resellerId);
  const { page, limit, offset } = pageFrom(url);
  const { rows, total } = hidden
    ? { rows: [], total: 0 }
    : await listPayments(args.context.sql, me.scope, {
        ...(method ? { method } : {}),
        ...(status ? { status } : {}),
        ...(f.from ? { receivedFrom: startOfNairobiDay(f.from) } : {}),
        ...(f.to ? { receivedBefore: startOfNairobiDay(f.to, 1) } : {}),
        limit,
        offset,
      });
  return json(
    {
      rows,
      total,
      page,
      filters: { method: method ?? '', status: status ?? '', from: f.from ?? '', to: f.to ?? '' },
      filtered: Boolean(method || status || f.from || f.to),
      errors,
      canRecord: me.can('payments:record'),
      canSeeSuspense: !me.scope.resellerId,
    },
    { status: errors.length > 0 ? 400 : 200 },
  );
}

export default function Payments() {
  const { rows, total, page, filters, filtered, errors, canRecord, canSeeSuspense } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="heading">
        <h1>Payments</h1>
        <div>{canRecord ? <Link to="/dashboard/payments/new" className="button">Record a payment</Link> : null}</div>
      </div>
      <Form method="get" className="filters" role="search">
        <label>
          Method
          <select name="method" defaultValue={filters.method}>
            <option value="">Any method</option>
            {PAYMENT_METHODS.map((m) => (
              <option key={m} value={m}>
                {METHOD_LABELS[m]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select name="status" defaultValue={filters.status}>
            <option value="">Any status</option>
            {PAYMENT_STATUS_FILTERS.filter((s) => s !== 'suspense' || canSeeSuspense).map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" name="from" defaultValue={filters.from} />
        </label>
        <label>
          To
          <input type="date" name="to" defaultValue={filters.to} />
        </label>
        <button type="submit">Filter</button>
        {filtered || errors.length > 0 ? <Link to="/dashboard/payments">Clear</Link> : null}
      </Form>
      {errors.length > 0 ? (
        <div className="error" role="alert">
          {errors.map((e) => (
            <p key={e}>{e}</p>
          ))}
        </div>
      ) : null}
      <p className="hint">Dates are Nairobi days (EAT), both ends included.</p>
      {rows.length === 0 ? (
        <EmptyState title={filtered ? 'No payments match these filters' : 'No payments yet'}>
          <p>M-Pesa payments appear here as they arrive; cash, bank and cheque payments once recorded.</p>
        </EmptyState>
      ) : (
        <>
          <table className="table">
            <thead>
              <tr>
                <th>Received</th>
                <th>Receipt</th>
                <th>Customer</th>
                <th>Method</th>
                <th>Reference</th>
                <th>Payer</th>
                <th className="num">Amount</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link to={`/dashboard/payments/${p.id}`}>{formatEat(p.receivedAt)}</Link>
                  </td>
                  <td>{p.receiptNumber ?? '—'}</td>
                  <td>
                    {p.customerId ? (
                      <Link to={`/dashboard/customers/${p.customerId}`}>
                        {p.accountNumber} · {p.customerName}
                      </Link>
                    ) : (
                      <span className="badge">Suspense</span>
                    )}
                  </td>
                  <td>
                    {METHOD_LABELS[p.method]}
                    {p.reversedAt ? <> <span className="badge">Reversed</span></> : null}
                  </td>
                  <td>{p.externalRef ?? '—'}</td>
                  <td>{[p.payerName, p.payerPhone ? formatKenyanPhone(p.payerPhone) : null, p.recordedByName ? `by ${p.recordedByName}` : null].filter(Boolean).join(' · ') || '—'}</td>
                  <td className="num">{formatKes(p.amountCents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pagination page={page} total={total} />
        </>
      )}
    </>
  );
}
