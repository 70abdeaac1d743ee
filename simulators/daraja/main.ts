import { createLogger } from '../../config/logger';
import { readFlags, startOrExplain } from '../cli';
import { CALLBACK_DELAY_MS } from './defaults';
import { startDarajaSimulator } from './server';

// `npm run sim:daraja -- --port 8089 [--host 0.0.0.0] [--callback-delay-ms 1500] [--manual]`
const { values, usage } = readFlags(
  {
    port: { type: 'string', default: '8089' },
    host: { type: 'string', default: '127.0.0.1' },
    'callback-delay-ms': { type: 'string', default: String(CALLBACK_DELAY_MS) },
    manual: { type: 'boolean', default: false },
  },
  'usage: npm run sim:daraja -- [--port 8089] [--host 127.0.0.1] [--callback-delay-ms 1500] [--manual]',
);
const port = Number(values.port);
const callbackDelayMs = Number(values['callback-delay-ms']);
if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isInteger(callbackDelayMs) || callbackDelayMs < 0) usage();

const simulator = await startOrExplain(port, () =>
  startDarajaSimulator({ port, host: values.host, callbackDelayMs, manual: values.manual, logger: createLogger('daraja-sim') }),
);
process.stdout.write(`Daraja simulator on ${simulator.url} (phone: ${simulator.url}/_sim/phone, control: ${simulator.url}/_sim/transactions)\n`);
