import { json, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { SMS_STATUSES, smsCampaigns, smsQueries, type SmsLogFilter, type SmsStatus } from '../../../db/queries/sms';
import { formatKenyanPhone } from '../../../domain/phone';
import { requireStaff } from '../auth/guard.server';
import { formatEat } from '../components/labels';
import { EmptyState, pageFrom, Pagination } from '../components/pagination';

const STATUS: Record<SmsStatus, string> = { queued: 'Queued', sent: 'Sent', delivered: 'Delivered', failed: 'Failed', rejected: 'Rejected' };
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const validDate = (v: string | null) => (v && DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) ? v : undefined);

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'sms:send');
  const { sql } = args.context;
  const url = new URL(args.request.url);
  const { page, limit, offset } = pageFrom(url);
  const campaigns = await smsCampaigns.list(sql, me.tenant.id, 100);
  // Unknown or malformed filter values are dropped, so a stale link shows everything rather than failing.
  const status = SMS_STATUSES.find((s) => s === url.searchParams.get('status'));
  const phone = (url.searchParams.get('phone') ?? '').replace(/\D/g, '').replace(/^0/, '').slice(0, 12) || undefined;
  const campaign = campaigns.find((c) => c.id === url.searchParams.get('campaign'))?.id;
  const from = validDate(url.searchParams.get('from'));
  const to = validDate(url.searchParams.get('to'));
  const filter: SmsLogFilter = { ...(status ? { status } : {}), ...(phone ? { phone } : {}), ...(campaign ? { campaignId: campaign } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) };
  const { rows, total } = await smsQueries.search(sql, me.tenant.id, filter, { limit, offset });
  return json({
    page,
    total,
    filter: { status: status ?? '', phone: url.searchParams.get('phone') ?? '', campaign: campaign ?? '', from: from ?? '', to: to ?? '' },
    filtered: Object.keys(filter).length > 0,
    campaigns: campaigns.map((c) => ({ id: c.id, name: c.name })),
    rows: rows.map((r) => ({
      id: r.id,
      createdAt: r.createdAt,
      phone: r.phone,
      message: r.message,
      status: r.status,
      failureReason: r.failureReason,
      key: r.idempotencyKey,
      timeline: r.statusHistory.map((h) => ({ event: h.event, status: h.status, at: h.at, detail: h.failureReason ?? h.providerStatus ?? h.error ?? null })),
    })),
  });
}

export default function SmsLog() {
  const { page, total, filter, filtered, campaigns, rows } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="heading">
        <h1>SMS log</h1>
        <Link to="/dashboard/sms">Campaigns</Link>
      </div>
      <Form method="get" className="filters">
        <label>
          Status
          <select name="status" defaultValue={filter.status}>
            <option value="">Any</option>
            {SMS_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Phone
          <input name="phone" defaultValue={filter.phone} inputMode="tel" placeholder="0712…" />
        </label>
        <label>
          From (Nairobi date)
          <input type="date" name="from" defaultValue={filter.from} />
        </label>
        <label>
          To
          <input type="date" name="to" defaultValue={filter.to} />
        </label>
        <label>
          Campaign
          <select name="campaign" defaultValue={filter.campaign}>
            <option value="">Any message</option>
            {campaigns.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <div>
          <button type="submit">Filter</button> {filtered ? <Link to="/dashboard/sms/log">Clear</Link> : null}
        </div>
      </Form>
      <p className="hint" data-testid="sms-log-total">{total} message{total === 1 ? '' : 's'}</p>
      {rows.length === 0 ? (
        <EmptyState title={filtered ? 'Nothing matches these filters' : 'No messages sent yet'}>
          <p>Every SMS the platform sends is logged here with its delivery timeline.</p>
        </EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>When (EAT)</th>
              <th>Phone</th>
              <th>Message</th>
              <th>Status</th>
              <th>Timeline</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="sms-log-row">
                <td>{formatEat(r.createdAt)}</td>
                <td>{formatKenyanPhone(r.phone)}</td>
                <td title={r.key}>{r.message}</td>
                <td>
                  {STATUS[r.status]}
                  {r.failureReason ? ` (${r.failureReason})` : ''}
                </td>
                <td>
                  <ol className="timeline">
                    {r.timeline.map((h, i) => (
                      <li key={i}>
                        {formatEat(h.at)} {h.event}
                        {h.detail ? `: ${h.detail}` : ''}
                      </li>
                    ))}
                  </ol>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pagination page={page} total={total} />
    </>
  );
}
