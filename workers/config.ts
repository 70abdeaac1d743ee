import { envSchema, requireSecretsInProduction } from '../config/env';

export const workerEnvSchema = requireSecretsInProduction(
  envSchema
    .pick({
      NODE_ENV: true, LOG_LEVEL: true, DATABASE_URL: true, TEMPORAL_ADDRESS: true, TEMPORAL_NAMESPACE: true, ENCRYPTION_KEY: true, AT_USERNAME: true, AT_API_KEY: true, AT_BASE_URL: true,
      PUBLIC_URL: true, PAYMENT_WEBHOOK_TOKEN: true, DARAJA_BASE_URL: true, DARAJA_CONSUMER_KEY: true, DARAJA_CONSUMER_SECRET: true,
      DARAJA_SHORTCODE: true, DARAJA_PASSKEY: true,
    })
    .required({ DATABASE_URL: true, TEMPORAL_ADDRESS: true }),
);

export type WorkerConfig = ReturnType<typeof workerEnvSchema.parse>;
