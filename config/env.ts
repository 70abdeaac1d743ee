import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Every environment variable Mtandao reads, in one schema. Each process picks the keys it needs
 * (`pick`/`required`) and parses them once at boot with `loadConfig`.
 * docker-compose.yml and .env.example are checked against this list by test/compose.test.ts.
 */

const port = z.coerce
  .number({ invalid_type_error: 'must be a port number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\/[^/]+\/[^/?]+/.test(v) && URL.canParse(v), {
    message: 'must be a postgres:// URL with a database name, e.g. postgres://user:pass@localhost:5432/mtandao',
  });

const hostPort = z.string().regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port, e.g. localhost:7233');

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  DATA_DIR: z.string().min(1).default('.data'),
  MTANDAO_CACHE_DIR: z.string().min(1).optional(),
  DEMO_MODE: flag.default('false'),

  DATABASE_URL: postgresUrl.optional(),
  EMBEDDED_PG_PORT: port.default(5488),

  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: z.string().regex(/^[\w.-]{2,}$/, 'must be a namespace name like mtandao').default('mtandao'),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_UI_URL: z.string().url('must be a URL').optional(),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),

  WEB_HOST: z.string().min(1).default('127.0.0.1'),
  WEB_PORT: port.default(3000),
  PUBLIC_URL: z.string().url('must be a URL like https://isp.example.co.ke').optional(),
  // Reverse proxies (IPs/CIDRs, comma-separated) whose X-Forwarded-For is believed; anyone else's is ignored.
  TRUST_PROXY: z.string().regex(/^[\d.:a-fA-F/,\s]+$/, 'must be IP addresses or CIDRs separated by commas, e.g. 127.0.0.1,10.0.0.0/8').default('127.0.0.1,::1'),
  // Signs session and CSRF cookies. Rotating it signs everyone out.
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)').optional(),
  // AES-256 key (base64 of 32 bytes) for router and PPPoE passwords at rest. Losing it loses those passwords.
  ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)')
    .optional(),

  // Safaricom Daraja (M-Pesa): https://api.safaricom.co.ke, https://sandbox.safaricom.co.ke or the local simulator.
  DARAJA_BASE_URL: z.string().url('must be a URL like https://api.safaricom.co.ke').optional(),
  DARAJA_CONSUMER_KEY: z.string().min(1).optional(),
  DARAJA_CONSUMER_SECRET: z.string().min(1).optional(),
  // The paybill STK pushes pay into, and its Lipa Na M-Pesa Online passkey.
  DARAJA_SHORTCODE: z.string().regex(/^\d{5,7}$/, 'must be a paybill number like 174379').optional(),
  DARAJA_PASSKEY: z.string().min(1).optional(),
  // Africa's Talking (SMS): account username and API key; AT_BASE_URL points the SDK elsewhere (the simulator).
  AT_USERNAME: z.string().min(1).optional(),
  AT_API_KEY: z.string().min(1).optional(),
  AT_BASE_URL: z.string().url('must be a URL like http://127.0.0.1:8090').optional(),
  // Secret path segment of the SMS delivery-report webhook (/api/webhooks/africastalking/delivery/<token>).
  SMS_WEBHOOK_TOKEN: z.string().regex(/^[A-Za-z0-9_-]{24,128}$/, 'must be 24+ URL-safe characters (e.g. `openssl rand -hex 24`)').optional(),
  // Secret path segment of the payment webhooks Daraja calls (/api/webhooks/payments/…/<token>).
  PAYMENT_WEBHOOK_TOKEN: z.string().regex(/^[A-Za-z0-9_-]{24,128}$/, 'must be 24+ URL-safe characters (e.g. `openssl rand -hex 24`)').optional(),
  // Source IPs/CIDRs allowed to call the payment webhooks, comma-separated (client IP as the trusted proxy reports it).
  // Unset: no IP check.
  PAYMENT_WEBHOOK_ALLOWED_IPS: z
    .string()
    .refine((v) => v.split(',').every((e) => isIpOrCidr(e.trim()) || e.trim() === ''), 'must be comma-separated IPs or CIDRs, e.g. 196.201.214.200,196.201.213.0/24')
    .optional(),

  // Outgoing email (activities/email/smtp.ts). Unset SMTP_HOST: no email. The password is a credential of
  // the mail provider: never given a development default, never echoed in a configuration error.
  SMTP_HOST: z.string().regex(/^[A-Za-z0-9.:-]{1,253}$/, 'must be a host name like smtp.example.co.ke').optional(),
  SMTP_PORT: port.optional(),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASSWORD: z.string().min(1).optional(),
  SMTP_FROM: z.string().regex(/^([^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/, 'must be an address like billing@isp.example.co.ke or Demo ISP <billing@isp.example.co.ke>').optional(),
  SMTP_TLS: z.enum(['starttls', 'tls', 'none'], { message: 'must be starttls (port 587), tls (port 465) or none (a local relay)' }).default('starttls'),
});

// Values of these keys never appear in error output (a typo in a password is still a password).
const isSecretKey = (key: string) => /SECRET|PASSWORD|PASSKEY|API_KEY|TOKEN|ENCRYPTION_KEY/.test(key);

/** `1.2.3.4`, `::1`, `10.0.0.0/8` or `2001:db8::/32`. */
export function isIpOrCidr(entry: string): boolean {
  const [ip, bits, extra] = entry.split('/');
  if (extra !== undefined || !ip) return false;
  const family = isIP(ip);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/** Development values, so `npm start` needs no set-up; production refuses to start without real ones. */
const DEV_SECRETS = {
  SESSION_SECRET: 'mtandao-development-session-secret-not-for-production',
  ENCRYPTION_KEY: Buffer.alloc(32, 'mtandao-dev').toString('base64'),
  PAYMENT_WEBHOOK_TOKEN: 'dev-payment-webhook-token-not-secret',
  SMS_WEBHOOK_TOKEN: 'dev-sms-webhook-token-not-secret',
};
type SecretKey = keyof typeof DEV_SECRETS;
const SECRET_KEYS = Object.keys(DEV_SECRETS) as SecretKey[];

export function secretsFrom(env: Partial<Record<SecretKey, string>>) {
  const value = (key: SecretKey) => env[key] ?? DEV_SECRETS[key];
  return {
    sessionSecret: value('SESSION_SECRET'),
    encryptionKey: Buffer.from(value('ENCRYPTION_KEY'), 'base64'),
    paymentWebhookToken: value('PAYMENT_WEBHOOK_TOKEN'),
    smsWebhookToken: value('SMS_WEBHOOK_TOKEN'),
  };
}

export type Env = z.infer<typeof envSchema>;
export const envKeys = Object.keys(envSchema.shape) as (keyof Env)[];

/** Adds the rule that production never runs on development values: every secret a process reads must be set. */
export function requireSecretsInProduction<T extends z.AnyZodObject>(schema: T) {
  const read = SECRET_KEYS.filter((key) => key in schema.shape);
  return schema.superRefine((env: Partial<Record<SecretKey | 'NODE_ENV', string>>, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    for (const key of read) {
      if (!env[key]) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: 'is required in production' });
    }
  });
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses `source` (default: `.env` merged under process.env) and lists every problem at once. */
export function parseConfig<S extends z.ZodTypeAny>(schema: S, source: Record<string, string | undefined> = readEnv()): z.infer<S> {
  const result = schema.safeParse(blankToUndefined(source));
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join('.');
    const given = source[key];
    if (!given) return `${key}: is required`;
    return isSecretKey(key) ? `${key}: ${issue.message}` : `${key}: ${issue.message} (got "${given}")`;
  });
  throw new ConfigError(problems);
}

/** For process entry points: a bad config prints one line per problem and exits 2, no stack trace. */
export function loadConfig<S extends z.ZodTypeAny>(schema: S): z.infer<S> {
  try {
    return parseConfig(schema);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every setting.\n`);
      process.exit(2);
    }
    throw err;
  }
}

function readEnv(): NodeJS.ProcessEnv {
  // .env is optional and never overrides variables already set in the shell.
  if (existsSync('.env')) process.loadEnvFile('.env');
  return process.env;
}

function blankToUndefined(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '' ? undefined : v]));
}
