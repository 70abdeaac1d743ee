import { darajaFetch, failureFor } from './daraja-http';
import { MPESA_FAILURES, refuse } from './failures';
import { tokenResponse } from './daraja-responses';

const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** `Basic base64(key:secret)`, the header the token endpoint wants. */
export function basicAuthorization(consumerKey: string, consumerSecret: string): string {
  return `Basic ${Buffer.from(`${consumerKey}:${consumerSecret}`).toString('base64')}`;
}

export interface TokenSource {
  baseUrl: string;
  consumerKey: string;
  consumerSecret: string;
  timeoutMs: number;
}

/**
 * The OAuth access token, fetched once and shared by every call. It is replaced five minutes before it
 * expires (or halfway through a shorter life) so no call goes out on a token about to die, and at once
 * when Daraja says it is invalid. Concurrent callers share one refresh.
 */
export function createTokenCache(source: TokenSource) {
  let cached: { token: string; refreshAt: number } | undefined;
  let refreshing: Promise<string> | undefined;
  const basic = basicAuthorization(source.consumerKey, source.consumerSecret);

  async function fetchToken(): Promise<string> {
    const call = 'GET /oauth/v1/generate';
    const res = await darajaFetch(source.baseUrl, '/oauth/v1/generate?grant_type=client_credentials', {
      method: 'GET',
      authorization: basic,
      timeoutMs: source.timeoutMs,
    });
    // Bad consumer key/secret: Daraja answers 400 (sometimes 401) on the token endpoint.
    if (res.status >= 400 && res.status < 500 && res.status !== 429) {
      throw refuse(`Daraja refused the consumer key and secret (HTTP ${res.status})`, MPESA_FAILURES.darajaAuthFailed, { status: res.status });
    }
    if (res.status !== 200) throw failureFor(call, res);
    const parsed = tokenResponse.safeParse(res.body);
    if (!parsed.success) throw new Error(`Daraja ${call} answered an unexpected body: ${JSON.stringify(res.body).slice(0, 200)}`);
    const lifetimeMs = parsed.data.expires_in * 1000;
    cached = { token: parsed.data.access_token, refreshAt: Date.now() + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2) };
    return cached.token;
  }

  return {
    async get(): Promise<string> {
      if (cached && Date.now() < cached.refreshAt) return cached.token;
      refreshing ??= fetchToken().finally(() => {
        refreshing = undefined;
      });
      return refreshing;
    },
    /** Drops `token` if it is still the cached one (a concurrent call may already have replaced it). */
    invalidate(token: string): void {
      if (cached?.token === token) cached = undefined;
    },
  };
}
