import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { portal } from '../../../db/queries/portal';
import { formatKes } from '../../../domain/money';
import { nairobiDate } from '../client/format';
import { requireCustomer } from '../client/session.server';
import { usePortal } from '../client/use-portal';

export const meta: MetaFunction = () => [{ title: 'Invoices · My account' }];

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireCustomer(args);
  const [invoices, payments] = await Promise.all([
    portal.invoices(args.context.sql, me.tenant.id, me.customer.id),
    portal.payments(args.context.sql, me.tenant.id, me.customer.id),
  ]);
  return json({
    invoices: invoices.map((i) => ({ id: i.id, number: i.number, date: nairobiDate(i.issuedAt, me.lang), total: formatKes(i.totalCents), vat: formatKes(i.vatCents), paid: i.status === 'paid' })),
    receipts: payments
      .filter((p) => !p.reversed)
      .map((p) => ({ id: p.id, receipt: p.receiptNumber, date: nairobiDate(p.receivedAt, me.lang), amount: formatKes(p.amountCents), ref: p.externalRef })),
  });
}

export default function Invoices() {
  const d = useLoaderData<typeof loader>();
  const { t } = usePortal();
  return (
    <>
      <h1>{t('inv.title')}</h1>
      <h2>{t('inv.invoices')}</h2>
      {d.invoices.length === 0 ? <p>{t('common.none')}</p> : null}
      <table className="table">
        <thead>
          <tr>
            <th>{t('inv.number')}</th>
            <th>{t('inv.date')}</th>
            <th className="num">{t('inv.total')}</th>
            <th>{t('inv.status')}</th>
          </tr>
        </thead>
        <tbody>
          {d.invoices.map((i) => (
            <tr key={i.id} data-testid={`invoice-${i.number}`}>
              <td>
                <a href={`/client/invoices/${i.id}.pdf`} download>
                  {i.number}
                </a>
              </td>
              <td>{i.date}</td>
              <td className="num">{i.total}</td>
              <td className={i.paid ? 'status-ok' : 'status-bad'}>{t(i.paid ? 'inv.paid' : 'inv.open')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t('inv.receipts')}</h2>
      {d.receipts.length === 0 ? <p>{t('common.none')}</p> : null}
      <table className="table">
        <thead>
          <tr>
            <th>{t('inv.receipt')}</th>
            <th>{t('inv.date')}</th>
            <th className="num">{t('inv.amount')}</th>
            <th>{t('inv.mpesa')}</th>
          </tr>
        </thead>
        <tbody>
          {d.receipts.map((r) => (
            <tr key={r.id}>
              <td>
                <a href={`/client/receipts/${r.id}.pdf`} download>
                  {r.receipt ?? '—'}
                </a>
              </td>
              <td>{r.date}</td>
              <td className="num">{r.amount}</td>
              <td>{r.ref ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
