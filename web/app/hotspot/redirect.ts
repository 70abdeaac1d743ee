import { z } from 'zod';

/**
 * What the router's login.html hands the portal (facts §4.1): who the device is and where its login form
 * lives. Carried in the query string and in hidden fields from page to page; every value is bounded and
 * anything malformed is dropped rather than refused, since a guest cannot fix a router's redirect.
 */
export interface HotspotRedirect {
  router: string;
  mac?: string;
  ip?: string;
  linkLoginOnly?: string;
  linkOrig?: string;
  chapId?: string;
  chapChallenge?: string;
  error?: string;
  serverName?: string;
}

const FIELDS = [
  ['router', 'router'],
  ['mac', 'mac'],
  ['ip', 'ip'],
  ['linkLoginOnly', 'link-login-only'],
  ['linkOrig', 'link-orig'],
  ['chapId', 'chap-id'],
  ['chapChallenge', 'chap-challenge'],
  ['error', 'error'],
  ['serverName', 'server-name'],
] as const satisfies readonly (readonly [keyof HotspotRedirect, string])[];

const httpUrl = z.string().max(500).url().refine((u) => /^https?:\/\//i.test(u));
const checks: Record<keyof HotspotRedirect, z.ZodType<string>> = {
  router: z.string().uuid(),
  mac: z.string().regex(/^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$/),
  ip: z.string().ip(),
  linkLoginOnly: httpUrl,
  linkOrig: z.string().max(2000).refine((u) => /^https?:\/\//i.test(u)),
  // Octal escapes as RouterOS writes them (`\371\015…`).
  chapId: z.string().max(64).regex(/^(\\[0-7]{3}|[\x20-\x7e])*$/),
  chapChallenge: z.string().max(256).regex(/^(\\[0-7]{3}|[\x20-\x7e])*$/),
  error: z.string().max(200),
  serverName: z.string().max(64),
};

/** Reads the redirect from URLSearchParams or FormData (both use the router's parameter names). */
export function readRedirect(source: URLSearchParams | FormData): HotspotRedirect | undefined {
  const out: Partial<HotspotRedirect> = {};
  for (const [key, name] of FIELDS) {
    const raw = source.get(name);
    if (typeof raw !== 'string' || raw.trim() === '' || raw === '---') continue;
    const parsed = checks[key].safeParse(raw.trim());
    if (parsed.success) out[key] = key === 'mac' ? parsed.data.toUpperCase().replace(/-/g, ':') : parsed.data;
  }
  return out.router ? (out as HotspotRedirect) : undefined;
}

/** The same redirect as query parameters, to link back to the portal ("try again"). */
export function redirectQuery(r: Partial<HotspotRedirect>): string {
  const params = new URLSearchParams();
  for (const [key, name] of FIELDS) {
    const value = r[key];
    if (value) params.set(name, value);
  }
  return params.toString();
}

/** Hidden inputs carrying the redirect through a form. */
export function redirectFields(r: Partial<HotspotRedirect>): [string, string][] {
  return FIELDS.flatMap(([key, name]) => (r[key] ? [[name, r[key]] as [string, string]] : []));
}
