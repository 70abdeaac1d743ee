import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { portal } from '../../../db/queries/portal';
import { formatKes } from '../../../domain/money';
import { t } from '../client/i18n';
import { stkFailureText } from '../client/mpesa-messages';
import { portalPaymentStatus } from '../client/payments.server';
import { requireCustomer } from '../client/session.server';
import { usePortal } from '../client/use-portal';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: 'Payment · My account' },
  // Refreshes itself while M-Pesa is working, like the hotspot portal; works without JavaScript.
  ...(data?.pending ? [{ httpEquiv: 'refresh', content: '2' }] : []),
];

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireCustomer(args);
  const payment = await portal.portalPayment(args.context.sql, me.tenant.id, me.customer.id, args.params.id ?? '');
  if (!payment) throw new Response('Not found', { status: 404 });
  const status = await portalPaymentStatus(args.context, payment.workflowId);
  const stage = status?.stage ?? 'requesting';
  const pending = stage !== 'paid' && stage !== 'failed';
  const message = stage === 'paid' ? t(me.lang, 'pay.done') : stage === 'failed' ? `${t(me.lang, 'pay.failed')} ${stkFailureText(me.lang, status)}` : t(me.lang, 'pay.waiting');
  return json({ stage, pending, message, amount: formatKes(payment.amountCents), receipt: status?.receipt ?? null });
}

export default function PaymentStatus() {
  const d = useLoaderData<typeof loader>();
  const { t } = usePortal();
  return (
    <>
      <h1>{t('pay.title')}</h1>
      <p className={`notice${d.stage === 'paid' ? ' notice-ok' : d.stage === 'failed' ? ' notice-bad' : ''}`} role="status" data-testid="payment-status" data-stage={d.stage}>
        {d.amount}: {d.message}
      </p>
      {d.receipt ? <p>M-Pesa: {d.receipt}</p> : null}
      {d.stage === 'failed' ? (
        <p>
          <Link className="button" to="/client/pay">
            {t('pay.tryAgain')}
          </Link>
        </p>
      ) : null}
      {d.stage === 'paid' ? (
        <p>
          <Link to="/client">{t('nav.home')}</Link>
        </p>
      ) : null}
    </>
  );
}
