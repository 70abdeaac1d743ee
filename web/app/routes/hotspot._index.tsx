import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { z } from 'zod';
import { formatKes } from '../../../domain/money';
import { durationLabel } from '../../../domain/hotspot-time';
import { normalizeKenyanPhone, PHONE_HINT } from '../../../domain/phone';
import { portalPackages, portalRouter, startPurchase } from '../hotspot/portal.server';
import { readRedirect, redirectFields, redirectQuery, type HotspotRedirect } from '../hotspot/redirect';

export const meta: MetaFunction = () => [{ title: 'Buy internet · Hotspot' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const r = readRedirect(new URL(request.url).searchParams);
  if (!r) return json({ router: null, redirect: null, packages: [] });
  const router = await portalRouter(context, r.router);
  if (!router) return json({ router: null, redirect: r, packages: [] });
  const plans = (await portalPackages(context, router.tenantId)).map((p) => ({
    id: p.id,
    name: p.name,
    price: formatKes(p.priceCents),
    duration: durationLabel(p),
    devices: p.sharedDevices,
    mbps: Math.round(p.downloadKbps / 1000),
    dataCap: p.dataCapBytes,
  }));
  return json({ router: { name: router.name, site: router.site, tenantName: router.tenantName }, redirect: r, packages: plans });
}

const purchaseSchema = z.object({
  package: z.string({ required_error: 'Choose a package' }).uuid('Choose a package'),
  phone: z.string({ required_error: 'Enter your M-Pesa number' }).transform((v, ctx) => {
    const phone = normalizeKenyanPhone(v);
    if (!phone) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `Enter ${PHONE_HINT}` });
    return phone ?? '';
  }),
});

type ActionData = { errors: Record<string, string>; phone?: string; package?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const r = readRedirect(form);
  if (!r) return json<ActionData>({ errors: { _form: 'Open this page from the hotspot Wi-Fi login.' } }, { status: 400 });
  const router = await portalRouter(context, r.router);
  if (!router) return json<ActionData>({ errors: { _form: 'This hotspot is not available right now.' } }, { status: 404 });
  const values = { phone: String(form.get('phone') ?? ''), package: String(form.get('package') ?? '') };
  const parsed = purchaseSchema.safeParse({ package: form.get('package') || undefined, phone: form.get('phone') || undefined });
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
    return json<ActionData>({ errors, ...values }, { status: 400 });
  }
  const pkg = (await portalPackages(context, router.tenantId)).find((p) => p.id === parsed.data.package);
  if (!pkg) return json<ActionData>({ errors: { package: 'That package is no longer sold. Choose another.' }, ...values }, { status: 400 });
  const started = await startPurchase(context, r, router, pkg, parsed.data.phone);
  if (!started.ok) return json<ActionData>({ errors: { _form: started.message }, ...values }, { status: started.status });
  return redirect(`/hotspot/p/${started.purchaseId}`);
}

function Hidden({ redirect }: { redirect: Partial<HotspotRedirect> }) {
  return (
    <>
      {redirectFields(redirect).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
    </>
  );
}

export default function HotspotPortal() {
  const { router, redirect: r, packages } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  if (!router || !r) {
    return (
      <>
        <h1>Hotspot</h1>
        <p>Connect to the hotspot Wi-Fi and open any web page: you will be brought here to buy internet with M-Pesa.</p>
      </>
    );
  }
  const errors = result?.errors ?? {};
  return (
    <>
      <p className="brand">{router.tenantName}</p>
      <h1>Buy internet</h1>
      {router.site ? <p className="muted">{router.site}</p> : null}
      {r.error ? <p className="notice notice-bad">{r.error}</p> : null}
      {errors._form ? (
        <p className="notice notice-bad" role="alert">
          {errors._form}
        </p>
      ) : null}
      {/* `?index`: Remix sends a POST to /hotspot to the layout route unless it names the index; the redirect
          stays in the query so the page re-renders with the packages after a refused submit. */}
      <form method="post" action={`/hotspot?index&${redirectQuery(r)}`} className="stack">
        <Hidden redirect={r} />
        <fieldset className="plans">
          <legend>Choose a package</legend>
          {packages.map((p, i) => (
            <label key={p.id} className="plan">
              <input type="radio" name="package" value={p.id} required defaultChecked={result?.package ? result.package === p.id : i === 0} />
              <span>
                <strong>{p.duration}</strong> <span className="price">{p.price}</span>
                <small>
                  {p.mbps} Mbps{p.devices > 1 ? ` · ${p.devices} devices` : ''}
                </small>
              </span>
            </label>
          ))}
          {errors.package ? <p className="error">{errors.package}</p> : null}
        </fieldset>
        <div className={errors.phone ? 'field field-invalid' : 'field'}>
          <label htmlFor="phone">M-Pesa number</label>
          <input id="phone" name="phone" type="tel" inputMode="tel" autoComplete="tel" placeholder="07XX XXX XXX" required defaultValue={result?.phone ?? ''} />
          {errors.phone ? <p className="error">{errors.phone}</p> : <small>You will get a prompt for your M-Pesa PIN.</small>}
        </div>
        <button type="submit">Pay with M-Pesa</button>
      </form>
      <h2>Already paid, or have a voucher?</h2>
      <form method="post" action="/hotspot/code" className="stack">
        <Hidden redirect={r} />
        <div className="field">
          <label htmlFor="code">Enter your code or voucher</label>
          <input id="code" name="code" autoCapitalize="characters" autoComplete="off" maxLength={20} placeholder="e.g. K7M4QX" required />
        </div>
        <button type="submit">Connect</button>
      </form>
    </>
  );
}
