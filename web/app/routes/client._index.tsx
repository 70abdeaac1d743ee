import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { portal } from '../../../db/queries/portal';
import { bytesLabel } from '../../../domain/hotspot-time';
import { formatKes } from '../../../domain/money';
import { accountView, suggestedAmount, usedThisCycle } from '../client/account.server';
import { nairobiDateTime } from '../client/format';
import { requireCustomer } from '../client/session.server';
import { usePortal } from '../client/use-portal';

const APPLICATION_STAGES = ['applied', 'kyc_review', 'rejected', 'installation'];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: 'My account' },
  // An application moves on staff time: the page follows it by itself (no JavaScript needed).
  ...(data?.application && data.stage !== 'rejected' ? [{ httpEquiv: 'refresh', content: '30' }] : []),
];

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireCustomer(args);
  const a = await accountView(args.context, me);
  const lang = me.lang;
  const now = Date.now();
  const msLeft = a.expiresAt ? a.expiresAt.getTime() - now : null;
  const used = a.subscriptionId && a.stage !== 'kyc_review' ? await usedThisCycle(args.context, me.tenant.id, a.subscriptionId, a.periodStart) : null;
  const payments = await portal.payments(args.context.sql, me.tenant.id, me.customer.id, 3);
  const install = a.view?.installation ?? null;
  return json({
    name: me.customer.firstName,
    account: me.customer.accountNumber,
    stage: a.stage,
    application: APPLICATION_STAGES.includes(a.stage),
    live: a.live,
    pkg: a.pkg ? { name: a.pkg.name, speed: `${Math.round(a.pkg.downloadKbps / 1000)} Mbps`, cap: a.pkg.dataCapBytes } : null,
    requested: a.requestedPackage?.name ?? null,
    expiresAt: a.expiresAt ? nairobiDateTime(a.expiresAt, lang) : null,
    expiresIso: a.expiresAt?.toISOString() ?? null,
    left: msLeft === null ? null : msLeft <= 0 ? null : { days: Math.floor(msLeft / 86_400_000), hours: Math.floor((msLeft % 86_400_000) / 3_600_000) },
    balance: formatKes(a.balanceCents),
    due: formatKes(a.dueCents),
    dueCents: a.dueCents,
    suggested: formatKes(suggestedAmount(a)),
    used: used === null ? null : bytesLabel(used),
    usedPct: used !== null && a.pkg?.dataCapBytes ? Math.min(100, Math.round((used / a.pkg.dataCapBytes) * 100)) : null,
    cap: a.pkg?.dataCapBytes ? bytesLabel(a.pkg.dataCapBytes) : null,
    payments: payments.map((p) => ({ id: p.id, at: nairobiDateTime(p.receivedAt, lang), amount: formatKes(p.amountCents), ref: p.externalRef, receipt: p.receiptNumber })),
    installAt: install?.scheduledAt ? nairobiDateTime(install.scheduledAt, lang) : null,
    technician: install?.technicianName ?? null,
    rejection: a.rejectionReason,
  });
}

export default function ClientDashboard() {
  const d = useLoaderData<typeof loader>();
  const { t } = usePortal();
  const stageLabel = t(`stage.${d.stage}` as Parameters<typeof t>[0]);
  if (d.application) {
    return (
      <>
        <h1>{t('app.title')}</h1>
        <p className="notice" role="status" data-testid="stage">
          {stageLabel}
        </p>
        <p>{t('app.steps')}</p>
        <dl className="kpis">
          <div className="kpi">
            <dt>{t('dash.package')}</dt>
            <dd>{d.pkg?.name ?? d.requested ?? '—'}</dd>
          </div>
          <div className="kpi">
            <dt>Account</dt>
            <dd>{d.account}</dd>
          </div>
        </dl>
        {d.stage === 'installation' ? <p>{d.installAt ? t('app.installAt', { when: d.installAt, technician: d.technician ?? '—' }) : t('app.installPending')}</p> : null}
        {d.stage === 'rejected' && d.rejection ? <p className="notice notice-bad">{t('app.rejected', { reason: d.rejection })}</p> : null}
        {d.live ? null : <p><small>{t('dash.liveNote')}</small></p>}
      </>
    );
  }
  const expiringDays = d.left && d.left.days < 4 ? d.left.days : null;
  return (
    <>
      <h1>{t('dash.title', { name: d.name })}</h1>
      {d.stage === 'suspended' ? <Cta text={t('dash.suspendedCta', { amount: d.suggested })} button={t('dash.payNow')} bad /> : null}
      {d.stage === 'awaiting_payment' ? <Cta text={t('dash.awaitingCta', { amount: d.suggested })} button={t('dash.payNow')} /> : null}
      {d.stage === 'active' && expiringDays !== null ? <Cta text={t('dash.expiringCta', { days: expiringDays })} button={t('dash.payNow')} /> : null}
      <dl className="kpis">
        <div className="kpi">
          <dt>{t('dash.status')}</dt>
          <dd data-testid="stage" className={d.stage === 'active' ? 'status-ok' : d.stage === 'suspended' ? 'status-bad' : undefined}>
            {stageLabel}
          </dd>
        </div>
        <div className="kpi">
          <dt>{t('dash.package')}</dt>
          <dd data-testid="package">{d.pkg ? `${d.pkg.name} · ${d.pkg.speed}` : '—'}</dd>
        </div>
        <div className="kpi">
          <dt>{t('dash.expires')}</dt>
          <dd>
            <span data-testid="expiry" data-iso={d.expiresIso ?? ''}>
              {d.expiresAt ?? '—'}
            </span>
            <br />
            <small data-testid="countdown">{d.left ? t('dash.left', { days: d.left.days, hours: d.left.hours }) : d.expiresAt ? t('dash.expired') : ''}</small>
          </dd>
        </div>
        <div className="kpi">
          <dt>{t('dash.balance')}</dt>
          <dd data-testid="balance">{d.balance}</dd>
        </div>
        <div className="kpi">
          <dt>{t('dash.due')}</dt>
          <dd data-testid="due">{d.due}</dd>
        </div>
        <div className="kpi">
          <dt>{t('dash.dataUsed')}</dt>
          <dd>
            {d.used ?? '—'}
            {d.cap ? ` / ${d.cap}` : ` (${t('dash.unlimited')})`}
            {d.usedPct !== null ? <meter className="meter" min={0} max={100} value={d.usedPct} /> : null}
          </dd>
        </div>
      </dl>
      {d.live ? null : (
        <p>
          <small>{t('dash.liveNote')}</small>
        </p>
      )}
      <h2>{t('dash.lastPayments')}</h2>
      {d.payments.length === 0 ? <p>{t('common.none')}</p> : null}
      <ul>
        {d.payments.map((p) => (
          <li key={p.id}>
            {p.at}: <strong>{p.amount}</strong> {p.ref ?? ''} {p.receipt ? <Link to={`/client/receipts/${p.id}.pdf`} reloadDocument>{p.receipt}</Link> : null}
          </li>
        ))}
      </ul>
      <p>
        <Link className="button" to="/client/pay">
          {t('dash.payNow')}
        </Link>
      </p>
    </>
  );
}

function Cta({ text, button, bad }: { text: string; button: string; bad?: boolean }) {
  return (
    <div className={`notice ${bad ? 'notice-bad' : 'notice-ok'}`} role="alert">
      <p>{text}</p>
      <Link className="button" to="/client/pay">
        {button}
      </Link>
    </div>
  );
}
