import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { envKeys, envSchema, parseConfig, requireSecretsInProduction } from '../config/env';
import { createLogger } from '../config/logger';
import { createSql } from '../db/client';
import { createTemporalClient } from '../temporal/client';
import { buildApp } from '../web/server/app';
import { testSecrets } from './support/web';

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const ours = Object.entries(services).filter(([, s]) => s.build);
const defaults = envSchema.parse({});
// What compose substitutes: `${X:-default}` becomes the default; `${X:?message}` must come from .env, so a sample value.
const SAMPLES: Record<string, string> = { SMS_WEBHOOK_TOKEN: 's'.repeat(48), SESSION_SECRET: 'x'.repeat(64), ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), PAYMENT_WEBHOOK_TOKEN: 'p'.repeat(48) };
const substitute = (value: string) =>
  value.replace(/\$\{(\w+):-([^}]*)\}/g, '$2').replace(/\$\{(\w+):\?[^}]*\}/g, (_, name: string) => SAMPLES[name] ?? 'sample');

test('compose runs web, worker and migrations from the one Dockerfile, each on an entry point that exists', () => {
  assert.ok(existsSync('Dockerfile'));
  assert.deepEqual(ours.map(([name]) => name).sort(), ['migrate', 'web', 'worker']);
  for (const [name, service] of ours) {
    const entry = service.command?.find((arg) => arg.endsWith('.ts'));
    assert.ok(entry && existsSync(entry), `${name} runs ${entry}, which exists`);
  }
});

test('every variable compose gives Mtandao is one the config schema knows, and parses', () => {
  for (const [name, service] of ours) {
    const env = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, substitute(String(v))]));
    for (const key of Object.keys(env)) assert.ok((envKeys as string[]).includes(key), `${name} sets ${key}, which config/env.ts does not define`);
    // Parsed the way the processes parse it (blank means unset), with the production secret rules.
    assert.doesNotThrow(() => parseConfig(requireSecretsInProduction(envSchema), env), name);
  }
});

test('the addresses Mtandao is given point at compose services on the ports they serve', () => {
  const env = services.web!.environment!;
  const [temporalHost, temporalPort] = String(env.TEMPORAL_ADDRESS).split(':');
  assert.ok(services[temporalHost!], `TEMPORAL_ADDRESS names the ${temporalHost} service`);
  assert.ok(services.temporal!.ports!.some((p) => p.endsWith(`:${temporalPort}`)));
  const db = new URL(substitute(String(env.DATABASE_URL)));
  assert.ok(services[db.hostname], `DATABASE_URL names the ${db.hostname} service`);
  const pg = services.postgres!.environment!;
  assert.equal(db.username, pg.POSTGRES_USER);
  assert.equal(db.pathname.slice(1), pg.POSTGRES_DB);
  assert.equal(db.password, substitute(String(pg.POSTGRES_PASSWORD)));
  assert.deepEqual(services['temporal-ui']!.ports, [`${defaults.TEMPORAL_UI_PORT}:8080`]);
});

test("web's published port and healthcheck match the server's port and routes", async () => {
  const web = services.web!;
  assert.equal(Number(web.environment!.WEB_PORT), defaults.WEB_PORT);
  assert.deepEqual(web.ports, [`${defaults.WEB_PORT}:${web.environment!.WEB_PORT}`]);
  const probe = web.healthcheck!.test.join(' ');
  const [, port, path] = /127\.0\.0\.1:(\d+)(\/\w+)/.exec(probe) ?? [];
  assert.equal(Number(port), defaults.WEB_PORT);

  // Connections are lazy: building the app checks its routes without a database or Temporal.
  const sql = createSql('postgres://nobody:none@127.0.0.1:1/none');
  const temporal = createTemporalClient('127.0.0.1:1', 'mtandao');
  const app = await buildApp({ sql, temporal, log: createLogger('web', 'silent'), remix: 'build', secrets: testSecrets });
  try {
    assert.ok(app.hasRoute({ method: 'GET', url: path! }), `the healthcheck's ${path} is a real route`);
  } finally {
    await app.close();
    await sql.end();
    await temporal.connection.close();
  }
});

test('.env.example documents every setting and nothing else', () => {
  const documented = readFileSync('.env.example', 'utf8')
    .split('\n')
    .map((line) => /^#?\s*([A-Z][A-Z0-9_]+)=/.exec(line)?.[1])
    .filter(Boolean);
  assert.deepEqual([...new Set(documented)].sort(), [...envKeys].sort());
});
