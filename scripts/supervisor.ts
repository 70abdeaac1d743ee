import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const WARN = 40;

/** Runs the node processes of `npm start`, logs each to a file and echoes its warnings and errors. */
export class Supervisor {
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;
  onUnexpectedExit: (name: string) => void = () => undefined;

  constructor(
    private readonly logDir: string,
    private readonly say: (line: string) => void,
  ) {
    mkdirSync(logDir, { recursive: true });
  }

  start(name: string, args: string[], env: Record<string, string>): void {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group: a terminal Ctrl-C reaches only the supervisor, which stops children in order.
      detached: true,
    });
    const file = createWriteStream(join(this.logDir, `${name}.log`), { flags: 'a' });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        file.write(`${line}\n`);
        if (shouldEcho(line)) this.say(`[${name}] ${line}`);
      });
    }
    child.once('exit', (code, signal) => {
      this.children.delete(name);
      if (this.stopping) return;
      this.say(`[${name}] exited (${signal ?? `code ${code}`}); see ${join(this.logDir, `${name}.log`)}`);
      this.onUnexpectedExit(name);
    });
    this.children.set(name, child);
  }

  async waitForReady(url: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
        if (response.ok) return;
        last = `${response.status} ${await response.text()}`;
      } catch (err) {
        last = err instanceof Error ? err.message : String(err);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`${url} was not ready after ${timeoutMs / 1000} s: ${last}`);
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
            child.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}

/** Structured lines at warn or above, and anything unstructured (a crash before the logger exists). */
function shouldEcho(line: string): boolean {
  if (!line.startsWith('{')) return line.trim().length > 0;
  try {
    return Number((JSON.parse(line) as { level?: unknown }).level) >= WARN;
  } catch {
    return true;
  }
}
