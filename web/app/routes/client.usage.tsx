import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { portal } from '../../../db/queries/portal';
import { usage } from '../../../db/queries/usage';
import { bytesLabel, timeLeftLabel } from '../../../domain/hotspot-time';
import { requireCustomer } from '../client/session.server';
import { usePortal } from '../client/use-portal';

export const meta: MetaFunction = () => [{ title: 'Usage · My account' }];

/** Daily and hourly usage from the router collector's roll-ups (issue 4), and the live session's counters. */
export async function loader(args: LoaderFunctionArgs) {
  const me = await requireCustomer(args);
  const { sql } = args.context;
  const sub = await portal.subscription(sql, me.tenant.id, me.customer.id);
  if (!sub) return json({ days: [] as { day: string; bytes: number; label: string }[], hours: [] as { at: string; label: string }[], total: null as string | null, max: 0, session: null as { uptime: string; bytes: string } | null });
  const today = await usage.today(sql);
  const [days, hours, live] = await Promise.all([
    usage.subscriptionDaily(sql, me.tenant.id, sub.id, 30),
    usage.subscriptionHourly(sql, me.tenant.id, sub.id, today),
    portal.liveSession(sql, me.tenant.id, sub.serviceUsername),
  ]);
  const bytes = (p: { uploadBytes: number; downloadBytes: number }) => p.uploadBytes + p.downloadBytes;
  const fresh = live && Date.now() - live.sampledAt.getTime() < 30 * 60_000;
  return json({
    days: days.map((d) => ({ day: d.bucket, bytes: bytes(d), label: bytesLabel(bytes(d)) })),
    hours: hours.filter((h) => bytes(h) > 0).map((h) => ({ at: h.bucket, label: bytesLabel(bytes(h)) })),
    total: bytesLabel(days.reduce((n, d) => n + bytes(d), 0)),
    max: Math.max(0, ...days.map(bytes)),
    session: fresh && live ? { uptime: live.uptimeSeconds !== null ? timeLeftLabel(live.uptimeSeconds * 1000) : '—', bytes: bytesLabel(bytes(live)) } : null,
  });
}

export default function Usage() {
  const d = useLoaderData<typeof loader>();
  const { t } = usePortal();
  return (
    <>
      <h1>{t('usage.title')}</h1>
      <h2>{t('usage.session')}</h2>
      <p>{d.session ? t('usage.online', d.session) : t('usage.offline')}</p>
      <h2>{t('usage.daily')}</h2>
      {d.total === null || d.max === 0 ? <p>{t('usage.none')}</p> : null}
      {d.max > 0 ? (
        <>
          <div className="bar" role="img" aria-label={`${t('usage.daily')}. ${t('usage.total', { total: d.total ?? '' })}`}>
            {d.days.map((p) => (
              <span key={p.day} title={`${p.day}: ${p.label}`} style={{ height: `${Math.max(1, Math.round((p.bytes / d.max) * 100))}%` }} />
            ))}
          </div>
          <p>{t('usage.total', { total: d.total ?? '' })}</p>
          <table className="table">
            <thead>
              <tr>
                <th>{t('usage.day')}</th>
                <th className="num">{t('inv.total')}</th>
              </tr>
            </thead>
            <tbody>
              {d.days
                .filter((p) => p.bytes > 0)
                .reverse()
                .map((p) => (
                  <tr key={p.day}>
                    <td>{p.day}</td>
                    <td className="num">{p.label}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </>
      ) : null}
      {d.hours.length > 0 ? (
        <>
          <h2>{t('usage.hours')}</h2>
          <ul>
            {d.hours.map((h) => (
              <li key={h.at}>
                {h.at.slice(11, 16)} UTC: {h.label}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}
