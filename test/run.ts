import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createSql } from '../db/client';
import { startEmbeddedPostgres } from '../db/embedded';
import { migrate } from '../db/migrate';
import { freePort } from '../scripts/ports';
import { resolveTemporalCli } from '../temporal/cli';
import { startDevServer } from '../temporal/dev-server';
import { ensureTestServer } from '../temporal/test-server';
import { ensureChromium } from './support/chromium';
import { ensurePoppler } from './support/poppler';
import { TEMPLATE_DATABASE, type TestEnvironment } from './support/environment';

/**
 * `npm test [-- files…]`: starts the real servers once (Postgres with a migrated template database,
 * the Temporal dev server, the Java time-skipping server), builds the web app, then runs the test
 * files on node's test runner. Time-skipping files run one at a time: skipped time is global.
 */
const started = Date.now();
const say = (line: string) => process.stdout.write(`${line}\n`);
const filter = process.argv.slice(2);
const files = listTestFiles('test').filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)));
const timeSkippingFiles = files.filter((f) => f.includes('.timeskip.'));
const otherFiles = files.filter((f) => !f.includes('.timeskip.'));
if (files.length === 0) {
  say(`no test files match ${filter.join(' ')}`);
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'mtandao-test-'));
chmodSync(work, 0o755); // the dedicated postgres OS user must reach its data directory
const cleanups: (() => Promise<unknown>)[] = [];
let exitCode = 1;
try {
  const cliPath = await resolveTemporalCli({ explicit: process.env.TEMPORAL_CLI_PATH, log: say });
  const testServer = ensureTestServer({ log: say });
  if (files.some((f) => f.includes('.e2e.'))) ensureChromium(say);
  if (files.some((f) => f.includes('test/client/'))) ensurePoppler(say);

  say('Building the web app (vite)…');
  const build = spawnSync(process.execPath, ['node_modules/@remix-run/dev/dist/cli.js', 'vite:build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('web build failed');

  const pgPort = await freePort();
  const postgres = await startEmbeddedPostgres({ dataDir: join(work, 'pg'), port: pgPort, ephemeral: true, fast: true });
  cleanups.push(() => postgres.stop());
  await postgres.ensureDatabase(TEMPLATE_DATABASE);
  const template = createSql(postgres.url(TEMPLATE_DATABASE), { max: 1 });
  await migrate(template);
  await template.end();

  const temporalPort = await freePort();
  const devServer = await startDevServer({ cliPath, namespace: 'mtandao', port: temporalPort });
  cleanups.push(() => devServer.stop());

  const env: TestEnvironment = {
    MTANDAO_TEST_PG_URL: postgres.url('postgres'),
    MTANDAO_TEST_TEMPORAL_ADDRESS: devServer.address,
    MTANDAO_TEST_TIMESKIPPING_PORT: '0',
    MTANDAO_TEST_TIMESKIPPING_PLACEHOLDER: testServer.placeholder,
    MTANDAO_TEST_CLI_PATH: cliPath,
  };
  say(`Servers ready in ${((Date.now() - started) / 1000).toFixed(1)} s; running ${files.length} test files.\n`);

  const results = [];
  // Each time-skipping file gets a server of its own: skipped time, and any task a finished file's worker
  // left behind, would otherwise carry into the next file (and can leave its clock locked).
  for (const [i, file] of timeSkippingFiles.entries()) {
    const timeSkippingPort = await freePort();
    const java = spawn(testServer.wrapper, [String(timeSkippingPort)], { stdio: 'ignore' });
    try {
      await waitForPort(timeSkippingPort, 30_000);
      results.push(await runNodeTests([file], 1, { ...env, MTANDAO_TEST_TIMESKIPPING_PORT: String(timeSkippingPort) }, join(work, `timeskip-${i}.tap`)));
    } finally {
      java.kill('SIGTERM');
      await new Promise((resolve) => (java.exitCode !== null ? resolve(null) : java.once('exit', resolve)));
    }
  }
  if (otherFiles.length) results.push(await runNodeTests(otherFiles, 2, env, join(work, 'other.tap')));
  const pass = results.reduce((n, r) => n + r.pass, 0);
  const fail = results.reduce((n, r) => n + r.fail, 0);
  say(`\n${pass} passed, ${fail} failed (${files.length} files) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  exitCode = fail === 0 && results.every((r) => r.code === 0) ? 0 : 1;
} catch (err) {
  process.stderr.write(`\nTest setup failed: ${err instanceof Error ? err.message : String(err)}\n`);
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode);

async function runNodeTests(testFiles: string[], concurrency: number, env: TestEnvironment, tapFile: string) {
  const args = [
    '--import', 'tsx', '--import', './test/support/setup.js', '--test', `--test-concurrency=${concurrency}`,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
    ...testFiles,
  ];
  const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, ...env, NODE_ENV: 'test', LOG_LEVEL: 'warn' } });
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
  const tap = readFileSync(tapFile, 'utf8');
  const count = (key: string) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
  return { code, pass: count('pass'), fail: count('fail') + count('cancelled') };
}

function listTestFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === 'fixtures' || name === 'support' ? [] : listTestFiles(path);
      return name.endsWith('.test.ts') ? [relative('.', path)] : [];
    })
    .sort();
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms`);
}
