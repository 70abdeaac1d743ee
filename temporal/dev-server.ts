import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { devServerSearchAttributeArgs } from './search-attributes';

export interface DevServerOptions {
  cliPath: string;
  namespace: string;
  port: number;
  /** Omit for a headless server (tests). */
  uiPort?: number;
  /** SQLite file; omit for an in-memory database (tests). */
  dbFile?: string;
  /** Where the server's own output goes; omit to discard it. */
  logFile?: string;
  startTimeoutMs?: number;
  /** Own process group, so a terminal Ctrl-C does not stop it before the workers using it have drained. */
  detached?: boolean;
}

export interface DevServer {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export function devServerArgs(opts: DevServerOptions): string[] {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port), '--namespace', opts.namespace];
  args.push('--log-format', 'json', '--log-level', 'warn');
  if (opts.dbFile) {
    // WAL keeps readers (UI, visibility) off the writer's back; NORMAL is durable across process crashes.
    args.push('--db-filename', opts.dbFile, '--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL');
  }
  args.push(...(opts.uiPort ? ['--ui-port', String(opts.uiPort)] : ['--headless']));
  args.push(...devServerSearchAttributeArgs());
  return args;
}

/** Launches `temporal server start-dev` and resolves once its frontend answers health checks. */
export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  if (opts.dbFile) mkdirSync(dirname(opts.dbFile), { recursive: true });
  const child = spawn(opts.cliPath, devServerArgs(opts), { stdio: ['ignore', 'pipe', 'pipe'], detached: opts.detached ?? false });
  let recent = '';
  const remember = (chunk: Buffer) => {
    recent = (recent + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', remember);
  child.stderr.on('data', remember);
  if (opts.logFile) {
    mkdirSync(dirname(opts.logFile), { recursive: true });
    const log = createWriteStream(opts.logFile, { flags: 'a' });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const address = `127.0.0.1:${opts.port}`;

  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  for (;;) {
    const early = await Promise.race([exited, delay(250).then(() => 'running' as const)]);
    if (early !== 'running') {
      throw new Error(`Temporal dev server exited with code ${early} during start-up:\n${recent.trim()}`);
    }
    if (await isServing(address)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Temporal dev server did not answer on ${address} within ${opts.startTimeoutMs ?? 60_000} ms`);
    }
  }

  return {
    address,
    process: child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export async function isServing(address: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1000 });
    const health = await connection.healthService.check({});
    return health.status === 1; // SERVING
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
