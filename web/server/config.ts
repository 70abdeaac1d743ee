import { envSchema, requireSecretsInProduction } from '../../config/env';

export const webEnvSchema = requireSecretsInProduction(
  envSchema
  .pick({
    NODE_ENV: true,
    LOG_LEVEL: true,
    DATABASE_URL: true,
    TEMPORAL_ADDRESS: true,
    TEMPORAL_NAMESPACE: true,
    WEB_HOST: true,
    WEB_PORT: true,
    PUBLIC_URL: true,
    TRUST_PROXY: true,
    SESSION_SECRET: true,
    SMS_WEBHOOK_TOKEN: true,
    ENCRYPTION_KEY: true,
    PAYMENT_WEBHOOK_TOKEN: true,
    PAYMENT_WEBHOOK_ALLOWED_IPS: true,
    TEMPORAL_UI_URL: true,
  })
  .required({ DATABASE_URL: true, TEMPORAL_ADDRESS: true }),
);

export type WebConfig = ReturnType<typeof webEnvSchema.parse>;
