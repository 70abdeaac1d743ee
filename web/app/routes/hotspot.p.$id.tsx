import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { bytesLabel, nairobiShort, timeLeftLabel } from '../../../domain/hotspot-time';
import { hotspot } from '../../../db/queries/hotspot';
import { packages } from '../../../db/queries/packages';
import { loginForm, portalRouterActivities, purchaseView, readUsage } from '../hotspot/portal.server';
import { readRedirect, redirectQuery } from '../hotspot/redirect';

/** Stages the guest waits through: the page refreshes itself (no JavaScript needed) until something changes. */
const REFRESH_SECONDS: Record<string, number> = { paying: 2, provisioning: 2, unpaid_watching: 15 };

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.title ?? 'Hotspot' },
  ...(data?.refresh ? [{ httpEquiv: 'refresh', content: String(data.refresh) }] : []),
];

export async function loader({ params, context, request }: LoaderFunctionArgs) {
  const view = await purchaseView(context, params.id ?? '');
  if (!view) throw new Response('This purchase does not exist.', { status: 404 });
  const { purchase, state, payment } = view;
  const stage = state?.stage ?? (purchase.status === 'awaiting_payment' ? 'paying' : purchase.status === 'unpaid' ? 'unpaid' : purchase.status);
  const watchingLate = stage === 'unpaid' && state !== undefined && /still get access/.test(state.message);
  const message =
    stage === 'paying' ? (payment?.message ?? state?.message ?? 'Check your phone and enter your M-Pesa PIN.') : (state?.message ?? purchase.failure ?? '');
  const now = Date.now();
  const active = stage === 'active' && purchase.expiresAt !== null && purchase.expiresAt.getTime() > now;
  const url = new URL(request.url);
  const forceForm = url.searchParams.get('login') === 'form';
  // A returning guest on another device brings that device's login link and CHAP values in the query.
  const here = forceForm ? readRedirect(url.searchParams) : undefined;
  const form = active && (forceForm || state?.loggedIn === false) ? loginForm(context, purchase, here ?? purchase) : undefined;
  const usage = active && !form ? await readUsage(context, purchase) : undefined;
  const cap = usage ? (await packages.get(context.sql, purchase.tenantId, purchase.packageId))?.dataCapBytes : null;
  const retry = `/hotspot?${redirectQuery({
    router: purchase.routerId,
    ...(purchase.mac ? { mac: purchase.mac } : {}),
    ...(purchase.deviceIp ? { ip: purchase.deviceIp } : {}),
    ...(purchase.linkLoginOnly ? { linkLoginOnly: purchase.linkLoginOnly } : {}),
    ...(purchase.linkOrig ? { linkOrig: purchase.linkOrig } : {}),
    ...(purchase.chapId ? { chapId: purchase.chapId } : {}),
    ...(purchase.chapChallenge ? { chapChallenge: purchase.chapChallenge } : {}),
  })}`;
  return json({
    title: active ? 'You are online' : stage === 'paying' ? 'Waiting for M-Pesa' : 'Hotspot',
    stage: active ? 'active' : stage === 'active' ? 'expired' : stage,
    message,
    refresh: REFRESH_SECONDS[watchingLate ? 'unpaid_watching' : stage] ?? null,
    code: purchase.accessCode,
    voucher: purchase.voucherId !== null,
    expiresAt: purchase.expiresAt ? nairobiShort(purchase.expiresAt) : null,
    timeLeft: purchase.expiresAt ? timeLeftLabel(purchase.expiresAt.getTime() - now) : null,
    usage: usage
      ? { online: usage.online, used: bytesLabel(usage.bytesUsed), dataLeft: cap ? bytesLabel(Math.max(0, cap - usage.bytesUsed)) : null, uptime: usage.uptime }
      : null,
    loginError: state?.loginError ?? null,
    form: form ?? null,
    retry,
  });
}

export async function action({ params, context, request }: ActionFunctionArgs) {
  const form = await request.formData();
  const purchase = await hotspot.get(context.sql, params.id ?? '');
  if (!purchase?.accessCode) throw new Response('This purchase does not exist.', { status: 404 });
  if (form.get('intent') !== 'logout') return json({ notice: 'Nothing to do.' }, { status: 400 });
  try {
    await portalRouterActivities(context).kickHotspotSession({ tenantId: purchase.tenantId, routerId: purchase.routerId, name: purchase.accessCode });
    return json({ notice: 'You are logged out. Your time keeps running until the package ends; enter your code to connect again.' });
  } catch (err) {
    context.log.warn({ err, purchaseId: purchase.id }, 'hotspot logout failed');
    return json({ notice: 'Could not reach the hotspot router to log you out. Try again in a moment.' }, { status: 503 });
  }
}

export default function HotspotPurchasePage() {
  const v = useLoaderData<typeof loader>();
  const done = useActionData<typeof action>();
  if (v.form) {
    // The router's own login form, posted from the guest's browser; the inline line submits it at once.
    return (
      <>
        <h1>Connecting…</h1>
        <form id="login" method="post" action={v.form.action}>
          <input type="hidden" name="username" value={v.form.username} />
          <input type="hidden" name="password" value={v.form.password} />
          <input type="hidden" name="dst" value={v.form.dst} />
          <input type="hidden" name="popup" value="false" />
          <p>
            Your code is <strong className="code">{v.code}</strong>
          </p>
          <button type="submit">Connect now</button>
        </form>
        <script dangerouslySetInnerHTML={{ __html: "document.getElementById('login').submit()" }} />
      </>
    );
  }
  return (
    <>
      <h1>{v.title}</h1>
      {done?.notice ? <p className="notice">{done.notice}</p> : null}
      {v.stage === 'paying' || v.stage === 'provisioning' ? <p className="notice" role="status">{v.message}</p> : null}
      {v.stage === 'unpaid' ? (
        <>
          <p className="notice notice-bad" role="alert">
            {v.message}
          </p>
          <p>
            <a className="button" href={v.retry}>
              Try again
            </a>
          </p>
        </>
      ) : null}
      {v.stage === 'credited' || v.stage === 'expired' ? (
        <>
          <p className="notice">{v.message || 'Your package has ended.'}</p>
          <p>
            <a className="button" href={v.retry}>
              Buy again
            </a>
          </p>
        </>
      ) : null}
      {v.stage === 'active' ? (
        <>
          <p className="notice notice-ok" role="status">
            Time left: <strong data-testid="time-left">{v.timeLeft}</strong> (until {v.expiresAt})
          </p>
          <dl className="facts">
            <dt>Your code</dt>
            <dd>
              <strong className="code">{v.code}</strong> — {v.voucher ? 'or your voucher code' : 'we sent it by SMS too'}. Use it to reconnect or on another
              allowed device.
            </dd>
            {v.usage ? (
              <>
                <dt>Data used</dt>
                <dd>
                  {v.usage.used}
                  {v.usage.uptime ? ` in ${v.usage.uptime} online` : ''}
                </dd>
                <dt>Data left</dt>
                <dd data-testid="data-left">{v.usage.dataLeft ?? 'Unlimited'}</dd>
                <dt>Status</dt>
                <dd>{v.usage.online ? 'Connected' : 'Not connected on this device'}</dd>
              </>
            ) : null}
          </dl>
          <p>
            <a href="">Refresh</a>
          </p>
          <form method="post">
            <input type="hidden" name="intent" value="logout" />
            <button type="submit" className="secondary">
              Log out
            </button>
          </form>
        </>
      ) : null}
    </>
  );
}
