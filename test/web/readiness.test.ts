import assert from 'node:assert/strict';
import { mkdtempSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../config/logger';
import { createSql, type Sql } from '../../db/client';
import { startEmbeddedPostgres, type RunningPostgres } from '../../db/embedded';
import { migrate } from '../../db/migrate';
import { freePort } from '../../scripts/ports';
import { createTemporalClient, type TemporalClient } from '../../temporal/client';
import { buildApp } from '../../web/server/app';
import { createCoreWorker } from '../../workers/core-worker';
import { waitFor } from '../support/wait';
import { devServerEnvironment, type DevServerTestEnvironment } from '../support/temporal';
import { testSecrets } from '../support/web';

// This file runs its own Postgres cluster because it stops it mid-test.
let postgres: RunningPostgres;
let sql: Sql;
let temporal: DevServerTestEnvironment;
let client: TemporalClient;
let app: FastifyInstance;
let worker: Worker | undefined;
let running: Promise<void> | undefined;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mtandao-readyz-'));
  chmodSync(dir, 0o755);
  postgres = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort(), ephemeral: true, fast: true });
  await postgres.ensureDatabase('mtandao');
  sql = createSql(postgres.url('mtandao'), { max: 2 });
  await migrate(sql);
  temporal = await devServerEnvironment();
  client = createTemporalClient(temporal.address, temporal.namespace);
  app = await buildApp({ sql, temporal: client, log: createLogger('web', 'silent'), remix: 'build', secrets: testSecrets });
});

after(async () => {
  await app.close();
  worker?.shutdown();
  await running;
  await client.connection.close();
  await temporal.env.teardown();
  await sql.end({ timeout: 1 });
  await postgres.stop();
});

interface ReadyBody {
  status: string;
  checks: Record<'database' | 'temporal' | 'worker', { ok: boolean; detail?: string }>;
}

test('/healthz answers while the process is up', async () => {
  const res = await app.inject('/healthz');
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { status: 'up' });
  assert.ok(res.headers['x-request-id'], 'every response carries a request id');
});

test('/readyz is red and names the worker when nothing polls the task queue', async () => {
  const res = await app.inject('/readyz');
  assert.equal(res.statusCode, 503);
  const body = res.json<ReadyBody>();
  assert.equal(body.status, 'not_ready');
  assert.equal(body.checks.database.ok, true);
  assert.equal(body.checks.temporal.ok, true);
  assert.equal(body.checks.worker.ok, false);
  assert.match(body.checks.worker.detail ?? '', /no worker is polling/);
});

test('/readyz is green with the database, Temporal and a polling worker', async () => {
  worker = await createCoreWorker({ connection: temporal.env.nativeConnection, namespace: temporal.namespace, sql });
  running = worker.run();
  await waitFor(async () => (await app.inject('/readyz')).statusCode === 200);
  const body = (await app.inject('/readyz')).json<ReadyBody>();
  assert.equal(body.status, 'ready');
  assert.ok(Object.values(body.checks).every((c) => c.ok));
});

test('the hotspot portal opened without a router redirect tells the guest how to get there', async () => {
  const res = await app.inject('/hotspot');
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /<h1>Hotspot<\/h1>/);
  assert.match(res.body, /open any web page/);
});

test('/readyz turns red, naming the database, once Postgres stops', async () => {
  await postgres.stop();
  const started = Date.now();
  const res = await app.inject('/readyz');
  assert.equal(res.statusCode, 503);
  const body = res.json<ReadyBody>();
  assert.equal(body.checks.database.ok, false);
  assert.ok(body.checks.database.detail, 'the failing check says why');
  assert.equal(body.checks.temporal.ok, true);
  assert.ok(Date.now() - started < 5000, 'a dead database does not hang the probe');
  const page = await app.inject('/client/login');
  assert.equal(page.statusCode, 200, 'the sign-in page still renders');
  assert.match(page.body, /<h1>Sign in<\/h1>/);
});
