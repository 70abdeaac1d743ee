import { ApplicationFailure } from '@temporalio/common';
import type { Sql } from '../../db/client';
import { decryptSecret } from '../../db/encryption';
import { routers } from '../../db/queries/routers';
import { ROUTER_FAILURES } from './failures';
import type { RouterHealth } from './gateway';
import { createRouterOsGateway } from './routeros-gateway';

export type ConnectionTestResult = { ok: true; health: RouterHealth; elapsedMs: number } | { ok: false; headline: string; detail: string; type: string };

const HEADLINES: Record<string, string> = {
  [ROUTER_FAILURES.authFailed]: 'The router refused the API user name or password',
  [ROUTER_FAILURES.unreachable]: 'The router could not be reached',
  [ROUTER_FAILURES.routerNotFound]: 'No such router',
};

/**
 * The back office's "Test connection": one health read with the stored password, on a gateway of its
 * own that is closed straight after, so the web process keeps no router connections. Records the
 * router online or offline.
 */
export async function testRouterConnection(sql: Sql, encryptionKey: Buffer, tenantId: string, routerId: string, timeoutMs = 5000): Promise<ConnectionTestResult> {
  const row = await routers.connection(sql, tenantId, routerId);
  if (!row) return { ok: false, headline: 'No such router', detail: '', type: ROUTER_FAILURES.routerNotFound };
  let password: string;
  try {
    password = decryptSecret(row.passwordEnc, encryptionKey);
  } catch {
    return { ok: false, headline: 'The stored password cannot be read', detail: 'It was saved under another ENCRYPTION_KEY. Enter the API password again and save.', type: ROUTER_FAILURES.authFailed };
  }
  const gateway = createRouterOsGateway({ callTimeoutMs: timeoutMs, maxPerRouter: 1 });
  const started = Date.now();
  try {
    const health = await gateway.readHealth({ id: row.id, name: row.name, host: row.host, port: row.apiPort, tls: row.useTls, username: row.username, password });
    await routers.recordHealth(sql, tenantId, routerId, true);
    return { ok: true, health, elapsedMs: Date.now() - started };
  } catch (error) {
    await routers.recordHealth(sql, tenantId, routerId, false);
    const type = error instanceof ApplicationFailure ? (error.type ?? 'Error') : error instanceof Error ? error.name : 'Error';
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, headline: HEADLINES[type] ?? 'The router refused the request', detail, type };
  } finally {
    await gateway.close();
  }
}
