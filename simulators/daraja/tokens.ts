import { accessToken } from './ids';

/** Access tokens issued by `/oauth/v1/generate`, each with its own expiry. */
export class TokenStore {
  private readonly expiries = new Map<string, number>();

  issue(ttlSeconds: number): { access_token: string; expires_in: string } {
    const token = accessToken();
    this.expiries.set(token, Date.now() + ttlSeconds * 1000);
    // Daraja sends the lifetime as a string, and clients must cope.
    return { access_token: token, expires_in: String(ttlSeconds) };
  }

  /** True for a live token; the Authorization header is passed whole (`Bearer <token>`). */
  accepts(authorization: string | undefined): boolean {
    const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    const expiry = token ? this.expiries.get(token) : undefined;
    return expiry !== undefined && expiry > Date.now();
  }

  /** Makes every issued token invalid at once, as a credentials rotation on the portal would. */
  revokeAll(): void {
    this.expiries.clear();
  }
}
