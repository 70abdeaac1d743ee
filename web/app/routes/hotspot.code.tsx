import { json, redirect, type ActionFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useActionData } from '@remix-run/react';
import { hotspot } from '../../../db/queries/hotspot';
import { classifyCode } from '../../../domain/hotspot';
import { allowCodeAttempt, portalRouter, portalRouterActivities, startVoucherPurchase } from '../hotspot/portal.server';
import { readRedirect, redirectQuery } from '../hotspot/redirect';

export const meta: MetaFunction = () => [{ title: 'Connect with your code · Hotspot' }];

/**
 * "Already paid? Enter your code" and "I have a voucher": an access code logs a returning guest (or a second
 * allowed device) in through the router API with the purchase's credentials; a voucher code is redeemed into a
 * purchase and provisioned like a paid one. When the router will not take the device through the API, the
 * purchase page posts the router's own login form instead.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const r = readRedirect(form);
  const back = r ? `/hotspot?${redirectQuery(r)}` : '/hotspot';
  if (!r) return json({ message: 'Open this page from the hotspot Wi-Fi login.', back }, { status: 400 });
  if (!allowCodeAttempt(`${context.clientIp}|${r.mac ?? ''}`)) {
    return json({ message: 'Too many tries. Wait ten minutes, then enter your code again.', back }, { status: 429 });
  }
  const typed = classifyCode(String(form.get('code') ?? ''));
  const router = await portalRouter(context, r.router);
  if (!typed || !router) return json({ message: 'That code is not valid here. Check it and try again.', back }, { status: 400 });
  let purchase;
  if (typed.kind === 'voucher') {
    const started = await startVoucherPurchase(context, r, router, typed.code);
    if (started.ok) return redirect(`/hotspot/p/${started.purchaseId}`);
    // A card already in use is this guest's own, coming back (or on a second device): log in with it.
    if (!started.usedPurchaseId) return json({ message: started.message, back }, { status: started.status });
    purchase = await hotspot.get(context.sql, started.usedPurchaseId);
  } else {
    purchase = await hotspot.byCode(context.sql, router.tenantId, typed.code);
  }
  if (!purchase || purchase.status !== 'active' || !purchase.expiresAt || purchase.expiresAt.getTime() <= Date.now()) {
    return json({ message: purchase ? 'That code has expired. Buy a new package to keep browsing.' : 'That code is not valid here. Check it and try again.', back }, { status: 400 });
  }
  if (purchase.routerId !== r.router || (!r.mac && !r.ip)) return redirect(`/hotspot/p/${purchase.id}?login=form`);
  try {
    await portalRouterActivities(context).loginHotspotDevice({
      tenantId: purchase.tenantId,
      routerId: purchase.routerId,
      user: purchase.accessCode!,
      passwordEnc: purchase.accessPasswordEnc!,
      ...(r.ip ? { ip: r.ip } : {}),
      ...(r.mac ? { mac: r.mac } : {}),
    });
    return redirect(`/hotspot/p/${purchase.id}`);
  } catch (err) {
    context.log.info({ err, purchaseId: purchase.id }, 'API login by code refused; falling back to the login form');
    // The router form needs this device's own link and CHAP values, not the ones stored with the purchase.
    return redirect(`/hotspot/p/${purchase.id}?login=form&${redirectQuery(r)}`);
  }
}

export default function CodeLogin() {
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>Connect with your code</h1>
      <p className="notice notice-bad" role="alert">
        {result?.message ?? 'Enter your code on the hotspot page.'}
      </p>
      <p>
        <a className="button" href={result?.back ?? '/hotspot'}>
          Back
        </a>
      </p>
    </>
  );
}
