import { constants } from 'node:os';
import { ApplicationFailure } from '@temporalio/common';
import { RosException } from 'node-routeros';

/**
 * Failure types the router activities throw. Workflows match on these strings. The non-retryable ones
 * are configuration or input problems no retry will fix; everything else (refused, reset, timed out,
 * `!fatal`, dropped mid-reply) is a `RouterUnreachable` Error, which Temporal retries.
 */
export const ROUTER_FAILURES = {
  /** The router refused our API user or password (`CANTLOGIN`). Non-retryable. */
  authFailed: 'RouterAuthFailed',
  /** A secret or user names a profile the router does not have. Non-retryable. */
  unknownProfile: 'RouterUnknownProfile',
  /** The router rejected a value (bad rate, MAC, unknown parameter…) or our own checks did. Non-retryable. */
  invalidInput: 'RouterInvalidInput',
  /** `/ip/hotspot/active/login` refused the device (wrong password, MAC lock, uptime used up…). Non-retryable. */
  hotspotLoginRefused: 'HotspotLoginRefused',
  /** No such router in this tenant, or it is disabled. Non-retryable. */
  routerNotFound: 'RouterNotFound',
  /** Network trouble or a router that is down or busy. Retryable. */
  unreachable: 'RouterUnreachable',
} as const;

export type RouterFailureType = (typeof ROUTER_FAILURES)[keyof typeof ROUTER_FAILURES];

/** Names the router in every message: `router "Kahawa Core" (127.0.0.1:8728)`. */
export interface RouterLabel {
  name: string;
  host: string;
  port: number;
  tls: boolean;
}

export function describeRouter(r: RouterLabel): string {
  return `router "${r.name}" (${r.host}:${r.port}${r.tls ? ' api-ssl' : ''})`;
}

/** A retryable failure; Temporal reports its `name` as the failure type. */
export class RouterUnreachable extends Error {
  override readonly name = ROUTER_FAILURES.unreachable;
}

export function refuse(message: string, type: Exclude<RouterFailureType, 'RouterUnreachable'>, details?: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, type, ...(details ? [details] : []));
}

const ERRNO_NAMES = new Map<number, string>(Object.entries(constants.errno).map(([name, code]) => [-code, name]));

const PLAIN_WORDS: Record<string, string> = {
  ECONNREFUSED: 'refused the connection (is the API service enabled and the port right?)',
  ECONNRESET: 'reset the connection',
  ETIMEDOUT: 'did not answer in time',
  EHOSTUNREACH: 'is unreachable from here',
  ENETUNREACH: 'is on a network we cannot reach',
  EPIPE: 'closed the connection while we were writing',
  ENOTFOUND: 'has an address that does not resolve',
  EAI_AGAIN: 'has an address that does not resolve right now',
  SOCKTMOUT: 'did not answer in time (socket timeout)',
};

/** Text of a router trap that means a referenced profile does not exist. */
const UNKNOWN_PROFILE = /input does not match any value of profile/i;
/** Traps that a retry cannot fix: our values are wrong for this router. */
const INVALID_INPUT = [/input does not match any value of/i, /invalid value/i, /unknown parameter/i, /no such command/i, /expected end of command/i, /value of .* (out of range|too long)/i, /ambiguous value/i];
/** Traps of `/ip/hotspot/active/login` refusing a device. */
const HOTSPOT_REFUSALS = [/invalid username or password/i, /MAC address is not yours/i, /reached uptime limit/i, /reached traffic limit/i, /no more sessions are allowed/i, /no such host/i];

/**
 * What a node-routeros failure means for Temporal. `during` says what we were doing, for the message;
 * `hotspotLogin` reads login traps as refusals of the device rather than as our own bad input.
 */
export function classifyRouterError(error: unknown, router: RouterLabel, during: string, opts: { hotspotLogin?: boolean } = {}): Error {
  if (error instanceof ApplicationFailure || error instanceof RouterUnreachable || error instanceof RouterReadBackMismatch) return error;
  const where = describeRouter(router);
  if (error instanceof RosException || isRosLike(error)) {
    const errno = (error as { errno?: unknown }).errno;
    if (errno === 'CANTLOGIN' || /invalid user name or password|cannot log in/i.test(String((error as Error).message))) {
      return refuse(`${where} refused the API login for this user name and password; fix them on the router page`, ROUTER_FAILURES.authFailed);
    }
    const code = typeof errno === 'number' ? (ERRNO_NAMES.get(errno) ?? `errno ${errno}`) : String(errno ?? 'unknown');
    const words = PLAIN_WORDS[code] ?? `failed (${code}${(error as Error).message ? `: ${(error as Error).message}` : ''})`;
    return new RouterUnreachable(`${where} ${words} while ${during}`);
  }
  if (error instanceof Error) {
    const message = error.message;
    if (typeof (error as NodeJS.ErrnoException).code === 'string') {
      const code = (error as NodeJS.ErrnoException).code!;
      return new RouterUnreachable(`${where} ${PLAIN_WORDS[code] ?? `failed (${code})`} while ${during}`);
    }
    if (opts.hotspotLogin && HOTSPOT_REFUSALS.some((re) => re.test(message))) {
      return refuse(`${where} refused the hotspot login: ${message}`, ROUTER_FAILURES.hotspotLoginRefused, { trap: message });
    }
    if (UNKNOWN_PROFILE.test(message)) {
      return refuse(`${where} has no such profile (${message}) while ${during}; ensure the package's profile first`, ROUTER_FAILURES.unknownProfile, { trap: message });
    }
    if (INVALID_INPUT.some((re) => re.test(message))) {
      return refuse(`${where} rejected a value while ${during}: ${message}`, ROUTER_FAILURES.invalidInput, { trap: message });
    }
    // Anything else the router said (a duplicate from a concurrent add, `no such item` after a
    // concurrent remove, a busy router) may well pass on the next attempt.
    return new RouterUnreachable(`${where} failed while ${during}: ${message || error.name}`);
  }
  return new RouterUnreachable(`${where} failed while ${during}: ${String(error)}`);
}

function isRosLike(error: unknown): boolean {
  return error instanceof Error && error.name === 'RosException';
}

/** The router accepted a write but reads back something else (a concurrent change): worth another attempt. */
export class RouterReadBackMismatch extends Error {
  override readonly name = 'RouterReadBackMismatch';
}
