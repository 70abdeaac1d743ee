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
