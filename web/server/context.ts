import type { TemporalClient } from '../../temporal/client';
import type { Logger } from '../../config/logger';
import type { Sql } from '../../db/client';
import type { CustomerSessions, StaffSessions } from './auth';
import type { Readiness } from './readiness';

/** What every Remix loader and action receives: the process's single DB pool and Temporal client. */
export interface WebContext {
  sql: Sql;
  temporal: TemporalClient;
  log: Logger;
  requestId: string;
  readiness: () => Promise<Readiness>;
  sessions: StaffSessions;
  /** The client portal's sessions (cookie `mtandao_client`), never the staff ones. */
  clientSessions: CustomerSessions;
  encryptionKey: Buffer;
  clientIp: string;
  /** `<Temporal UI>/namespaces/<ns>/workflows` when TEMPORAL_UI_URL is set; workflow pages link `<this>/<id>`. */
  temporalUiUrl?: string;
}

declare module '@remix-run/node' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging needs the interface form
  interface AppLoadContext extends WebContext {}
}
