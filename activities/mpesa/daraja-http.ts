import { ApplicationFailure } from '@temporalio/activity';
import { MPESA_FAILURES, refuse } from './failures';

export interface DarajaResponse {
  status: number;
  /** Parsed JSON, or the raw text when the body was not JSON. */
  body: unknown;
}

export interface DarajaError {
  errorCode?: string;
  errorMessage?: string;
}

/**
 * One HTTP call to Daraja with its own deadline. Transport trouble (refused connection, DNS, timeout)
 * becomes a plain Error, which Temporal retries; the response itself is left to the caller to judge.
 */
export async function darajaFetch(
  baseUrl: string,
  path: string,
  init: { method: 'GET' | 'POST'; authorization: string; body?: unknown; timeoutMs: number },
): Promise<DarajaResponse> {
  const call = `${init.method} ${path}`;
  try {
    const res = await fetch(`${baseUrl.replace(/\/+$/, '')}${path}`, {
      method: init.method,
      headers: { authorization: init.authorization, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(init.timeoutMs),
    });
    const text = await res.text();
    return { status: res.status, body: parseJson(text) };
  } catch (err) {
    if (err instanceof Error && err.name === 'TimeoutError') {
      throw new Error(`Daraja ${call} got no answer within ${init.timeoutMs} ms`, { cause: err });
    }
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
    const reason = cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.message) : String(cause);
    throw new Error(`Daraja ${call} could not reach ${baseUrl}: ${reason}`, { cause: err });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function errorOf(body: unknown): DarajaError {
  if (!body || typeof body !== 'object') return {};
  const { errorCode, errorMessage } = body as Record<string, unknown>;
  return {
    ...(typeof errorCode === 'string' ? { errorCode } : {}),
    ...(typeof errorMessage === 'string' ? { errorMessage } : {}),
  };
}

/** Daraja's answers to a missing, unknown or expired Bearer token. */
export function isInvalidToken(res: DarajaResponse): boolean {
  const { errorCode } = errorOf(res.body);
  return (res.status === 404 && errorCode === '404.001.03') || (res.status === 401 && errorCode === '401.003.01');
}

/** The failure for a response that is not a success, classified so Temporal retries only what may heal. */
export function failureFor(call: string, res: DarajaResponse): Error {
  const { errorCode, errorMessage } = errorOf(res.body);
  const said = errorCode ? `${errorCode} ${errorMessage ?? ''}`.trim() : typeof res.body === 'string' ? res.body.slice(0, 200) : 'no error body';
  const message = `Daraja ${call} answered HTTP ${res.status}: ${said}`;
  const details = { status: res.status, errorCode, errorMessage };

  if (errorCode === '500.001.1001') {
    if (/wrong credentials|merchant does not exist/i.test(errorMessage ?? '')) return refuse(message, MPESA_FAILURES.darajaAuthFailed, details);
    // Another prompt is on the phone; M-Pesa frees the subscriber within a minute or three.
    if (/unable to lock subscriber/i.test(errorMessage ?? '')) {
      return ApplicationFailure.create({ message, type: MPESA_FAILURES.darajaSubscriberLocked, nextRetryDelay: '1 minute', details: [details] });
    }
  }
  // A token refused right after a refresh, throttling and server faults all pass with time.
  if (isInvalidToken(res) || res.status === 408 || res.status === 429 || res.status >= 500) return new Error(message);
  return refuse(message, MPESA_FAILURES.darajaInvalidRequest, details);
}
