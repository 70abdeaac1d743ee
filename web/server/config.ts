import { envSchema } from '../../config/env';

export const webEnvSchema = envSchema
  .pick({
    NODE_ENV: true,
    LOG_LEVEL: true,
    DATABASE_URL: true,
    TEMPORAL_ADDRESS: true,
    TEMPORAL_NAMESPACE: true,
    WEB_HOST: true,
    WEB_PORT: true,
    PUBLIC_URL: true,
  })
  .required({ DATABASE_URL: true, TEMPORAL_ADDRESS: true });

export type WebConfig = ReturnType<typeof webEnvSchema.parse>;
