import { createRequire } from 'node:module';
import { ApplicationFailure } from '@temporalio/common';
import { refuse, SMS_FAILURES } from './failures';
import type { SmsGateway, SmsRecipientResult, SmsSendRequest } from './gateway';

export interface AfricasTalkingConfig {
  username: string;
  apiKey: string;
  /**
   * `https://api.africastalking.com` (the default), or another server speaking the same API such as the
   * local simulator (`npm run sim:africastalking`). Read from `AT_BASE_URL`.
   */
  baseUrl?: string;
  /** Give up waiting for an answer after this long (default 30 s); the message may still have been sent. */
  timeoutMs?: number;
}

interface AtRecipient {
  statusCode: number;
  number: string;
  status: string;
  cost: string;
  messageId: string;
}
interface AtClient {
  SMS: { send(options: { to: string[]; message: string; from?: string }): Promise<{ SMSMessageData: { Message: string; Recipients: AtRecipient[] } }> };
}
interface AtUrls {
  BASE_URL: string;
  SMS_URL: string;
  CONTENT_URL: string;
  USER_URL: string;
}

// The SDK is CommonJS without types; the real, unmodified package is loaded as it is published.
const require = createRequire(import.meta.url);
const africastalking = require('africastalking') as (options: { username: string; apiKey: string }) => AtClient;

/**
 * THE seam (integration-facts §2.2). africastalking 0.8.3 has no base-URL option: its endpoints live as
 * mutable properties of the module singleton `africastalking/lib/common`, which `SMS.send` reads at call
 * time. Pointing them at `baseUrl` is the only change made to the SDK's behaviour, and it happens only
 * here. It is process-wide, so it is re-applied synchronously right before every send (a sandbox client
 * built elsewhere re-runs the SDK's `initUrls` and would otherwise undo it). Airtime/Application use a
 * hard-coded axios instance and are not redirected; this gateway never calls them.
 */
function pointSdkAt(baseUrl: string | undefined): void {
  if (!baseUrl) return;
  const urls = require('africastalking/lib/common') as AtUrls;
  const base = `${baseUrl.replace(/\/+$/, '')}/version1`;
  urls.BASE_URL = base;
  urls.SMS_URL = `${base}/messaging`;
  urls.CONTENT_URL = base;
  urls.USER_URL = `${base}/user`;
}

const SUCCESS_CODES = new Set([100, 101, 102]);
// Refusals about the recipient or the content; everything else (balance, routing, gateway) is a failure.
const REJECTED_CODES = new Set([401, 402, 403, 404, 406, 409]);

/** `KES 0.8000` → 80 cents; `0` or anything unreadable → undefined. */
export function parseCostCents(cost: string): number | undefined {
  const match = /^(?:KES\s+)?(\d+(?:\.\d+)?)$/.exec(cost.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * 100);
}

// Connection never made: the request cannot have reached the provider.
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

interface HttpError {
  response?: { status: number; data?: unknown };
  code?: string;
  message?: string;
  isJoi?: boolean;
  details?: { message: string }[];
}

/** Turns what the SDK rejected with into a typed failure: 401 and 4xx never retry, the rest do. */
export function classifySdkError(err: unknown): ApplicationFailure {
  const e = (err ?? {}) as HttpError;
  if (e.isJoi) return refuse(`Africa's Talking refused the request before sending: ${e.details?.map((d) => d.message).join('; ') ?? e.message}`, SMS_FAILURES.invalidRequest);
  const status = e.response?.status;
  const body = typeof e.response?.data === 'string' ? e.response.data : JSON.stringify(e.response?.data ?? '');
  // `notSent`: the provider answered with an error (or was never reached), so nothing went out and a retry may send.
  if (status === 401) return refuse(`Africa's Talking rejected the username or API key (401 ${body})`, SMS_FAILURES.authFailed, { status, notSent: true });
  if (status !== undefined && status >= 400 && status < 500) return refuse(`Africa's Talking refused the request (${status} ${body})`, SMS_FAILURES.invalidRequest, { status, notSent: true });
  if (status !== undefined) return ApplicationFailure.retryable(`Africa's Talking answered ${status}`, SMS_FAILURES.gatewayUnavailable, { status, notSent: true });
  if (e.code !== undefined && NOT_CONNECTED.has(e.code)) return ApplicationFailure.retryable(`Africa's Talking unreachable: ${e.code}`, SMS_FAILURES.gatewayUnavailable, { notSent: true });
  if (e.message !== undefined || e.code !== undefined) return ApplicationFailure.retryable(`Africa's Talking connection failed: ${e.code ?? e.message}`, SMS_FAILURES.gatewayUnavailable, { notSent: false });
  // A 200 (not 201) resolves the SDK promise into a rejection with the body itself.
  return ApplicationFailure.retryable(`Africa's Talking answered without accepting: ${JSON.stringify(err)}`, SMS_FAILURES.gatewayUnavailable, { notSent: true });
}

class SendTimeout extends Error {}

/** The Africa's Talking gateway, through the real `africastalking` SDK. */
export function createAfricasTalkingGateway(config: AfricasTalkingConfig): SmsGateway {
  const client = africastalking({ username: config.username, apiKey: config.apiKey });
  pointSdkAt(config.baseUrl);
  const apiBase = `${(config.baseUrl ?? 'https://api.africastalking.com').replace(/\/+$/, '')}/version1`;

  return {
    provider: 'africastalking',
    async send(request: SmsSendRequest): Promise<SmsRecipientResult[]> {
      const to = request.to.map((p) => `+${p.replace(/^\+/, '')}`);
      pointSdkAt(config.baseUrl);
      let answer: Awaited<ReturnType<AtClient['SMS']['send']>>;
      try {
        const sending = client.SMS.send({ to, message: request.message, ...(request.from ? { from: request.from } : {}) });
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new SendTimeout()), config.timeoutMs ?? 30_000);
        });
        answer = await Promise.race([sending, timeout]).finally(() => clearTimeout(timer));
      } catch (err) {
        if (err instanceof SendTimeout) {
          throw ApplicationFailure.retryable(`Africa's Talking did not answer within ${config.timeoutMs ?? 30_000} ms`, SMS_FAILURES.gatewayUnavailable, { notSent: false });
        }
        throw classifySdkError(err);
      }
      const recipients = answer.SMSMessageData.Recipients;
      return recipients.map((r) => {
        const accepted = SUCCESS_CODES.has(r.statusCode);
        const costCents = parseCostCents(r.cost);
        return {
          phone: r.number.replace(/^\+/, ''),
          status: accepted ? 'sent' : REJECTED_CODES.has(r.statusCode) ? 'rejected' : 'failed',
          providerStatus: r.status,
          providerStatusCode: r.statusCode,
          ...(accepted && r.messageId && r.messageId !== 'None' ? { messageId: r.messageId } : {}),
          ...(costCents ? { costCents } : {}),
        };
      });
    },
    // The SDK's balance call (APPLICATION) uses a hard-coded host, so this one request is made directly.
    async balance(): Promise<string> {
      const res = await fetch(`${apiBase}/user?username=${encodeURIComponent(config.username)}`, {
        headers: { apikey: config.apiKey, accept: 'application/json' },
      });
      if (res.status === 401) throw refuse("Africa's Talking rejected the username or API key (401)", SMS_FAILURES.authFailed);
      if (!res.ok) throw ApplicationFailure.retryable(`Africa's Talking answered ${res.status}`, SMS_FAILURES.gatewayUnavailable);
      return ((await res.json()) as { UserData: { balance: string } }).UserData.balance;
    },
  };
}
