import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { normalizeKenyanPhone } from '../../../domain/phone';
import { accountView, suggestedAmount } from '../client/account.server';
import { t } from '../client/i18n';
import { startPortalPayment } from '../client/payments.server';
import { requireClientCsrf, requireCustomer } from '../client/session.server';
import { usePortal } from '../client/use-portal';

export const meta: MetaFunction = () => [{ title: 'Pay · My account' }];

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireCustomer(args);
  const a = await accountView(args.context, me);
  return json({
    amount: String(Math.ceil(suggestedAmount(a) / 100) || ''),
    phone: `0${me.customer.phone.slice(3)}`,
    paybill: me.tenant.paybill,
    account: me.customer.accountNumber,
  });
}

export async function action(args: ActionFunctionArgs) {
  const me = await requireCustomer(args);
  const form = await args.request.formData();
  await requireClientCsrf(args, form);
  const amountText = String(form.get('amount') ?? '').replace(/[,\s]/g, '');
  const shillings = /^\d{1,6}$/.test(amountText) ? Number(amountText) : NaN;
  const phone = normalizeKenyanPhone(String(form.get('phone') ?? ''));
  const errors: Record<string, string> = {};
  if (!(shillings >= 10 && shillings <= 150_000)) errors.amount = t(me.lang, 'pay.badAmount');
  if (!phone) errors.phone = t(me.lang, 'pay.badPhone');
  if (Object.keys(errors).length > 0) return json({ errors, message: null }, { status: 400 });
  const a = await accountView(args.context, me);
  const started = await startPortalPayment(args.context, me, { phone: phone!, amountCents: shillings * 100, purpose: a.dueCents > 0 ? 'invoice' : 'wallet_topup' });
  if (!started.ok) return json({ errors: {}, message: t(me.lang, started.reason === 'limited' ? 'pay.tooMany' : 'pay.unavailable') }, { status: started.status });
  return redirect(`/client/pay/${started.id}`);
}

export default function Pay() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, csrf } = usePortal();
  const errors: Record<string, string> = result?.errors ?? {};
  return (
    <>
      <h1>{t('pay.title')}</h1>
      {result?.message ? (
        <p className="notice notice-bad" role="alert">
          {result.message}
        </p>
      ) : null}
      <Form method="post" className="stack">
        <input type="hidden" name="_csrf" value={csrf} />
        <div className={`field${errors.amount ? ' field-invalid' : ''}`}>
          <label htmlFor="amount">{t('pay.amount')}</label>
          <input id="amount" name="amount" inputMode="numeric" defaultValue={d.amount} required aria-describedby={errors.amount ? 'amount-error' : undefined} />
          {errors.amount ? <p id="amount-error" className="error" role="alert">{errors.amount}</p> : null}
        </div>
        <div className={`field${errors.phone ? ' field-invalid' : ''}`}>
          <label htmlFor="phone">{t('pay.phone')}</label>
          <input id="phone" name="phone" type="tel" inputMode="tel" defaultValue={d.phone} required aria-describedby={errors.phone ? 'phone-error' : undefined} />
          {errors.phone ? <p id="phone-error" className="error" role="alert">{errors.phone}</p> : null}
        </div>
        <button type="submit">{t('pay.submit')}</button>
      </Form>
      <p className="notice">{d.paybill ? t('pay.paybill', { paybill: d.paybill, account: d.account }) : t('pay.noPaybill')}</p>
    </>
  );
}

