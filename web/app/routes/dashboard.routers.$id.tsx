import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { testRouterConnection, type ConnectionTestResult } from '../../../activities/mikrotik/connection-test';
import type { PppoeSession, HotspotSession } from '../../../activities/mikrotik/gateway';
import { loadRouterTarget } from '../../../activities/mikrotik/monitor';
import type { ReconcileResult } from '../../../activities/mikrotik/reconcile';
import { createRouterOsGateway } from '../../../activities/mikrotik/routeros-gateway';
import { routerHealth, type HealthSample } from '../../../db/queries/router-health';
import { ensureRouterWorkflowsFor, routerReconcileId } from '../../../temporal/router-workflows';
import { encryptSecret } from '../../../db/encryption';
import { audit } from '../../../db/queries/audit';
import { routers } from '../../../db/queries/routers';
import { usage } from '../../../db/queries/usage';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { RouterForm } from '../components/router-form';
import { routerEditSchema } from '../forms/router';
import { invalid, parseForm } from '../forms/parse.server';

async function load(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'routers:write');
  const router = await routers.get(args.context.sql, me.tenant.id, args.params.id ?? '');
  if (!router) throw new Response('No such router', { status: 404 });
  return { me, router };
}

/** The router's live sessions, read straight from it on a short-lived gateway; null with the reason when it does not answer. */
async function liveSessions(args: LoaderFunctionArgs, tenantId: string, routerId: string): Promise<{ pppoe: PppoeSession[]; hotspot: HotspotSession[] } | { error: string }> {
  const loaded = await loadRouterTarget(args.context.sql, args.context.encryptionKey, { tenantId, routerId });
  if (!('target' in loaded)) return { error: loaded.missing === 'disabled' ? 'The router is disabled in Mtandao.' : 'The stored API password cannot be read.' };
  const gateway = createRouterOsGateway({ callTimeoutMs: 3000, maxPerRouter: 1 });
  try {
    const sessions = await gateway.readActiveSessions(loaded.target);
    return { pppoe: sessions.pppoe, hotspot: sessions.hotspot };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    await gateway.close();
  }
}

export async function loader(args: LoaderFunctionArgs) {
  const { me, router } = await load(args);
  const { sql } = args.context;
  const today = await usage.today(sql);
  const weekStart = new Date(Date.parse(`${today}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
  const [samples, reconciliations, sessions, usageToday, usageWeek, topUsers] = await Promise.all([
    routerHealth.samplesSince(sql, me.tenant.id, router.id, new Date(Date.now() - 24 * 3600_000)),
    routerHealth.recentReconciliations(sql, me.tenant.id, router.id, 10),
    liveSessions(args, me.tenant.id, router.id),
    usage.routerTotals(sql, me.tenant.id, router.id, today, today),
    usage.routerTotals(sql, me.tenant.id, router.id, weekStart, today),
    usage.topUsers(sql, me.tenant.id, router.id, weekStart, today, 5),
  ]);
  return json({ csrf: me.csrf, router, samples, reconciliations, sessions, usage: { today: usageToday, week: usageWeek, top: topUsers } });
}

export async function action(args: ActionFunctionArgs) {
  const { me, router } = await load(args);
  const form = await args.request.formData();
  await requireCsrf(args, form);
  if (form.get('intent') === 'reconcile-now') {
    // Runs a pass in the router's reconcile workflow (started here if it is not running) and waits for its counts.
    const ref = { tenantId: me.tenant.id, routerId: router.id };
    try {
      await ensureRouterWorkflowsFor(args.context.temporal, ref);
      const handle = args.context.temporal.workflow.getHandle(routerReconcileId(ref.tenantId, ref.routerId));
      const reconcile = await handle.executeUpdate<ReconcileResult, []>('reconcileNow');
      return json({ reconcile });
    } catch (error) {
      return json({ reconcileError: error instanceof Error ? error.message : String(error) });
    }
  }
  if (form.get('intent') === 'kick') {
    const name = String(form.get('name') ?? '');
    const loaded = await loadRouterTarget(args.context.sql, args.context.encryptionKey, { tenantId: me.tenant.id, routerId: router.id });
    if (!name || !('target' in loaded)) return json({ kickError: 'The router cannot be reached with its stored settings.' });
    const gateway = createRouterOsGateway({ callTimeoutMs: 5000, maxPerRouter: 1 });
    try {
      const result = await gateway.kickPppoeSession(loaded.target, name);
      await audit.record(args.context.sql, { tenantId: me.tenant.id, actor: me.actor, action: 'router.kick', entityType: 'router', entityId: router.id, after: { user: name, kicked: result.kicked } });
      return json({ kicked: { name, count: result.kicked } });
    } catch (error) {
      return json({ kickError: error instanceof Error ? error.message : String(error) });
    } finally {
      await gateway.close();
    }
  }
  if (form.get('intent') === 'test-connection') {
    // Dials the router with the stored (decrypted) password and records online/offline.
    const test: ConnectionTestResult = await testRouterConnection(args.context.sql, args.context.encryptionKey, me.tenant.id, router.id);
    return json({ test });
  }
  const parsed = parseForm(form, routerEditSchema);
  if (!parsed.ok) return invalid(parsed);
  const { sql, encryptionKey } = args.context;
  const { password, ...fields } = parsed.data;
  if (await routers.nameTaken(sql, me.tenant.id, fields.name, router.id)) {
    const typed = Object.fromEntries([...form].filter(([k, v]) => typeof v === 'string' && k !== '_csrf' && k !== 'password')) as Record<string, string>;
    return invalid({ errors: { name: 'A router with this name already exists' }, values: typed });
  }
  await sql.begin(async (tx) => {
    const updated = await routers.update(tx, me.tenant.id, router.id, { ...fields, passwordEnc: password ? encryptSecret(password, encryptionKey) : undefined });
    // Only whether the password changed is logged, never the secret or its ciphertext.
    await audit.record(tx, { tenantId: me.tenant.id, actor: me.actor, action: 'router.update', entityType: 'router', entityId: router.id, before: router, after: { ...updated, passwordChanged: Boolean(password) } });
  });
  return redirect('/dashboard/routers');
}

export default function EditRouter() {
  const { csrf, router, samples, reconciliations, sessions, usage: used } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const form = result && 'errors' in result ? result : undefined;
  const test = result && 'test' in result ? result.test : undefined;
  const reconcile = result && 'reconcile' in result ? result.reconcile : undefined;
  const reconcileError = result && 'reconcileError' in result ? result.reconcileError : undefined;
  const kicked = result && 'kicked' in result ? result.kicked : undefined;
  const kickError = result && 'kickError' in result ? result.kickError : undefined;
  const navigation = useNavigation();
  const testing = navigation.state === 'submitting' && navigation.formData?.get('intent') === 'test-connection';
  const reconciling = navigation.state === 'submitting' && navigation.formData?.get('intent') === 'reconcile-now';
  const latest = samples.length > 0 ? samples[samples.length - 1] : undefined;
  return (
    <>
      <h1>Edit {router.name}</h1>
      <section aria-label="Status" data-testid="router-status">
        <p>
          Status: <strong>{router.status}</strong>
          {router.lastSeenAt ? <> · last seen {new Date(router.lastSeenAt).toLocaleString('en-KE')}</> : null}
          {latest?.online && latest.uptimeSeconds !== null ? <> · up {formatUptime(latest.uptimeSeconds)}</> : null}
          {latest && !latest.online && latest.error ? <> · {latest.error}</> : null}
        </p>
        {samples.length > 1 ? (
          <div className="stack" aria-label="Last 24 hours">
            <Sparkline label="CPU %" values={samples.map((x) => x.cpuPercent)} max={100} />
            <Sparkline label="Memory %" values={samples.map(memoryPercent)} max={100} />
            <Sparkline label="Sessions" values={samples.map((x) => x.activeSessions)} />
          </div>
        ) : (
          <p>No health samples in the last 24 hours yet.</p>
        )}
      </section>
      <section aria-label="Reconciliation">
        <h2>Reconciliation</h2>
        <Form method="post" aria-label="Reconcile now">
          <input type="hidden" name="_csrf" value={csrf} />
          <input type="hidden" name="intent" value="reconcile-now" />
          <button type="submit" disabled={reconciling} aria-busy={reconciling}>
            {reconciling ? 'Reconciling…' : 'Reconcile now'}
          </button>
        </Form>
        {reconcile ? (
          <div className="notice notice-ok" role="status" data-testid="reconcile-result">
            Reconciled ({reconcile.outcome}): {reconcile.created} created, {reconcile.enabled} enabled, {reconcile.disabled} disabled, {reconcile.profileFixed} profiles fixed,{' '}
            {reconcile.extrasReported} unknown on the router{reconcile.extras.length > 0 ? ` (${reconcile.extras.join(', ')})` : ''}
            {reconcile.kicked > 0 ? `; ${reconcile.kicked} lapsed session${reconcile.kicked === 1 ? '' : 's'} ended` : ''}
            {reconcile.errors.length > 0 ? `; errors: ${reconcile.errors.join('; ')}` : ''}
          </div>
        ) : null}
        {reconcileError ? (
          <div className="notice notice-bad" role="alert">
            Reconciliation could not run: {reconcileError}
          </div>
        ) : null}
        {reconciliations.length > 0 ? (
          <table className="table" data-testid="reconciliations">
            <thead>
              <tr>
                <th>Finished</th>
                <th>Created</th>
                <th>Enabled</th>
                <th>Disabled</th>
                <th>Profiles fixed</th>
                <th>Unknown</th>
                <th>Errors</th>
              </tr>
            </thead>
            <tbody>
              {reconciliations.map((r) => (
                <tr key={r.id}>
                  <td>{new Date(r.finishedAt).toLocaleString('en-KE')}</td>
                  <td>{r.created}</td>
                  <td>{r.enabled}</td>
                  <td>{r.disabled}</td>
                  <td>{r.profileFixed}</td>
                  <td>{r.extrasReported}</td>
                  <td>{r.errors.length > 0 ? r.errors.join('; ') : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>No reconciliation has run yet.</p>
        )}
      </section>
      <section aria-label="Usage" data-testid="router-usage">
        <h2>Usage</h2>
        <p>
          Today: {formatBytes(used.today.downloadBytes)} down, {formatBytes(used.today.uploadBytes)} up · last 7 days: {formatBytes(used.week.downloadBytes)} down,{' '}
          {formatBytes(used.week.uploadBytes)} up by {used.week.users} user{used.week.users === 1 ? '' : 's'} (Nairobi days)
        </p>
        {used.top.length > 0 ? (
          <table className="table" data-testid="top-users">
            <thead>
              <tr>
                <th>Top users, 7 days</th>
                <th>Customer</th>
                <th>Down</th>
                <th>Up</th>
              </tr>
            </thead>
            <tbody>
              {used.top.map((u) => (
                <tr key={`${u.service}:${u.username}`}>
                  <td>
                    {u.username}
                    {u.service === 'hotspot' ? ' (hotspot)' : ''}
                  </td>
                  <td>{u.customerId ? <Link to={`/dashboard/customers/${u.customerId}`}>{u.customerName ?? u.accountNumber}</Link> : '—'}</td>
                  <td>{formatBytes(u.downloadBytes)}</td>
                  <td>{formatBytes(u.uploadBytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>No usage recorded in the last 7 days.</p>
        )}
      </section>
      <section aria-label="Live sessions">
        <h2>Live sessions</h2>
        {kicked ? (
          <div className="notice notice-ok" role="status">
            Disconnected {kicked.name} ({kicked.count} session{kicked.count === 1 ? '' : 's'}).
          </div>
        ) : null}
        {kickError ? (
          <div className="notice notice-bad" role="alert">
            {kickError}
          </div>
        ) : null}
        {'error' in sessions ? (
          <p>Sessions cannot be read: {sessions.error}</p>
        ) : sessions.pppoe.length + sessions.hotspot.length === 0 ? (
          <p>Nobody is connected.</p>
        ) : (
          <table className="table" data-testid="sessions">
            <thead>
              <tr>
                <th>User</th>
                <th>Kind</th>
                <th>Address</th>
                <th>Uptime</th>
                <th>Up / down</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {sessions.pppoe.map((x) => (
                <tr key={x.id}>
                  <td>{x.name}</td>
                  <td>PPPoE</td>
                  <td>{x.address ?? '—'}</td>
                  <td>{x.uptime ?? '—'}</td>
                  <td>
                    {formatBytes(x.uploadBytes)} / {formatBytes(x.downloadBytes)}
                  </td>
                  <td>
                    <Form method="post">
                      <input type="hidden" name="_csrf" value={csrf} />
                      <input type="hidden" name="intent" value="kick" />
                      <input type="hidden" name="name" value={x.name} />
                      <button type="submit">Kick</button>
                    </Form>
                  </td>
                </tr>
              ))}
              {sessions.hotspot.map((x) => (
                <tr key={x.id}>
                  <td>{x.user}</td>
                  <td>Hotspot</td>
                  <td>{x.address ?? '—'}</td>
                  <td>{x.uptime ?? '—'}</td>
                  <td>
                    {formatBytes(x.uploadBytes)} / {formatBytes(x.downloadBytes)}
                  </td>
                  <td />
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <Form method="post" className="stack" aria-label="Test connection">
        <input type="hidden" name="_csrf" value={csrf} />
        <input type="hidden" name="intent" value="test-connection" />
        <div>
          <button type="submit" disabled={testing} aria-busy={testing}>
            {testing ? 'Testing…' : 'Test connection'}
          </button>
        </div>
        {test ? <ConnectionTest test={test} /> : null}
      </Form>
      <RouterForm csrf={csrf} router={router} errors={form?.errors} values={form?.values} submitLabel="Save changes" />
    </>
  );
}

function ConnectionTest({ test }: { test: ConnectionTestResult }) {
  if (!test.ok) {
    return (
      <div className="notice notice-bad" role="alert" data-testid="connection-test">
        <strong>{test.headline}.</strong> {test.detail}
      </div>
    );
  }
  const h = test.health;
  const memory = h.totalMemoryBytes && h.freeMemoryBytes !== null ? `${Math.round(((h.totalMemoryBytes - h.freeMemoryBytes) / h.totalMemoryBytes) * 100)}% of ${Math.round(h.totalMemoryBytes / 1048576)} MiB used` : 'unknown';
  return (
    <div className="notice notice-ok" role="status" data-testid="connection-test">
      <strong>Connected to {h.identity}</strong> in {test.elapsedMs} ms
      <dl>
        <dt>RouterOS</dt>
        <dd>{h.version ?? 'unknown'}</dd>
        <dt>Board</dt>
        <dd>{h.boardName ?? 'unknown'}</dd>
        <dt>Uptime</dt>
        <dd>{h.uptime ?? 'unknown'}</dd>
        <dt>CPU load</dt>
        <dd>{h.cpuLoadPercent === null ? 'unknown' : `${h.cpuLoadPercent}%`}</dd>
        <dt>Memory</dt>
        <dd>{memory}</dd>
      </dl>
    </div>
  );
}

type Sample = Omit<HealthSample, 'at'> & { at: string };

function memoryPercent(x: Sample): number | null {
  return x.memoryUsedBytes !== null && x.memoryTotalBytes ? Math.round((x.memoryUsedBytes / x.memoryTotalBytes) * 100) : null;
}

function formatUptime(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : `${m}m`;
}

function formatBytes(n: number | null): string {
  if (n === null) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1048576) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1073741824) return `${(n / 1048576).toFixed(1)} MiB`;
  return `${(n / 1073741824).toFixed(2)} GiB`;
}

/** A tiny inline SVG line of the last 24 h; gaps (offline samples) break the line. */
function Sparkline({ label, values, max }: { label: string; values: (number | null)[]; max?: number }) {
  const width = 240;
  const height = 40;
  const known = values.filter((v): v is number => v !== null);
  const top = max ?? Math.max(1, ...known);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const segments: string[] = [];
  let current: string[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (current.length > 0) segments.push(current.join(' '));
      current = [];
      return;
    }
    current.push(`${(i * step).toFixed(1)},${(height - (Math.min(v, top) / top) * (height - 2) - 1).toFixed(1)}`);
  });
  if (current.length > 0) segments.push(current.join(' '));
  const last = known.length > 0 ? known[known.length - 1] : undefined;
  return (
    <figure className="sparkline" aria-label={label}>
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${label}, last 24 hours`}>
        <rect x="0" y="0" width={width} height={height} fill="none" stroke="currentColor" strokeOpacity="0.15" />
        {segments.map((points, i) => (
          <polyline key={i} points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />
        ))}
      </svg>
      <figcaption>
        {label}: {last === undefined ? '—' : last}
      </figcaption>
    </figure>
  );
}
