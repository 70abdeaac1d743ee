import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Spawned {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
  /** Resolves when a line of output matches. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/** Runs one of the project's entry points as a real process, the way npm scripts do. */
export function spawnEntry(entry: string, env: Record<string, string>, args: string[] = []): Spawned {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const waiters = new Set<{ pattern: RegExp; resolve: (line: string) => void }>();
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      output.push(line);
      for (const w of waiters) {
        if (w.pattern.test(line)) {
          waiters.delete(w);
          w.resolve(line);
        }
      }
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output,
    exited,
    waitForLine(pattern, timeoutMs = 60_000) {
      const seen = output.find((line) => pattern.test(line));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = { pattern, resolve };
        waiters.add(waiter);
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`${entry} never printed ${pattern} within ${timeoutMs} ms; output:\n${output.slice(-20).join('\n')}`));
        }, timeoutMs);
        void exited.then(() => {
          if (!waiters.has(waiter)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          reject(new Error(`${entry} exited before printing ${pattern}; output:\n${output.slice(-20).join('\n')}`));
        });
        const done = waiter.resolve;
        waiter.resolve = (line) => {
          clearTimeout(timer);
          done(line);
        };
      });
    },
  };
}
