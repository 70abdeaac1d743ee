import { fromEatDigits } from './clock';

/** An STK push request that passed every field check, with Daraja's loose number-or-string fields as strings. */
export interface PushRequest {
  shortcode: string;
  password: string;
  timestamp: string;
  transactionType: 'CustomerPayBillOnline' | 'CustomerBuyGoodsOnline';
  amount: number;
  partyA: string;
  partyB: string;
  phone: string;
  callbackUrl: string;
  accountReference: string;
  description: string;
}

export interface QueryRequest {
  shortcode: string;
  password: string;
  timestamp: string;
  checkoutRequestId: string;
}

/** The field named in `400.002.02 Bad Request - Invalid <Field>`, or the message of a `500.001.1001`. */
export type Rejection = { field: string } | { merchantError: string };

const SHORTCODE = /^\d{5,7}$/;
const MSISDN = /^254[17]\d{8}$/;
// Stricter than documented: a timestamp hours away from Nairobi's clock (UTC sent as EAT) is refused here,
// so the mistake shows up in tests instead of as puzzling production behaviour.
const MAX_TIMESTAMP_SKEW_MS = 60 * 60 * 1000;

// Daraja accepts numbers and numeric strings alike for codes, amounts and phones.
const scalar = (v: unknown) => (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) ? String(v) : undefined);
const matches = (v: unknown, pattern: RegExp) => pattern.test(scalar(v) ?? '');

function isHttpUrl(v: unknown): v is string {
  if (typeof v !== 'string' || !URL.canParse(v)) return false;
  const protocol = new URL(v).protocol;
  return protocol === 'https:' || protocol === 'http:';
}

function isCurrentTimestamp(v: unknown): v is string {
  const at = typeof v === 'string' ? fromEatDigits(v) : undefined;
  return at !== undefined && Math.abs(at.getTime() - Date.now()) <= MAX_TIMESTAMP_SKEW_MS;
}

export function expectedPassword(shortcode: string, passkey: string, timestamp: string): string {
  return Buffer.from(`${shortcode}${passkey}${timestamp}`).toString('base64');
}

function credentialsRejection(merchants: ReadonlyMap<string, string>, shortcode: string, password: string, timestamp: string): Rejection | undefined {
  const passkey = merchants.get(shortcode);
  if (passkey === undefined) return { merchantError: 'Merchant does not exist' };
  if (password !== expectedPassword(shortcode, passkey, timestamp)) return { merchantError: '[MerchantValidate] - Wrong credentials' };
  return undefined;
}

export function validatePush(body: Record<string, unknown>, merchants: ReadonlyMap<string, string>): PushRequest | Rejection {
  const b = body;
  const amount = Number(scalar(b.Amount));
  const checks: [string, boolean][] = [
    ['BusinessShortCode', matches(b.BusinessShortCode, SHORTCODE)],
    ['Password', typeof b.Password === 'string' && b.Password.length > 0],
    ['Timestamp', isCurrentTimestamp(b.Timestamp)],
    ['TransactionType', b.TransactionType === 'CustomerPayBillOnline' || b.TransactionType === 'CustomerBuyGoodsOnline'],
    ['Amount', scalar(b.Amount) !== undefined && Number.isInteger(amount) && amount > 0],
    ['PartyA', matches(b.PartyA, MSISDN)],
    ['PartyB', matches(b.PartyB, SHORTCODE)],
    ['PhoneNumber', matches(b.PhoneNumber, MSISDN)],
    ['CallBackURL', isHttpUrl(b.CallBackURL)],
    ['AccountReference', typeof b.AccountReference === 'string' && b.AccountReference.length > 0 && b.AccountReference.length <= 12],
    ['TransactionDesc', typeof b.TransactionDesc === 'string' && b.TransactionDesc.length > 0],
  ];
  const invalid = checks.find(([, ok]) => !ok);
  if (invalid) return { field: invalid[0] };

  const request: PushRequest = {
    shortcode: String(b.BusinessShortCode),
    password: b.Password as string,
    timestamp: b.Timestamp as string,
    transactionType: b.TransactionType as PushRequest['transactionType'],
    amount,
    partyA: String(b.PartyA),
    partyB: String(b.PartyB),
    phone: String(b.PhoneNumber),
    callbackUrl: b.CallBackURL as string,
    accountReference: b.AccountReference as string,
    description: b.TransactionDesc as string,
  };
  return credentialsRejection(merchants, request.shortcode, request.password, request.timestamp) ?? request;
}

export function validateQuery(body: Record<string, unknown>, merchants: ReadonlyMap<string, string>): QueryRequest | Rejection {
  const b = body;
  const checks: [string, boolean][] = [
    ['BusinessShortCode', matches(b.BusinessShortCode, SHORTCODE)],
    ['Password', typeof b.Password === 'string' && b.Password.length > 0],
    ['Timestamp', isCurrentTimestamp(b.Timestamp)],
    ['CheckoutRequestID', typeof b.CheckoutRequestID === 'string' && b.CheckoutRequestID.startsWith('ws_CO_')],
  ];
  const invalid = checks.find(([, ok]) => !ok);
  if (invalid) return { field: invalid[0] };
  const request: QueryRequest = {
    shortcode: String(b.BusinessShortCode),
    password: b.Password as string,
    timestamp: b.Timestamp as string,
    checkoutRequestId: b.CheckoutRequestID as string,
  };
  return credentialsRejection(merchants, request.shortcode, request.password, request.timestamp) ?? request;
}
