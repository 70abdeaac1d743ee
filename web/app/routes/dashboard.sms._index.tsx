import { json, type LoaderFunctionArgs } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { smsCampaigns, smsQueries } from '../../../db/queries/sms';
import { formatKenyanPhone } from '../../../domain/phone';
import { requireStaff } from '../auth/guard.server';
import { formatEat } from '../components/labels';
import { EmptyState } from '../components/pagination';

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'sms:send');
  const { sql } = args.context;
  const [campaigns, logs] = await Promise.all([smsCampaigns.list(sql, me.tenant.id, 20), smsQueries.recent(sql, me.tenant.id, 50)]);
  return json({
    canEditTemplates: me.can('settings:manage'),
    campaigns: campaigns.map((c) => ({ id: c.id, name: c.name, status: c.status, scheduledAt: c.scheduledAt, audienceCount: c.audienceCount, sentCount: c.sentCount, failedCount: c.failedCount, createdAt: c.createdAt })),
    logs: logs.map((l) => ({ id: l.id, phone: l.phone, message: l.message, status: l.status, failureReason: l.failureReason, createdAt: l.createdAt, steps: l.statusHistory.length })),
  });
}

const STATUS: Record<string, string> = { queued: 'Queued', sent: 'Sent', delivered: 'Delivered', failed: 'Failed', rejected: 'Rejected' };

export default function Sms() {
  const { campaigns, logs, canEditTemplates } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="heading">
        <h1>SMS</h1>
        <Link to="/dashboard/sms/log">Message log</Link>
        {canEditTemplates ? <Link to="/dashboard/sms/templates">Templates</Link> : null}
        <Link to="/dashboard/sms/new" className="button">New campaign</Link>
      </div>
      <h2>Campaigns</h2>
      {campaigns.length === 0 ? (
        <EmptyState title="No campaigns yet">
          <p>A campaign sends one message to every customer you pick (by status, package, router or site, expiry, reseller), now or at a set time, throttled, and never twice to anyone.</p>
        </EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Status</th>
              <th className="num">Audience</th>
              <th className="num">Sent</th>
              <th className="num">Failed</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {campaigns.map((c) => (
              <tr key={c.id}>
                <td><Link to={`/dashboard/sms/${c.id}`}>{c.name}</Link></td>
                <td>{c.status === 'scheduled' && c.scheduledAt ? `scheduled for ${formatEat(c.scheduledAt)}` : c.status}</td>
                <td className="num">{c.audienceCount ?? '—'}</td>
                <td className="num">{c.sentCount}</td>
                <td className="num">{c.failedCount}</td>
                <td>{formatEat(c.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Recent messages</h2>
      {logs.length === 0 ? (
        <p>No messages sent yet.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>When</th>
              <th>Phone</th>
              <th>Message</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {logs.map((l) => (
              <tr key={l.id}>
                <td>{formatEat(l.createdAt)}</td>
                <td>{formatKenyanPhone(l.phone)}</td>
                <td>{l.message.length > 80 ? `${l.message.slice(0, 80)}…` : l.message}</td>
                <td>
                  {STATUS[l.status] ?? l.status}
                  {l.failureReason ? ` (${l.failureReason})` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
