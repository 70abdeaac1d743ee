import { loadConfig, secretsFrom } from '../../config/env';
import { createLogger } from '../../config/logger';
import { createSql } from '../../db/client';
import { createTemporalClient } from '../../temporal/client';
import { buildApp } from './app';
import { webEnvSchema } from './config';

const config = loadConfig(webEnvSchema);
const log = createLogger('web', config.LOG_LEVEL);
const sql = createSql(config.DATABASE_URL);
const temporal = createTemporalClient(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE);
const app = await buildApp({
  sql,
  temporal,
  log,
  remix: config.NODE_ENV === 'production' ? 'build' : 'vite',
  trustProxy: config.TRUST_PROXY,
  ...(config.PAYMENT_WEBHOOK_ALLOWED_IPS ? { paymentWebhookAllowedIps: config.PAYMENT_WEBHOOK_ALLOWED_IPS } : {}),
  ...(config.TEMPORAL_UI_URL
    ? { temporalUiUrl: `${config.TEMPORAL_UI_URL.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(config.TEMPORAL_NAMESPACE)}/workflows` }
    : {}),
  secrets: {
    ...secretsFrom(config),
    secureCookies: config.NODE_ENV === 'production' || Boolean(config.PUBLIC_URL?.startsWith('https:')),
  },
});

app.addHook('onClose', async () => {
  await temporal.connection.close();
  await sql.end({ timeout: 5 });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'web shutting down');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'web shutdown failed');
        process.exit(1);
      },
    );
  });
}

try {
  await app.listen({ host: config.WEB_HOST, port: config.WEB_PORT });
} catch (err) {
  const code = (err as NodeJS.ErrnoException).code;
  log.fatal({ err }, code === 'EADDRINUSE' ? `port ${config.WEB_PORT} is already in use; set WEB_PORT` : 'web failed to start');
  process.exit(1);
}
