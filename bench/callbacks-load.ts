import { Agent, request } from 'node:http';

/**
 * The load half of `bench/callbacks.ts`, run as a separate process so the client's CPU is not the server's
 * event loop: POSTs N unique C2B confirmation bodies at a fixed concurrency over keep-alive connections,
 * stops early at the time limit, and prints one JSON line: counts, elapsed time and ack latencies.
 * Input (env): BENCH_URL, BENCH_COUNT, BENCH_CONCURRENCY, BENCH_LIMIT_MS, BENCH_PREFIX, BENCH_SHORTCODE,
 * BENCH_ACCOUNTS (comma-separated account numbers, used round-robin).
 */
const url = new URL(process.env.BENCH_URL ?? '');
const count = Number(process.env.BENCH_COUNT ?? 5000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const limitMs = Number(process.env.BENCH_LIMIT_MS ?? 60_000);
const prefix = process.env.BENCH_PREFIX ?? 'BN';
const shortcode = process.env.BENCH_SHORTCODE ?? '174379';
const accounts = (process.env.BENCH_ACCOUNTS ?? 'NOBODY').split(',');

const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

const transId = (i: number) => `${prefix}${String(i).padStart(8, '0')}`;

function body(i: number): string {
  return JSON.stringify({
    TransactionType: 'Pay Bill',
    TransID: transId(i),
    TransTime: '20261121093000',
    TransAmount: `${100 + (i % 50) * 10}.00`,
    BusinessShortCode: shortcode,
    BillRefNumber: accounts[i % accounts.length],
    InvoiceNumber: '',
    OrgAccountBalance: '',
    ThirdPartyTransID: '',
    MSISDN: '2547 ***** 126',
    FirstName: 'Bench',
  });
}

function post(payload: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve(res.statusCode === 200 && text.includes('"ResultCode":0') ? 200 : (res.statusCode ?? 0));
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

const latencies: number[] = [];
/** Latencies after the first WARMUP requests (JIT, pool connections and sockets opened), reported beside the rest. */
const WARMUP = 500;
const steady: number[] = [];
let next = 0;
let acked = 0;
let failed = 0;
const errors = new Map<string, number>();
const started = performance.now();
const deadline = started + limitMs;

async function lane(): Promise<void> {
  while (next < count && performance.now() < deadline) {
    const i = next++;
    const payload = body(i);
    const t0 = performance.now();
    try {
      const status = await post(payload);
      const ms = performance.now() - t0;
      if (status === 200) {
        acked++;
        latencies.push(ms);
        if (i >= WARMUP) steady.push(ms);
      } else {
        failed++;
        errors.set(`HTTP ${status}`, (errors.get(`HTTP ${status}`) ?? 0) + 1);
      }
    } catch (err) {
      failed++;
      const key = err instanceof Error ? err.message : String(err);
      errors.set(key, (errors.get(key) ?? 0) + 1);
    }
  }
}

await Promise.all(Array.from({ length: concurrency }, () => lane()));
const elapsedMs = performance.now() - started;
agent.destroy();
latencies.sort((a, b) => a - b);
steady.sort((a, b) => a - b);
const pctOf = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN);
const pct = (p: number) => pctOf(latencies, p);
process.stdout.write(
  `${JSON.stringify({ sent: next, acked, failed, elapsedMs, p50: pct(50), p99: pct(99), steadyP50: pctOf(steady, 50), steadyP99: pctOf(steady, 99), max: latencies.at(-1) ?? NaN, timedOut: next < count, errors: Object.fromEntries(errors) })}\n`,
);
