import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretsFrom } from '../config/env';
import { createSql } from '../db/client';
import { startEmbeddedPostgres } from '../db/embedded';
import { migrate } from '../db/migrate';
import { customerImports } from '../db/queries/customer-imports';
import { tenants } from '../db/queries/tenants';
import { demoEmail, DEMO_TENANT_SLUG, seedDemo } from '../db/seed';
import { freePort } from '../scripts/ports';
import { importStaged, readCustomerFile, validateCustomerRows } from '../web/app/customers/import.server';

/**
 * `npx tsx bench/customer-import.ts`: a 1,000-row CSV (10 of them bad) through the same parse, validate
 * and import code the back office runs, on a throwaway Postgres on loopback. Prints one line per figure.
 */
const ROWS = 1_000;
const LIMIT_MS = 120_000;

const say = (line: string) => process.stdout.write(`${line}\n`);
let stopPostgres = async () => {};
const watchdog = setTimeout(() => {
  process.stderr.write(`bench did not finish within ${LIMIT_MS / 1000} s\n`);
  void stopPostgres().finally(() => process.exit(1));
}, LIMIT_MS);

/** Header, then ROWS customers; ten rows break a different rule each, so the rejected count is exact. */
function benchCsv(): string {
  const lines = ['First name,Last name,Phone,Email,National ID,KRA PIN,Address,Latitude,Longitude,Notes'];
  const bad = [
    ',Nofirst,0720 900 001,,,,,,,',
    'Bad,Phone,12345,,,,,,,',
    'Bad,Email,0720 900 003,not-an-email,,,,,,',
    'Short,Id,0720 900 004,,123,,,,,',
    'Bad,Pin,0720 900 005,,,X123,,,,',
    'Half,Gps,0720 900 006,,,,,-1.2,,',
    'Far,Away,0720 900 007,,,,,-95,36.8,',
    'Same,Phone,0720 000 000,,,,,,,', // the first good row's phone
    'Seed,Clash,0720 900 009,,20000000,,,,,', // a seeded customer's national ID
    `Too,Long,0720 900 010,,,,,,,${'x'.repeat(2001)}`,
  ];
  for (let i = 0; i < ROWS - bad.length; i++) {
    const n = String(i).padStart(6, '0');
    lines.push(`Bench${i},Customer,0720 ${n.slice(0, 3)} ${n.slice(3)},bench${i}@example.co.ke,${40_000_000 + i},A${String(100_000_000 + i)}Z,"Estate ${i % 40}, Nairobi",-1.${2000 + (i % 500)},36.${8000 + (i % 900)},`);
  }
  lines.splice(1 + 97, 0, ...bad); // bad rows in the middle of the file, not conveniently at the end
  return `${lines.join('\n')}\n`;
}

const dir = mkdtempSync(join(tmpdir(), 'mtandao-bench-'));
chmodSync(dir, 0o755); // the dedicated postgres OS user must reach its data directory
const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort(), ephemeral: true, fast: true });
stopPostgres = () => pg.stop();
let failed = false;
try {
  await pg.ensureDatabase('bench');
  const sql = createSql(pg.url('bench'), { max: 4 });
  try {
    await migrate(sql);
    await seedDemo(sql, { encryptionKey: secretsFrom({}).encryptionKey });
    const tenant = (await tenants.bySlug(sql, DEMO_TENANT_SLUG))!;
    const [admin] = await sql<{ id: string; name: string }[]>`select id, name from staff where email = ${demoEmail('admin')}`;
    const bytes = new TextEncoder().encode(benchCsv());

    const started = performance.now();
    const rows = await readCustomerFile('bench.csv', bytes);
    const screened = await validateCustomerRows(sql, tenant.id, rows);
    const { id } = await customerImports.create(sql, tenant.id, { staffId: admin!.id, filename: 'bench.csv', totalRows: rows.length, validRows: screened.valid, errors: screened.rejected });
    const validated = performance.now();
    const outcome = await importStaged(sql, { tenantId: tenant.id, staffId: admin!.id, resellerId: null, actor: { id: admin!.id, label: admin!.name } }, id);
    const done = performance.now();

    const imported = outcome.done ? outcome.imported : 0;
    say(`customer import ${rows.length} rows: ${imported} imported, ${screened.rejected.length} rejected`);
    say(`customer import total ${Math.round(done - started)} ms (parse+validate ${Math.round(validated - started)} ms, insert ${Math.round(done - validated)} ms)`);
    if (rows.length !== ROWS || imported !== ROWS - 10 || screened.rejected.length !== 10) {
      failed = true;
      process.stderr.write(`expected ${ROWS - 10} imported and 10 rejected; rejected: ${JSON.stringify(screened.rejected.map((r) => [r.line, r.reasons]))}\n`);
    }
  } finally {
    await sql.end({ timeout: 1 });
  }
} finally {
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
  clearTimeout(watchdog);
}
process.exit(failed ? 1 : 0);
