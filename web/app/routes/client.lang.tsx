import { redirect, type ActionFunctionArgs } from '@remix-run/node';
import { audit } from '../../../db/queries/audit';
import { portal } from '../../../db/queries/portal';
import { isLang } from '../client/i18n';
import { requireClientCsrf, safeNext, setVisitorLang } from '../client/session.server';

/** The language toggle: a signed-in customer's choice is their account's language (SMS too); a visitor's lives in the cookie. */
export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  await requireClientCsrf(args, form);
  const lang = form.get('lang');
  if (!isLang(lang)) throw new Response('Choose en or sw', { status: 400 });
  const next = safeNext(String(form.get('next') ?? ''));
  const session = await args.context.clientSessions.getSession(args.request.headers.get('Cookie'));
  const me = session.get('customerId') ? await portal.identity(args.context.sql, session.get('tenantId') ?? '', session.get('customerId')!) : undefined;
  if (me && me.passwordHash && me.sessionVersion === session.get('version')) {
    await args.context.sql.begin(async (tx) => {
      const [before] = await tx<{ language: string }[]>`select language from customers where tenant_id = ${me.tenantId} and id = ${me.customerId} for update`;
      await tx`update customers set language = ${lang}, updated_at = now() where tenant_id = ${me.tenantId} and id = ${me.customerId}`;
      await audit.record(tx, { tenantId: me.tenantId, actor: { id: null, label: `customer ${me.accountNumber} (portal)`, ip: args.context.clientIp }, action: 'customer.update', entityType: 'customer', entityId: me.customerId, before, after: { language: lang } });
    });
  }
  return redirect(next, { headers: { 'Set-Cookie': await setVisitorLang(args, lang) } });
}

export const loader = () => redirect('/client');
