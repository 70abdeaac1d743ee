import { loadConfig, envSchema } from '../config/env';
import { resolveTemporalCli } from './cli';
import { ensureTestServer } from './test-server';

// `npm run temporal:tools`: acquire the dev-server CLI and the time-skipping test server (CI runs this first).
const config = loadConfig(envSchema.pick({ TEMPORAL_CLI_PATH: true, MTANDAO_CACHE_DIR: true }));
const started = Date.now();
const cli = await resolveTemporalCli({ explicit: config.TEMPORAL_CLI_PATH, cacheDir: config.MTANDAO_CACHE_DIR });
const testServer = ensureTestServer({ cacheDir: config.MTANDAO_CACHE_DIR });
console.log(`temporal cli ${cli}`);
console.log(`temporal test server ${testServer.wrapper}`);
console.log(`tools ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
