import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, NavLink, Outlet, useLoaderData, useLocation } from '@remix-run/react';
import { portal } from '../../../db/queries/portal';
import { translator, type Lang } from '../client/i18n';
import { newToken, visitorLang } from '../client/session.server';

export const meta: MetaFunction = () => [{ title: 'My account · Mtandao' }];

/** The portal's frame: who is signed in (from the cookie only), their language and the CSRF token. */
export async function loader(args: LoaderFunctionArgs) {
  const session = await args.context.clientSessions.getSession(args.request.headers.get('Cookie'));
  const tenantId = session.get('tenantId');
  const customerId = session.get('customerId');
  const me = tenantId && customerId ? await portal.identity(args.context.sql, tenantId, customerId) : undefined;
  const signedIn = Boolean(me && me.passwordHash !== null && me.sessionVersion === session.get('version'));
  let lang: Lang = await visitorLang(args);
  let isp: string | null = null;
  if (signedIn && me) {
    const [row] = await args.context.sql<{ language: Lang; isp: string }[]>`
      select c.language, t.name as isp from customers c join tenants t on t.id = c.tenant_id where c.tenant_id = ${me.tenantId} and c.id = ${me.customerId}`;
    lang = row?.language ?? lang;
    isp = row?.isp ?? null;
  }
  // The frame owns the CSRF token for signed-out pages too (their forms read it from here), so only one
  // loader ever writes the cookie.
  if (session.get('csrf')) return json({ signedIn, lang, isp, csrf: session.get('csrf')! });
  session.set('csrf', newToken());
  return json({ signedIn, lang, isp, csrf: session.get('csrf')! }, { headers: { 'Set-Cookie': await args.context.clientSessions.commitSession(session) } });
}

export default function ClientLayout() {
  const { signedIn, lang, isp, csrf } = useLoaderData<typeof loader>();
  const t = translator(lang);
  const location = useLocation();
  return (
    <main className="page narrow client" lang={lang}>
      <div className="portal-top">
        <p className="brand">{isp ?? 'Mtandao'} · {t('brand')}</p>
        <Form method="post" action="/client/lang">
          <input type="hidden" name="_csrf" value={csrf} />
          <input type="hidden" name="lang" value={lang === 'en' ? 'sw' : 'en'} />
          <input type="hidden" name="next" value={location.pathname + location.search} />
          <button type="submit" className="linkish">
            {t('lang.switch')}
          </button>
        </Form>
      </div>
      {signedIn ? (
        <nav className="portal-nav" aria-label={t('brand')}>
          <NavLink to="/client" end>{t('nav.home')}</NavLink>
          <NavLink to="/client/pay">{t('nav.pay')}</NavLink>
          <NavLink to="/client/invoices">{t('nav.invoices')}</NavLink>
          <NavLink to="/client/usage">{t('nav.usage')}</NavLink>
          <NavLink to="/client/package">{t('nav.package')}</NavLink>
          <NavLink to="/client/profile">{t('nav.profile')}</NavLink>
          <Form method="post" action="/client/logout">
            <input type="hidden" name="_csrf" value={csrf} />
            <button type="submit" className="linkish">
              {t('nav.signOut')}
            </button>
          </Form>
        </nav>
      ) : null}
      <Outlet />
    </main>
  );
}
