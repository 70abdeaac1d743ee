import { json, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { listPayments, PAYMENT_METHODS, type PaymentMethod } from '../../../db/queries/payments';
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

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'payments:read');
  const url = new URL(args.request.url);
  const given = url.searchParams.get('method');
  const method = PAYMENT_METHODS.find((m) => m === given);
  // The suspense queue: payments that matched no customer, for finance to allocate. Resellers never see it.
  const suspense = given === 'suspense' && !me.scope.resellerId;
  const { page, limit, offset } = pageFrom(url);
  const { rows, total } = await listPayments(args.context.sql, me.scope, { ...(method ? { method } : {}), suspense, limit, offset });
  return json({ rows, total, page, method: suspense ? 'suspense' : (method ?? null), canRecord: me.can('payments:record') });
}

export default function Payments() {
  const { rows, total, page, method, canRecord } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="heading">
        <h1>Payments</h1>
        <div>{canRecord ? <Link to="/dashboard/payments/new" className="button">Record a payment</Link> : null}</div>
      </div>
      <Form method="get" className="filters" role="search">
        <label>
          Method
          <select name="method" defaultValue={method ?? ''}>
            <option value="">Any method</option>
            <option value="suspense">Suspense (matched no customer)</option>
            {PAYMENT_METHODS.map((m) => (
              <option key={m} value={m}>
                {METHOD_LABELS[m]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Filter</button>
      </Form>
      {rows.length === 0 ? (
        <EmptyState title={method ? 'No payments by this method' : 'No payments yet'}>
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
                  <td>{METHOD_LABELS[p.method]}</td>
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
