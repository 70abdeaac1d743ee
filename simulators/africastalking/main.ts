import { createLogger } from '../../config/logger';
import { readFlags, startOrExplain } from '../cli';
import { DLR_DELAY_MS, SIM_API_KEY, SIM_USERNAME } from './defaults';
import { startAfricasTalkingSimulator } from './server';

// `npm run sim:africastalking -- --port 8090 [--host 0.0.0.0] [--dlr-url URL] [--dlr-delay-ms 1500] [--duplicate-dlr]`
const { values, usage } = readFlags(
  {
    port: { type: 'string', default: '8090' },
    host: { type: 'string', default: '127.0.0.1' },
    'dlr-url': { type: 'string' },
    'dlr-delay-ms': { type: 'string', default: String(DLR_DELAY_MS) },
    'duplicate-dlr': { type: 'boolean', default: false },
    username: { type: 'string', default: SIM_USERNAME },
    'api-key': { type: 'string', default: SIM_API_KEY },
  },
  'usage: npm run sim:africastalking -- [--port 8090] [--host 127.0.0.1] [--dlr-url URL] [--dlr-delay-ms 1500] [--duplicate-dlr] [--username mtandao] [--api-key mtandao-at-key]',
);
const port = Number(values.port);
const dlrDelayMs = Number(values['dlr-delay-ms']);
if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isInteger(dlrDelayMs) || dlrDelayMs < 0) usage();
if (values['dlr-url'] && !URL.canParse(values['dlr-url'])) usage();

const simulator = await startOrExplain(port, () =>
  startAfricasTalkingSimulator({
    port,
    host: values.host,
    dlrUrl: values['dlr-url'] ?? null,
    dlrDelayMs,
    duplicateDlr: values['duplicate-dlr'],
    username: values.username,
    apiKey: values['api-key'],
    logger: createLogger('africastalking-sim'),
  }),
);
process.stdout.write(`Africa's Talking simulator on ${simulator.url} (inbox: ${simulator.url}/_sim/inbox, control: ${simulator.url}/_sim/messages)\n`);
