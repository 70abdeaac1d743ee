import { resolve } from 'node:path';
import { envSchema, loadConfig } from '../config/env';
import { resolveTemporalCli } from './cli';
import { startDevServer } from './dev-server';

// `npm run temporal`: only the Temporal dev server + UI, for running web and worker separately.
const config = loadConfig(envSchema);
const cliPath = await resolveTemporalCli({ explicit: config.TEMPORAL_CLI_PATH, cacheDir: config.MTANDAO_CACHE_DIR });
const server = await startDevServer({
  cliPath,
  namespace: config.TEMPORAL_NAMESPACE,
  port: config.TEMPORAL_PORT,
  uiPort: config.TEMPORAL_UI_PORT,
  dbFile: resolve(config.DATA_DIR, 'temporal.sqlite'),
  logFile: resolve(config.DATA_DIR, 'logs', 'temporal.log'),
});
console.log(`Temporal dev server on ${server.address} (namespace ${config.TEMPORAL_NAMESPACE}), UI on http://localhost:${config.TEMPORAL_UI_PORT}`);
console.log(`Run the others against it with TEMPORAL_ADDRESS=${server.address}. Ctrl-C stops it.`);
const stop = () => void server.stop().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
server.process.once('exit', (code) => process.exit(code ?? 1));
