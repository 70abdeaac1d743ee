import { z } from 'zod';
import { normalizeKenyanPhone } from '../../domain/phone';
import { fromDarajaTimestamp } from './eat-time';

/**
 * Parsers for what Safaricom POSTs to us. They accept the variations seen in the wild (numbers sent as
 * strings and back, Balance with or without a Value, masked or hashed MSISDNs) and return one shape:
 * money in integer cents, phones as 2547…/2541…, times as UTC Dates.
 */

/** `1`, `1.00`, `"10.00"` → cents, without going through floating-point arithmetic on the cents. */
function toCents(value: string | number): number | undefined {
  const text = typeof value === 'number' ? value.toFixed(2) : value.trim();
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  return m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : undefined;
}

const scalar = z.union([z.string(), z.number()]);
const resultCode = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]);

const stkCallbackBody = z.object({
  Body: z.object({
    stkCallback: z.object({
      MerchantRequestID: z.string(),
      CheckoutRequestID: z.string().min(1),
      ResultCode: resultCode,
      ResultDesc: z.string(),
      CallbackMetadata: z.object({ Item: z.array(z.object({ Name: z.string(), Value: scalar.optional() })) }).optional(),
    }),
  }),
});

interface StkCallbackCommon {
  merchantRequestId: string;
  checkoutRequestId: string;
  resultCode: number;
  resultDesc: string;
}

export type StkCallback =
  | (StkCallbackCommon & {
      paid: true;
      resultCode: 0;
      amountCents: number;
      receipt: string;
      /** Absent if Safaricom left it out or sent a form that is not a Kenyan mobile number. */
      phone?: string;
      transactionTime: Date;
    })
  | (StkCallbackCommon & { paid: false });

export const stkCallbackSchema = stkCallbackBody.transform((body, ctx): StkCallback => {
  const cb = body.Body.stkCallback;
  const common = { merchantRequestId: cb.MerchantRequestID, checkoutRequestId: cb.CheckoutRequestID, resultDesc: cb.ResultDesc };
  if (cb.ResultCode !== 0) return { ...common, paid: false, resultCode: cb.ResultCode };

  // Items are looked up by Name: their order and the presence of Balance vary.
  const item = (name: string) => cb.CallbackMetadata?.Item.find((i) => i.Name === name)?.Value;
  const amount = item('Amount');
  const amountCents = amount === undefined ? undefined : toCents(amount);
  const receipt = item('MpesaReceiptNumber');
  const date = item('TransactionDate');
  const transactionTime = date === undefined ? undefined : fromDarajaTimestamp(date);
  const phoneValue = item('PhoneNumber');
  const phone = phoneValue === undefined ? undefined : normalizeKenyanPhone(String(phoneValue));

  const fail = (message: string) => {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['Body', 'stkCallback', 'CallbackMetadata'], message });
    return z.NEVER;
  };
  if (amountCents === undefined) return fail(`a paid callback needs an Amount, got ${JSON.stringify(amount)}`);
  if (typeof receipt !== 'string' || !receipt) return fail('a paid callback needs an MpesaReceiptNumber');
  if (!transactionTime) return fail(`a paid callback needs a TransactionDate as YYYYMMDDHHmmss, got ${JSON.stringify(date)}`);
  return { ...common, paid: true, resultCode: 0, amountCents, receipt, transactionTime, ...(phone ? { phone } : {}) };
});

/** Parses an STK callback body; throws a ZodError naming what is wrong. */
export function parseStkCallback(body: unknown): StkCallback {
  return stkCallbackSchema.parse(body);
}

const text = z
  .union([z.string(), z.number()])
  .transform(String)
  .optional()
  .transform((v) => v ?? '');

const c2bBody = z.object({
  TransactionType: z.string(),
  TransID: z.string().min(1),
  TransTime: scalar,
  TransAmount: scalar,
  BusinessShortCode: scalar.transform(String),
  BillRefNumber: text,
  InvoiceNumber: text,
  OrgAccountBalance: text,
  ThirdPartyTransID: text,
  MSISDN: text,
  FirstName: text,
  MiddleName: text,
  LastName: text,
});

export interface C2bPayment {
  /** `Pay Bill` or `Buy Goods`. */
  transactionType: string;
  /** The M-Pesa receipt: the idempotency key of a C2B payment. */
  transId: string;
  transactionTime: Date;
  amountCents: number;
  businessShortCode: string;
  /** The account number the customer typed (trimmed). Match payments on this and transId, not the phone. */
  billRefNumber: string;
  invoiceNumber: string;
  /** Empty on validation requests. */
  orgAccountBalanceCents?: number;
  thirdPartyTransId: string;
  /** As sent: masked (`2547 ***** 126`), a SHA-256 hash, or occasionally the plain number. */
  msisdn: string;
  /** Only when the MSISDN came unmasked. */
  phone?: string;
  payerName: string;
}

/** The C2B confirmation body; validation requests have the same shape (with no balance). */
export const c2bPaymentSchema = c2bBody.transform((b, ctx): C2bPayment => {
  const transactionTime = fromDarajaTimestamp(b.TransTime);
  const amountCents = toCents(b.TransAmount);
  const fail = (path: string, message: string) => {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
    return z.NEVER;
  };
  if (!transactionTime) return fail('TransTime', `must be YYYYMMDDHHmmss, got ${JSON.stringify(b.TransTime)}`);
  if (amountCents === undefined) return fail('TransAmount', `must be an amount like 10.00, got ${JSON.stringify(b.TransAmount)}`);
  const balance = b.OrgAccountBalance ? toCents(b.OrgAccountBalance) : undefined;
  const phone = /^\+?\d+$/.test(b.MSISDN) ? normalizeKenyanPhone(b.MSISDN) : undefined;
  return {
    transactionType: b.TransactionType,
    transId: b.TransID,
    transactionTime,
    amountCents,
    businessShortCode: b.BusinessShortCode,
    billRefNumber: b.BillRefNumber.trim(),
    invoiceNumber: b.InvoiceNumber,
    ...(balance === undefined ? {} : { orgAccountBalanceCents: balance }),
    thirdPartyTransId: b.ThirdPartyTransID,
    msisdn: b.MSISDN,
    ...(phone ? { phone } : {}),
    payerName: [b.FirstName, b.MiddleName, b.LastName].map((n) => n.trim()).filter(Boolean).join(' '),
  };
});

/** Parses a C2B confirmation (or validation) body; throws a ZodError naming what is wrong. */
export function parseC2bConfirmation(body: unknown): C2bPayment {
  return c2bPaymentSchema.parse(body);
}
