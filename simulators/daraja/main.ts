import { parseArgs } from 'node:util';
import { createLogger } from '../../config/logger';
import { CALLBACK_DELAY_MS } from './defaults';
import { startDarajaSimulator } from './server';

// `npm run sim:daraja -- --port 8089 [--host 0.0.0.0] [--callback-delay-ms 1500] [--manual]`
const USAGE = 'usage: npm run sim:daraja -- [--port 8089] [--host 127.0.0.1] [--callback-delay-ms 1500] [--manual]\n';
function usage(): never {
  process.stderr.write(USAGE);
  process.exit(2);
}

function readArgs() {
  try {
    return parseArgs({
      options: {
        port: { type: 'string', default: '8089' },
        host: { type: 'string', default: '127.0.0.1' },
        'callback-delay-ms': { type: 'string', default: String(CALLBACK_DELAY_MS) },
        manual: { type: 'boolean', default: false },
      },
    }).values;
  } catch {
    return usage();
  }
}

const values = readArgs();
const port = Number(values.port);
const callbackDelayMs = Number(values['callback-delay-ms']);
if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isInteger(callbackDelayMs) || callbackDelayMs < 0) usage();

const simulator = await startDarajaSimulator({
  port,
  host: values.host,
  callbackDelayMs,
  manual: values.manual,
  logger: createLogger('daraja-sim'),
}).catch((err: NodeJS.ErrnoException) => {
  if (err.code !== 'EADDRINUSE') throw err;
  process.stderr.write(`port ${port} is already in use: pass another with --port\n`);
  process.exit(1);
});
process.stdout.write(`Daraja simulator on ${simulator.url} (phone: ${simulator.url}/_sim/phone, control: ${simulator.url}/_sim/transactions)\n`);

const stop = () => void simulator.stop().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
