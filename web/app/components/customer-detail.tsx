import { Link } from '@remix-run/react';
import type { Customer } from '../../../db/queries/customers';
import type { PaymentRow } from '../../../db/queries/payments';
import type { CustomerSubscription } from '../../../db/queries/subscriptions';
import { formatKes } from '../../../domain/money';
import { formatKenyanPhone } from '../../../domain/phone';
import type { HistoryLine } from '../customers/history';
import { formatEat, STATUS_LABELS } from './labels';
import { EmptyState } from './pagination';

/** Loader data arrives with dates as strings; these components take either. */
export type Wire<T> = { [K in keyof T]: T[K] extends Date ? string | Date : T[K] extends Date | null ? string | Date | null : T[K] };

export interface Duplicate {
  id: string;
  accountNumber: string;
  name: string;
  samePhone: boolean;
  sameNationalId: boolean;
}

export function DuplicateWarning({ visible, hidden }: { visible: Duplicate[]; hidden: number }) {
  if (visible.length === 0 && hidden === 0) return null;
  return (
    <div className="notice notice-bad" role="status">
      <strong>Possible duplicate.</strong> Check this is not someone already on the books:
      <ul>
        {visible.map((d) => (
          <li key={d.id}>
            <Link to={`/dashboard/customers/${d.id}`}>
              {d.name} ({d.accountNumber})
            </Link>{' '}
            has the same {[d.samePhone ? 'phone' : '', d.sameNationalId ? 'national ID' : ''].filter(Boolean).join(' and ')}
          </li>
        ))}
        {hidden > 0 ? <li>{hidden === 1 ? 'A customer you cannot see shares' : `${hidden} customers you cannot see share`} this phone or national ID</li> : null}
      </ul>
    </div>
  );
}

export function CustomerProfile({ customer }: { customer: Wire<Customer> }) {
  const c = customer;
  return (
    <dl className="details">
      <dt>Account number</dt>
      <dd>{c.accountNumber}</dd>
      <dt>Status</dt>
      <dd>{STATUS_LABELS[c.status]}</dd>
      <dt>Phone</dt>
      <dd>
        <a href={`tel:+${c.phone}`}>{formatKenyanPhone(c.phone)}</a>
      </dd>
      <dt>Email</dt>
      <dd>{c.email ?? '—'}</dd>
      <dt>National ID</dt>
      <dd>{c.nationalId ?? '—'}</dd>
      <dt>KRA PIN</dt>
      <dd>{c.kraPin ?? '—'}</dd>
      <dt>Address</dt>
      <dd>{c.address ?? '—'}</dd>
      <dt>Location</dt>
      <dd>{c.latitude !== null && c.longitude !== null ? `${c.latitude}, ${c.longitude}` : '—'}</dd>
      <dt>Reseller</dt>
      <dd>{c.resellerName ?? '—'}</dd>
      <dt>SMS</dt>
      <dd>
        {c.language === 'sw' ? 'Kiswahili' : 'English'}
        {c.marketingOptOut ? ', no marketing' : ''}
      </dd>
      <dt>Added</dt>
      <dd>{formatEat(c.createdAt)}</dd>
      <dt>Notes</dt>
      <dd>{c.notes ?? '—'}</dd>
    </dl>
  );
}

const SUBSCRIPTION_STATUS: Record<CustomerSubscription['status'], string> = { pending: 'Pending', active: 'Active', suspended: 'Suspended', paused: 'Paused', expired: 'Expired', cancelled: 'Cancelled' };

export function Subscriptions({ rows }: { rows: Wire<CustomerSubscription>[] }) {
  if (rows.length === 0) return <EmptyState title="No subscriptions" />;
  return (
    <table className="table">
      <thead>
        <tr>
          <th>Package</th>
          <th>Username</th>
          <th>Status</th>
          <th className="num">Price</th>
          <th>Expires</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((s) => (
          <tr key={s.id}>
            <td>{s.packageName}</td>
            <td>{s.serviceUsername}</td>
            <td>{SUBSCRIPTION_STATUS[s.status]}</td>
            <td className="num">{formatKes(s.priceCents)}</td>
            <td>{formatEat(s.expiresAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const METHODS: Record<PaymentRow['method'], string> = { mpesa_stk: 'M-Pesa (STK)', mpesa_c2b: 'M-Pesa (paybill)', cash: 'Cash', bank: 'Bank', cheque: 'Cheque', voucher: 'Voucher', wallet: 'Wallet' };

export function Payments({ rows }: { rows: Wire<PaymentRow>[] }) {
  if (rows.length === 0) return <EmptyState title="No payments yet" />;
  return (
    <table className="table">
      <thead>
        <tr>
          <th>Received</th>
          <th>Method</th>
          <th>Reference</th>
          <th className="num">Amount</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((p) => (
          <tr key={p.id}>
            <td>{formatEat(p.receivedAt)}</td>
            <td>{METHODS[p.method]}</td>
            <td>{p.externalRef ?? '—'}</td>
            <td className="num">{formatKes(p.amountCents)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function History({ rows }: { rows: Wire<HistoryLine>[] }) {
  if (rows.length === 0) return <EmptyState title="No recorded changes" />;
  return (
    <table className="table">
      <thead>
        <tr>
          <th>When</th>
          <th>Who</th>
          <th>What</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((h) => (
          <tr key={h.id}>
            <td>{formatEat(h.at)}</td>
            <td>{h.actorLabel}</td>
            <td>{h.what}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
