import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { freePort } from '../../scripts/ports';
import { spawnEntry } from '../support/processes';

const STACK_LINE = /^\s+at /m;

test('npm start with bad settings exits non-zero, one clear line per problem, no stack trace', async () => {
  const start = spawnEntry('scripts/start.ts', { DATABASE_URL: 'nonsense', WEB_PORT: 'eighty', TEMPORAL_ADDRESS: 'no port here', LOG_LEVEL: 'loud' });
  assert.equal(await start.exited, 2);
  const out = start.output.join('\n');
  assert.match(out, /^ {2}DATABASE_URL: must be a postgres:\/\/ URL .*\(got "nonsense"\)$/m);
  assert.match(out, /^ {2}WEB_PORT: must be a port number \(got "eighty"\)$/m);
  assert.match(out, /^ {2}TEMPORAL_ADDRESS: must be host:port.*\(got "no port here"\)$/m);
  assert.match(out, /^ {2}LOG_LEVEL: .*\(got "loud"\)$/m);
  assert.doesNotMatch(out, STACK_LINE);
});

test('the worker and web entry points name each required setting that is missing', async () => {
  for (const entry of ['workers/main.ts', 'web/server/main.ts']) {
    const proc = spawnEntry(entry, { DATABASE_URL: '', TEMPORAL_ADDRESS: '' });
    assert.equal(await proc.exited, 2, entry);
    const out = proc.output.join('\n');
    assert.match(out, /DATABASE_URL: is required/, entry);
    assert.match(out, /TEMPORAL_ADDRESS: is required/, entry);
    assert.doesNotMatch(out, STACK_LINE, entry);
  }
});

test('npm start refuses a busy port by name and setting instead of failing later', async () => {
  const port = await freePort();
  const holder = createServer().listen(port, '127.0.0.1');
  try {
    const start = spawnEntry('scripts/start.ts', {
      WEB_PORT: String(port),
      DATABASE_URL: 'postgres://nobody:none@127.0.0.1:1/mtandao',
      TEMPORAL_ADDRESS: '127.0.0.1:1',
    });
    assert.equal(await start.exited, 1);
    const out = start.output.join('\n');
    assert.match(out, new RegExp(`port ${port} \\(web server\\) is already in use.*set WEB_PORT`));
    assert.doesNotMatch(out, STACK_LINE);
  } finally {
    holder.close();
  }
});

test('production refuses to run on the development session and encryption keys', async () => {
  const web = spawnEntry('web/server/main.ts', {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://nobody:none@127.0.0.1:1/mtandao',
    TEMPORAL_ADDRESS: '127.0.0.1:1',
    SESSION_SECRET: '',
    ENCRYPTION_KEY: 'too-short',
  });
  assert.equal(await web.exited, 2);
  const out = web.output.join('\n');
  assert.match(out, /SESSION_SECRET: is required/);
  assert.match(out, /ENCRYPTION_KEY: must be 32 random bytes in base64/);
  assert.doesNotMatch(out, STACK_LINE);
});
