import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { freePort } from '../../scripts/ports';
import { spawnEntry } from '../support/processes';

test('`npm run sim:daraja -- --port N --callback-delay-ms 250 --manual` serves the simulator and stops on SIGTERM', async () => {
  const script = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts['sim:daraja'];
  assert.equal(script, 'node --import tsx simulators/daraja/main.ts');

  const port = await freePort();
  const sim = spawnEntry('simulators/daraja/main.ts', { LOG_LEVEL: 'warn' }, ['--port', String(port), '--callback-delay-ms', '250', '--manual']);
  try {
    const line = await sim.waitForLine(/^Daraja simulator on /, 30_000);
    assert.match(line, new RegExp(`http://127\\.0\\.0\\.1:${port} \\(phone: http://127\\.0\\.0\\.1:${port}/_sim/phone`));
    const settings = (await (await fetch(`http://127.0.0.1:${port}/_sim/settings`)).json()) as Record<string, unknown>;
    assert.equal(settings.manual, true);
    assert.equal(settings.callbackDelayMs, 250);
    const token = await fetch(`http://127.0.0.1:${port}/oauth/v1/generate?grant_type=client_credentials`, {
      headers: { authorization: `Basic ${Buffer.from('mtandao-key:mtandao-secret').toString('base64')}` },
    });
    assert.equal(token.status, 200);
  } finally {
    sim.child.kill('SIGTERM');
  }
  assert.equal(await sim.exited, 0);
});

test('a bad argument prints the usage and exits 2', async () => {
  const sim = spawnEntry('simulators/daraja/main.ts', {}, ['--port', 'eighty']);
  assert.equal(await sim.exited, 2);
  assert.match(sim.output.join('\n'), /usage: npm run sim:daraja/);
});
