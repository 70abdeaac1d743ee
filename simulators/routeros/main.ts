import { parseArgs } from 'node:util';
import { startRouterOsSimulator } from './simulator';

/**
 * `npm run sim:routeros -- --port 8728 [--tls-port 8729] [--control-port 8780] [--user admin]
 * [--password mtandao] [--version 7.18] [--identity MikroTik] [--host 127.0.0.1]`
 */
const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8728' },
    'tls-port': { type: 'string', default: '0' },
    'control-port': { type: 'string', default: '0' },
    user: { type: 'string', default: 'admin' },
    password: { type: 'string', default: 'mtandao' },
    version: { type: 'string', default: '7.18' },
    identity: { type: 'string', default: 'MikroTik' },
  },
  strict: true,
});

const port = (name: 'port' | 'tls-port' | 'control-port'): number => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`--${name} must be a port number, not "${values[name]}"`);
  return value;
};

try {
  const simulator = await startRouterOsSimulator({
    host: values.host,
    port: port('port'),
    tlsPort: port('tls-port'),
    controlPort: port('control-port'),
    user: values.user,
    password: values.password,
    version: values.version,
    identity: values.identity,
  });
  const { host } = simulator;
  process.stdout.write(
    `RouterOS ${values.version} simulator "${values.identity}": api ${host}:${simulator.port}, api-ssl ${host}:${simulator.tlsPort}, control ${simulator.controlUrl} (user ${values.user})\n`,
  );
  const shutdown = () => void simulator.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (error) {
  process.stderr.write(`routeros simulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
