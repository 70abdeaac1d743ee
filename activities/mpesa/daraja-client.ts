import { normalizeKenyanPhone } from '../../domain/phone';
import { darajaFetch, type DarajaResponse, errorOf, failureFor, isInvalidToken } from './daraja-http';
import { c2bRegisterResponse, stkPushResponse, stkQueryResponse } from './daraja-responses';
import { createTokenCache } from './daraja-token';
import { toDarajaTimestamp } from './eat-time';
import { MPESA_FAILURES, refuse } from './failures';

export interface DarajaConfig {
  /** `https://api.safaricom.co.ke`, `https://sandbox.safaricom.co.ke`, or the simulator's URL. */
  baseUrl: string;
  consumerKey: string;
  consumerSecret: string;
  /** The paybill number payments go to. */
  shortcode: string;
  /** Lipa Na M-Pesa Online passkey of that paybill. */
  passkey: string;
  /** Deadline of each HTTP call; default 20 s. */
  timeoutMs?: number;
}

export interface StkPushInput {
  /** Integer cents; Daraja takes whole shillings, so this must be a multiple of 100. */
  amountCents: number;
  /** Any form normalizeKenyanPhone accepts. */
  phone: string;
  /** What the customer sees on the prompt and the paybill "account": at most 12 characters. */
  accountReference: string;
  description: string;
  callbackUrl: string;
}

export interface StkPushAccepted {
  merchantRequestId: string;
  checkoutRequestId: string;
  customerMessage: string;
}

/** Query says nothing about receipts; only the callback carries MpesaReceiptNumber. */
export type StkQueryResult = { state: 'pending' } | { state: 'final'; resultCode: number; resultDesc: string };

export interface C2bRegistration {
  /** Default: the configured shortcode. */
  shortCode?: string;
  confirmationUrl: string;
  validationUrl?: string;
  /** What M-Pesa does when the ValidationURL cannot be reached. */
  responseType?: 'Completed' | 'Cancelled';
  /** v2 masks the payer's MSISDN (`2547 ***** 126`); v1 sends a SHA-256 of it. */
  version?: 'v1' | 'v2';
}

/** `base64(shortcode + passkey + timestamp)`: plain concatenation, as Daraja checks it. */
export function stkPassword(shortcode: string, passkey: string, timestamp: string): string {
  return Buffer.from(`${shortcode}${passkey}${timestamp}`).toString('base64');
}

/**
 * The Daraja calls the M-Pesa activities make. Each throws an ApplicationFailure with a stable type
 * (see failures.ts) when retrying cannot help, and a plain Error when it can.
 */
export function createDarajaClient(config: DarajaConfig) {
  const timeoutMs = config.timeoutMs ?? 20_000;
  const tokens = createTokenCache({ ...config, timeoutMs });

  async function post(path: string, body: unknown): Promise<DarajaResponse> {
    const send = async (token: string) => darajaFetch(config.baseUrl, path, { method: 'POST', authorization: `Bearer ${token}`, body, timeoutMs });
    const token = await tokens.get();
    const res = await send(token);
    if (!isInvalidToken(res)) return res;
    // Revoked or expired early on Daraja's side: one fresh token, one more try.
    tokens.invalidate(token);
    return send(await tokens.get());
  }

  function credentials() {
    const timestamp = toDarajaTimestamp(new Date());
    return { BusinessShortCode: config.shortcode, Password: stkPassword(config.shortcode, config.passkey, timestamp), Timestamp: timestamp };
  }

  function unexpected(call: string, res: DarajaResponse): Error {
    return new Error(`Daraja ${call} answered an unexpected body (HTTP ${res.status}): ${JSON.stringify(res.body).slice(0, 200)}`);
  }

  return {
    /**
     * Sends the PIN prompt. Acceptance means only that: the result comes by callback or stkQuery. A push
     * that timed out may still have reached the phone; its retry then meets "Unable to lock subscriber"
     * (DarajaSubscriberLocked, retried a minute later) rather than a second prompt.
     */
    async stkPush(input: StkPushInput): Promise<StkPushAccepted> {
      if (!Number.isInteger(input.amountCents) || input.amountCents <= 0 || input.amountCents % 100 !== 0) {
        throw refuse(`M-Pesa takes whole shillings only; ${input.amountCents} cents is not`, MPESA_FAILURES.invalidAmount);
      }
      const phone = normalizeKenyanPhone(input.phone);
      if (!phone) throw refuse(`${input.phone} is not a Kenyan mobile number`, MPESA_FAILURES.invalidPhone);
      if (!input.accountReference || input.accountReference.length > 12) {
        throw refuse(`account reference "${input.accountReference}" must be 1 to 12 characters`, MPESA_FAILURES.invalidAccountReference);
      }

      const call = 'POST /mpesa/stkpush/v1/processrequest';
      const res = await post('/mpesa/stkpush/v1/processrequest', {
        ...credentials(),
        TransactionType: 'CustomerPayBillOnline',
        Amount: input.amountCents / 100,
        PartyA: phone,
        PartyB: config.shortcode,
        PhoneNumber: phone,
        CallBackURL: input.callbackUrl,
        AccountReference: input.accountReference,
        TransactionDesc: input.description,
      });
      if (res.status !== 200) throw failureFor(call, res);
      const parsed = stkPushResponse.safeParse(res.body);
      if (!parsed.success) throw unexpected(call, res);
      if (parsed.data.ResponseCode !== '0') {
        throw refuse(`Daraja did not accept the push: ${parsed.data.ResponseCode} ${parsed.data.ResponseDescription}`, MPESA_FAILURES.darajaInvalidRequest);
      }
      return {
        merchantRequestId: parsed.data.MerchantRequestID,
        checkoutRequestId: parsed.data.CheckoutRequestID,
        customerMessage: parsed.data.CustomerMessage ?? parsed.data.ResponseDescription,
      };
    },

    /** Where a push stands. `pending` until the customer answers or the prompt times out. */
    async stkQuery(checkoutRequestId: string): Promise<StkQueryResult> {
      const call = 'POST /mpesa/stkpushquery/v1/query';
      const res = await post('/mpesa/stkpushquery/v1/query', { ...credentials(), CheckoutRequestID: checkoutRequestId });
      const { errorCode, errorMessage } = errorOf(res.body);
      // Daraja reports "still waiting" as an HTTP 500.
      if (res.status === 500 && errorCode === '500.001.1001' && /being processed/i.test(errorMessage ?? '')) return { state: 'pending' };
      if (res.status !== 200) throw failureFor(call, res);
      const parsed = stkQueryResponse.safeParse(res.body);
      if (!parsed.success) throw unexpected(call, res);
      return { state: 'final', resultCode: parsed.data.ResultCode, resultDesc: parsed.data.ResultDesc };
    },

    /** Tells M-Pesa where to send paybill payments made from the phone menu. */
    async registerC2bUrls(input: C2bRegistration): Promise<{ originatorConversationId: string; responseDescription: string }> {
      const version = input.version ?? 'v2';
      const call = `POST /mpesa/c2b/${version}/registerurl`;
      const res = await post(`/mpesa/c2b/${version}/registerurl`, {
        ShortCode: input.shortCode ?? config.shortcode,
        ResponseType: input.responseType ?? 'Completed',
        ConfirmationURL: input.confirmationUrl,
        ...(input.validationUrl ? { ValidationURL: input.validationUrl } : {}),
      });
      if (res.status !== 200) throw failureFor(call, res);
      const parsed = c2bRegisterResponse.safeParse(res.body);
      if (!parsed.success) throw unexpected(call, res);
      if (parsed.data.responseCode !== '0') {
        throw refuse(`Daraja refused the C2B URLs: ${parsed.data.responseCode} ${parsed.data.responseDescription}`, MPESA_FAILURES.darajaInvalidRequest);
      }
      return { originatorConversationId: parsed.data.originatorConversationId, responseDescription: parsed.data.responseDescription };
    },
  };
}

export type DarajaClient = ReturnType<typeof createDarajaClient>;
