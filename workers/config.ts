import { envSchema, requireSecretsInProduction } from '../config/env';

export const workerEnvSchema = requireSecretsInProduction(
  envSchema
    .pick({ NODE_ENV: true, LOG_LEVEL: true, DATABASE_URL: true, TEMPORAL_ADDRESS: true, TEMPORAL_NAMESPACE: true, ENCRYPTION_KEY: true })
    .required({ DATABASE_URL: true, TEMPORAL_ADDRESS: true }),
);

export type WorkerConfig = ReturnType<typeof workerEnvSchema.parse>;
