import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createLogger } from '../../config/logger';
import { DEMO_PASSWORD, seedDemo } from '../../db/seed';
import { tenants } from '../../db/queries/tenants';
import { createTemporalClient } from '../../temporal/client';
import { buildApp } from '../../web/server/app';
import { createTestDatabase, type TestDatabase } from './db';
import { testSecrets } from './web';

export interface BackOffice {
  app: FastifyInstance;
  db: TestDatabase;
  tenantId: string;
  close(): Promise<void>;
}

/** The real web app (production build) on a fresh database holding the demo seed. */
export async function startBackOffice(): Promise<BackOffice> {
  const db = await createTestDatabase();
  await seedDemo(db.sql, { encryptionKey: testSecrets.encryptionKey });
  // Pages under test never reach Temporal; the lazy client is never dialled.
  const temporal = createTemporalClient('127.0.0.1:1', 'unused');
  const app = await buildApp({ sql: db.sql, temporal, log: createLogger('web', 'silent'), remix: 'build', secrets: testSecrets });
  const tenant = await tenants.bySlug(db.sql, 'demo');
  return {
    app,
    db,
    tenantId: tenant!.id,
    async close() {
      await app.close();
      await temporal.connection.close();
      await db.drop();
    },
  };
}

/** A cookie jar driving the app as one person would: GET pages, POST forms with the page's CSRF token. */
export class Visitor {
  private cookie = '';
  constructor(private readonly app: FastifyInstance) {}

  async get(path: string): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({ method: 'GET', url: path, headers: this.headers() });
    this.keep(res);
    return res;
  }

  /** Loads `formPage` for its CSRF token, then submits `fields` to `action` (default: the same page). */
  async submit(formPage: string, fields: Record<string, string>, action = formPage): Promise<LightMyRequestResponse> {
    const page = await this.get(formPage);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    return this.post(action, { _csrf: csrf, ...fields });
  }

  async post(path: string, fields: Record<string, string>): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method: 'POST',
      url: path,
      headers: { ...this.headers(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
    this.keep(res);
    return res;
  }

  async signIn(email: string, password = DEMO_PASSWORD): Promise<LightMyRequestResponse> {
    const res = await this.submit('/dashboard/login', { email, password, next: '/dashboard' });
    if (res.statusCode !== 302) throw new Error(`sign-in as ${email} failed: ${res.statusCode}`);
    return res;
  }

  private headers(): Record<string, string> {
    return this.cookie ? { cookie: this.cookie } : {};
  }

  private keep(res: LightMyRequestResponse): void {
    const set = res.headers['set-cookie'];
    for (const line of Array.isArray(set) ? set : set ? [set] : []) {
      const [pair] = line.split(';');
      if (pair?.startsWith('mtandao_staff=')) this.cookie = /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(line) ? '' : pair;
    }
  }
}
