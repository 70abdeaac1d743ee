import { parseArgs, type ParseArgsConfig } from 'node:util';

// Shared by the simulators' `npm run sim:*` entry points: flags, a busy port, and Ctrl-C.

/** Parses flags; anything unknown or malformed prints the usage line and exits 2. */
export function readFlags<O extends NonNullable<ParseArgsConfig['options']>>(options: O, usageLine: string) {
  const usage = (): never => {
    process.stderr.write(`${usageLine}\n`);
    process.exit(2);
  };
  try {
    return { values: parseArgs({ options, strict: true }).values, usage };
  } catch {
    return usage();
  }
}

/** Starts the simulator; a taken port is one clear line and exit 1, not a stack trace. */
export async function startOrExplain<T extends { stop(): Promise<void> }>(port: number, start: () => Promise<T>): Promise<T> {
  const simulator = await start().catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EADDRINUSE') throw err;
    process.stderr.write(`port ${port} is already in use: pass another with --port\n`);
    process.exit(1);
  });
  const stop = () => void simulator.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return simulator;
}
