import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type LogLevel } from '@temporalio/worker';
import { loadConfig, secretsFrom } from '../config/env';
import { createLogger } from '../config/logger';
import { createSql } from '../db/client';
import { ensureNamespace } from '../temporal/namespace';
import { ensureRouterWorkflows } from '../temporal/router-workflows';
import { registerC2bUrlsOnStart } from './c2b-registration';
import { workerEnvSchema } from './config';
import { createCoreWorker } from './core-worker';

const config = loadConfig(workerEnvSchema);
const log = createLogger('worker', config.LOG_LEVEL);

// SDK and workflow logs go through the runtime logger, so they come out as the same JSON lines.
const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error',
};
Runtime.install({
  logger: new DefaultLogger(config.LOG_LEVEL === 'trace' ? 'TRACE' : config.LOG_LEVEL === 'debug' ? 'DEBUG' : 'INFO', (entry) =>
    log[levels[entry.level]]({ ...entry.meta }, entry.message),
  ),
});

const sql = createSql(config.DATABASE_URL);
let connection: NativeConnection | undefined;
try {
  connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  await ensureNamespace(connection, config.TEMPORAL_NAMESPACE);
  const secrets = secretsFrom(config);
  const daraja =
    config.DARAJA_BASE_URL && config.DARAJA_CONSUMER_KEY && config.DARAJA_CONSUMER_SECRET && config.DARAJA_SHORTCODE && config.DARAJA_PASSKEY
      ? {
          baseUrl: config.DARAJA_BASE_URL,
          consumerKey: config.DARAJA_CONSUMER_KEY,
          consumerSecret: config.DARAJA_CONSUMER_SECRET,
          shortcode: config.DARAJA_SHORTCODE,
          passkey: config.DARAJA_PASSKEY,
          publicUrl: config.PUBLIC_URL ?? 'http://127.0.0.1:3000',
          webhookToken: secrets.paymentWebhookToken,
        }
      : undefined;
  if (!daraja) log.warn('DARAJA_* not set: M-Pesa payment activities are not registered');
  // Paybill (C2B) validation/confirmation URLs for the shortcode: best effort, logged, never stops the worker.
  if (daraja) void registerC2bUrlsOnStart(daraja, log);
  const sms = config.AT_USERNAME && config.AT_API_KEY
    ? { username: config.AT_USERNAME, apiKey: config.AT_API_KEY, ...(config.AT_BASE_URL ? { baseUrl: config.AT_BASE_URL } : {}) }
    : undefined;
  if (!sms) log.warn('AT_USERNAME/AT_API_KEY not set: SMS activities are not registered');
  const worker = await createCoreWorker({ connection, namespace: config.TEMPORAL_NAMESPACE, sql, ...(sms ? { sms } : {}), encryptionKey: secrets.encryptionKey, ...(daraja ? { daraja } : {}) });
  log.info({ taskQueue: worker.options.taskQueue, namespace: config.TEMPORAL_NAMESPACE }, 'worker polling');
  // Per-router monitor and reconcile workflows (USE_EXISTING): best effort, never stops the worker.
  void (async () => {
    const routerClient = new Client({ connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS }), namespace: config.TEMPORAL_NAMESPACE });
    try {
      const result = await ensureRouterWorkflows(routerClient, sql);
      if (result.failed.length > 0) log.warn({ failed: result.failed }, 'some router workflows could not be started');
      log.info({ started: result.started }, 'router monitor and reconcile workflows running');
    } finally {
      await routerClient.connection.close();
    }
  })().catch((err: unknown) => log.warn({ err }, 'router workflows not started'));
  // Worker.run resolves after SIGINT/SIGTERM once in-flight tasks are drained.
  await worker.run();
  log.info('worker stopped');
} catch (err) {
  log.fatal({ err }, 'worker failed');
  process.exitCode = 1;
} finally {
  await connection?.close();
  await sql.end({ timeout: 5 });
}
