import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs, one line per event; `service` tells web, worker and supervisor lines apart. */
export function createLogger(service: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}
