import { createCookieSessionStorage, type SessionStorage } from '@remix-run/node';

export interface StaffSessionData {
  staffId: string;
  version: number;
  csrf: string;
  /** The tenant a super admin is working in (staff of a tenant always work in their own). */
  tenantId: string;
}

export type StaffSessions = SessionStorage<Partial<StaffSessionData>>;

export interface WebSecrets {
  sessionSecret: string;
  encryptionKey: Buffer;
  /** Secret path segments of the payment and SMS delivery-report webhooks. */
  paymentWebhookToken: string;
  smsWebhookToken: string;
  /** Secure cookies when served over https (PUBLIC_URL) or in production. */
  secureCookies: boolean;
}

export function createStaffSessions(secrets: WebSecrets): StaffSessions {
  return createCookieSessionStorage<Partial<StaffSessionData>>({
    cookie: {
      name: 'mtandao_staff',
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: secrets.secureCookies,
      secrets: [secrets.sessionSecret],
      maxAge: 12 * 60 * 60,
    },
  });
}

export interface CustomerSessionData {
  tenantId: string;
  customerId: string;
  version: number;
  csrf: string;
  /** The portal's language before sign-in (after it, the customer's own setting). */
  lang: 'en' | 'sw';
}

export type CustomerSessions = SessionStorage<Partial<CustomerSessionData>>;

/** The client portal's own cookie: a customer identity never shares a session with a staff one. */
export function createCustomerSessions(secrets: WebSecrets): CustomerSessions {
  return createCookieSessionStorage<Partial<CustomerSessionData>>({
    cookie: {
      name: 'mtandao_client',
      httpOnly: true,
      sameSite: 'lax',
      // '/', not '/client': Remix fetches the portal's data from `/client.data`, outside a '/client' cookie path.
      path: '/',
      secure: secrets.secureCookies,
      secrets: [secrets.sessionSecret],
      maxAge: 30 * 24 * 60 * 60,
    },
  });
}
