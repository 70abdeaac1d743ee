import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { routers } from '../../db/queries/routers';
import { startRouterOsSimulator, type RouterOsSimulator } from '../../simulators/routeros/simulator';
import { startBackOffice, Visitor, type BackOffice } from '../support/backoffice';

/** The router page's "Test connection" button, through the real web app, against the simulator over TLS. */
let office: BackOffice;
let sim: RouterOsSimulator;
let routerId: string;
let page: string;

before(async () => {
  sim = await startRouterOsSimulator({ version: '7.18', identity: 'Kahawa-CCR1009', controlPort: false });
  office = await startBackOffice();
  routerId = (await routers.list(office.db.sql, office.tenantId))[0]!.id;
  await office.db.sql`update routers set host = ${sim.host}, api_port = ${sim.tlsPort!}, use_tls = true where id = ${routerId}`;
  page = `/dashboard/routers/${routerId}`;
});
after(async () => {
  await office?.close();
  await sim?.stop();
});

test('a technician tests the connection: identity, version, uptime, CPU and memory, and the router is marked online', async () => {
  const technician = new Visitor(office.app);
  await technician.signIn('technician@demo.mtandao.local');
  const form = await technician.get(page);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /Test connection/);

  const res = await technician.submit(page, { intent: 'test-connection' });
  assert.equal(res.statusCode, 200, res.body.slice(0, 300));
  assert.match(res.body, /Connected to <!-- -->Kahawa-CCR1009|Connected to Kahawa-CCR1009/);
  assert.match(res.body, /7\.18 \(stable\)/);
  assert.match(res.body, /RB4011iGS\+/);
  assert.match(res.body, /CPU load/);
  assert.match(res.body, /% of 1024 MiB used/);
  const row = await routers.get(office.db.sql, office.tenantId, routerId);
  assert.equal(row?.status, 'online');
  assert.ok(row?.lastSeenAt);
});

test('a wrong password and a router that refuses connections are explained in plain words and mark it offline', async () => {
  const admin = new Visitor(office.app);
  await admin.signIn('admin@demo.mtandao.local');
  sim.controls.setCredentials({ password: 'changed-on-the-router' });
  try {
    const res = await admin.submit(page, { intent: 'test-connection' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /The router refused the API user name or password/);
  } finally {
    sim.controls.setCredentials({ password: 'mtandao' });
  }
  await sim.controls.setFaults({ refuse: 'stop-listening' });
  try {
    const res = await admin.submit(page, { intent: 'test-connection' });
    assert.match(res.body, /The router could not be reached/);
    assert.match(res.body, /refused the connection/);
    assert.equal((await routers.get(office.db.sql, office.tenantId, routerId))?.status, 'offline');
  } finally {
    await sim.controls.clearFaults();
  }
});

test('the test needs routers:write and the CSRF token', async () => {
  const support = new Visitor(office.app);
  await support.signIn('support@demo.mtandao.local');
  const refused = await support.post(page, { intent: 'test-connection' });
  assert.ok([403, 404].includes(refused.statusCode), String(refused.statusCode));
  const technician = new Visitor(office.app);
  await technician.signIn('technician@demo.mtandao.local');
  const forged = await technician.post(page, { intent: 'test-connection', _csrf: 'forged' });
  assert.equal(forged.statusCode, 403);
});
