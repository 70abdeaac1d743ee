import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** A customer's browser: the portal's own cookie jar (`mtandao_client`), forms posted with the frame's CSRF token. */
export class ClientVisitor {
  cookie = '';
  constructor(private readonly app: FastifyInstance) {}

  async get(path: string): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({ method: 'GET', url: path, headers: this.cookie ? { cookie: this.cookie } : {} });
    this.keep(res);
    return res;
  }

  async submit(formPage: string, fields: Record<string, string>, action = formPage): Promise<LightMyRequestResponse> {
    const page = await this.get(formPage);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    return this.post(action, { _csrf: csrf, ...fields });
  }

  async post(path: string, fields: Record<string, string>): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method: 'POST',
      url: path,
      headers: { ...(this.cookie ? { cookie: this.cookie } : {}), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
    this.keep(res);
    return res;
  }

  async signIn(identifier: string, password = 'mtandao-demo'): Promise<LightMyRequestResponse> {
    const res = await this.submit('/client/login', { identifier, password, next: '/client' });
    if (res.statusCode !== 302) throw new Error(`portal sign-in as ${identifier} failed: ${res.statusCode} ${res.body.slice(0, 200)}`);
    return res;
  }

  private keep(res: LightMyRequestResponse): void {
    const set = res.headers['set-cookie'];
    for (const line of Array.isArray(set) ? set : set ? [set] : []) {
      const [pair] = line.split(';');
      if (pair?.startsWith('mtandao_client=')) this.cookie = /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(line) ? '' : pair;
    }
  }
}

/** What a person reads on the page: no markup, no embedded loader data. */
export function text(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<!-- -->/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}
