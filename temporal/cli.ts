import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { delimiter, join } from 'node:path';
import { toolCacheDir } from './cache';

/** v1.5.1 is the newest CLI tag `go install` accepts: later tags carry a `replace` directive. */
export const TEMPORAL_CLI_VERSION = '1.5.1';

type Log = (line: string) => void;

/**
 * Finds the Temporal CLI: TEMPORAL_CLI_PATH → `temporal` on PATH → the per-user cache →
 * build it with Go into the cache → (no Go) the archive the SDK itself downloads.
 */
export async function resolveTemporalCli(opts: { explicit?: string; cacheDir?: string; log?: Log } = {}): Promise<string> {
  const log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
  if (opts.explicit) {
    if (!existsSync(opts.explicit)) throw new Error(`TEMPORAL_CLI_PATH points at ${opts.explicit}, which does not exist`);
    return opts.explicit;
  }
  const onPath = findOnPath('temporal');
  if (onPath) return onPath;

  const dir = join(toolCacheDir(opts.cacheDir), `temporal-cli-${TEMPORAL_CLI_VERSION}`);
  const cached = join(dir, 'temporal');
  if (existsSync(cached)) return cached;

  mkdirSync(dir, { recursive: true });
  if (findOnPath('go')) buildWithGo(dir, log);
  else await downloadArchive(dir, log);
  if (!existsSync(cached)) throw new Error(`Temporal CLI was not produced at ${cached}`);
  return cached;
}

function buildWithGo(dir: string, log: Log): void {
  log(`Building the Temporal CLI v${TEMPORAL_CLI_VERSION} with Go into ${dir} (first run only, a few minutes)…`);
  // Build into a scratch GOBIN and rename, so a concurrent or interrupted build never leaves half a binary.
  const scratch = mkdtempSync(join(dir, '.build-'));
  const started = Date.now();
  const result = spawnSync(
    'go',
    [
      'install',
      `-ldflags=-s -w -X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`,
      `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`,
    ],
    { env: { ...process.env, CGO_ENABLED: '0', GOBIN: scratch, GOFLAGS: '-buildvcs=false' }, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (result.status !== 0) {
    rmSync(scratch, { recursive: true, force: true });
    throw new Error(`go install of the Temporal CLI failed (exit ${result.status}); see the output above`);
  }
  renameSync(join(scratch, 'temporal'), join(dir, 'temporal'));
  rmSync(scratch, { recursive: true, force: true });
  log(`Temporal CLI built in ${Math.round((Date.now() - started) / 1000)} s.`);
}

/** The SDK's own source for dev-server binaries; only reachable on a machine with internet. */
async function downloadArchive(dir: string, log: Log): Promise<void> {
  const os = platform() === 'darwin' ? 'darwin' : platform() === 'win32' ? 'windows' : 'linux';
  const cpu = arch() === 'arm64' ? 'arm64' : 'amd64';
  const url = `https://temporal.download/cli/archive/v${TEMPORAL_CLI_VERSION}?platform=${os}&arch=${cpu}`;
  log(`Go is not installed; downloading the Temporal CLI from ${url}…`);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Downloading the Temporal CLI failed: HTTP ${response.status}. Install Go or set TEMPORAL_CLI_PATH.`);
  const archive = join(dir, 'temporal.tar.gz');
  writeFileSync(archive, Buffer.from(await response.arrayBuffer()));
  execFileSync('tar', ['-xzf', archive, '-C', dir, 'temporal']);
  rmSync(archive);
  chmodSync(join(dir, 'temporal'), 0o755);
}

export function findOnPath(command: string): string | undefined {
  for (const entry of (process.env.PATH ?? '').split(delimiter)) {
    if (!entry) continue;
    const candidate = join(entry, command);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}
