import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../config/logger';
import { decryptSecret } from '../../db/encryption';
import { usage } from '../../db/queries/usage';
import { demoEmail } from '../../db/seed';
import { createTemporalClient, type TemporalClient } from '../../temporal/client';
import { buildApp } from '../../web/server/app';
import { Visitor } from '../support/backoffice';
import { testSecrets } from '../support/web';
import { startRouterRig, type RouterRig } from './support';

/**
 * The router page on the real app wired to the dev server (startBackOffice's Temporal client is a
 * placeholder that is never dialled, so this builds the app with a real one): status and charts,
 * "Reconcile now" through the router's reconcile workflow, and kicking a live session.
 */
let rig: RouterRig;
let app: FastifyInstance;
let temporal: TemporalClient;

before(async () => {
  rig = await startRouterRig();
  temporal = createTemporalClient(rig.temporal.address, rig.temporal.namespace);
  app = await buildApp({ sql: rig.db.sql, temporal, log: createLogger('web', 'silent'), remix: 'build', secrets: testSecrets });
});

after(async () => {
  await app?.close();
  await temporal?.connection.close();
  await rig?.close();
});

test('Reconcile now shows the pass counts; a live session can be kicked, audited', { timeout: 120_000 }, async () => {
  const { routerId, db, sim, tenantId } = rig;
  const page = `/dashboard/routers/${routerId}`;
  const admin = new Visitor(app);
  await admin.signIn(demoEmail('admin'));

  const before = await admin.get(page);
  assert.equal(before.statusCode, 200);
  assert.match(before.body, /Reconcile now/);
  assert.match(before.body, /Test connection/);
  assert.match(before.body, /No reconciliation has run yet|<table/);
  assert.match(before.body, /Nobody is connected/);

  const activeCount = (await db.sql<{ n: number }[]>`select count(*)::int as n from subscriptions where router_id = ${routerId} and status = 'active'`)[0]!.n;
  const res = await admin.submit(page, { intent: 'reconcile-now' });
  assert.equal(res.statusCode, 200);
  const shown = /data-testid="reconcile-result"[^>]*>([\s\S]*?)<\/div>/.exec(res.body)?.[1]?.replace(/<!-- -->/g, '') ?? '';
  // The workflow's own first pass may have run first; either way the router now holds every active secret.
  assert.match(shown, /Reconciled \(done\): \d+ created, 0 enabled, 0 disabled, 0 profiles fixed,\s*0 unknown on the router/);
  const created = Number(/(\d+) created/.exec(shown)![1]);
  assert.ok(created === activeCount || created === 0, shown);
  assert.equal(sim.controls.state().menus['/ppp/secret']!.length, activeCount);
  const after = await admin.get(page);
  assert.match(after.body, /data-testid="reconciliations"/);

  // A subscriber dials in: the page lists the session with a Kick button.
  const [sub] = await db.sql<{ name: string; enc: string }[]>`select service_username as name, service_password_enc as enc from subscriptions
    where router_id = ${routerId} and status = 'active' order by service_username limit 1`;
  const dial = sim.controls.dialPppoe({ name: sub!.name, password: decryptSecret(sub!.enc, testSecrets.encryptionKey) });
  assert.equal(dial.ok, true, JSON.stringify(dial));
  const live = await admin.get(page);
  assert.match(live.body, /data-testid="sessions"/);
  assert.ok(live.body.includes(`>${sub!.name}<`));
  assert.match(live.body, />Kick</);

  const kicked = await admin.submit(page, { intent: 'kick', name: sub!.name });
  assert.equal(kicked.statusCode, 200);
  assert.match(kicked.body.replace(/<!-- -->/g, ''), new RegExp(`Disconnected ${sub!.name.replace('.', '\\.')} \\(1 session\\)`));
  assert.ok(!sim.controls.state().menus['/ppp/active']!.some((s) => s.name === sub!.name));
  const [entry] = await db.sql<{ label: string; after: { user: string; kicked: number } }[]>`
    select actor_label as label, after from audit_log where tenant_id = ${tenantId} and action = 'router.kick' and entity_id = ${routerId}`;
  assert.deepEqual(entry?.after, { user: sub!.name, kicked: 1 });
  assert.notEqual(entry?.label, 'system');

  // Without CSRF nothing runs.
  const forged = await admin.post(page, { intent: 'reconcile-now' });
  assert.ok(forged.statusCode >= 400, `forged POST answered ${forged.statusCode}`);

  await rig.temporal.env.client.workflow.getHandle(`router-reconcile-${tenantId}-${routerId}`).terminate('test done');
  await rig.temporal.env.client.workflow.getHandle(`router-monitor-${tenantId}-${routerId}`).terminate('test done');
  await rig.temporal.env.client.workflow.getHandle(`router-usage-${tenantId}-${routerId}`).terminate('test done');
});

test('the page shows data used today and this week with the top users', { timeout: 60_000 }, async () => {
  const { routerId, db, tenantId } = rig;
  const [sub] = await db.sql<{ id: string; name: string; customerId: string }[]>`select id, service_username as name, customer_id as "customerId" from subscriptions
    where router_id = ${routerId} and status = 'active' order by service_username limit 1`;
  const mib = 1_048_576;
  await usage.addDeltas(db.sql, tenantId, routerId, new Date(), [
    { service: 'pppoe', username: sub!.name, subscriptionId: sub!.id, uploadBytes: 5 * mib, downloadBytes: 300 * mib },
    { service: 'hotspot', username: 'walkin-7', subscriptionId: null, uploadBytes: mib, downloadBytes: 2 * mib },
  ]);
  const admin = new Visitor(app);
  await admin.signIn(demoEmail('admin'));
  const body = (await admin.get(`/dashboard/routers/${routerId}`)).body.replace(/<!-- -->/g, '');
  const section = /data-testid="router-usage"[\s\S]*?<\/section>/.exec(body)?.[0] ?? '';
  assert.match(section, /Today: 302\.0 MiB down, 6\.0 MiB up · last 7 days: 302\.0 MiB down,\s*6\.0 MiB up by 2 users/);
  const rows = [...section.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]!);
  assert.ok(rows[1]!.includes(sub!.name) && rows[1]!.includes(`/dashboard/customers/${sub!.customerId}`), 'the heaviest user first, linked to the customer');
  assert.ok(rows[2]!.includes('walkin-7 (hotspot)'));
});

test('a router added in the back office starts its monitor, reconcile and usage workflows at once', { timeout: 60_000 }, async () => {
  const { sim, db, tenantId, temporal: server } = rig;
  const admin = new Visitor(app);
  await admin.signIn(demoEmail('technician'));
  const created = await admin.submit('/dashboard/routers/new', { name: 'Githurai Tower', host: sim.host, apiPort: String(sim.port), username: 'admin', password: 'mtandao' });
  assert.equal(created.statusCode, 302);
  const [router] = await db.sql<{ id: string }[]>`select id from routers where tenant_id = ${tenantId} and name = 'Githurai Tower'`;
  for (const kind of ['monitor', 'reconcile', 'usage']) {
    const handle = server.env.client.workflow.getHandle(`router-${kind}-${tenantId}-${router!.id}`);
    assert.equal((await handle.describe()).status.name, 'RUNNING', kind);
    await handle.terminate('test done');
  }
});
