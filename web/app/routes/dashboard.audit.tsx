import { json, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { audit } from '../../../db/queries/audit';
import { staff as staffQueries } from '../../../db/queries/staff';
import { requireStaff } from '../auth/guard.server';
import { formatEat } from '../components/labels';
import { EmptyState, pageFrom, Pagination } from '../components/pagination';

interface Change {
  key: string;
  from: string | null;
  to: string | null;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
};

/** Only the keys whose values differ, so a settings save reads as "graceDays: 0 → 3", not two full rows. */
function changes(before: unknown, after: unknown): Change[] {
  const b = isRecord(before) ? before : {};
  const a = isRecord(after) ? after : {};
  return [...new Set([...Object.keys(b), ...Object.keys(a)])]
    .filter((key) => JSON.stringify(b[key]) !== JSON.stringify(a[key]))
    .map((key) => ({ key, from: key in b ? show(b[key]) : null, to: key in a ? show(a[key]) : null }));
}

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'audit:read');
  const { sql } = args.context;
  const url = new URL(args.request.url);
  const { page, limit, offset } = pageFrom(url);
  const [people, types] = await Promise.all([staffQueries.list(sql, me.tenant.id), audit.entityTypes(sql, me.tenant.id)]);
  // Unknown filter values are dropped rather than passed to the query, so a stale link shows everything.
  const actor = people.find((p) => p.id === url.searchParams.get('actor'))?.id;
  const type = types.find((t) => t === url.searchParams.get('type'));
  const { rows, total } = await audit.list(sql, me.tenant.id, { actorId: actor, entityType: type, limit, offset });
  return json({
    page,
    total,
    filter: { actor: actor ?? '', type: type ?? '' },
    actors: people.map((p) => ({ id: p.id, name: p.name })),
    types,
    rows: rows.map((r) => ({ id: r.id, at: r.at, actorLabel: r.actorLabel, action: r.action, entityType: r.entityType, entityId: r.entityId, ip: r.ip, changes: changes(r.before, r.after) })),
  });
}

export default function AuditLog() {
  const { page, total, filter, actors, types, rows } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Audit log</h1>
      <Form method="get" className="filters">
        <label>
          Who
          <select name="actor" defaultValue={filter.actor}>
            <option value="">Anyone</option>
            {actors.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          What
          <select name="type" defaultValue={filter.type}>
            <option value="">Everything</option>
            {types.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <div>
          <button type="submit">Filter</button> {filter.actor || filter.type ? <Link to="/dashboard/audit">Clear</Link> : null}
        </div>
      </Form>
      {rows.length === 0 ? (
        <EmptyState title={filter.actor || filter.type ? 'Nothing matches these filters' : 'Nothing recorded yet'}>
          <p>Every change staff make is recorded here: who, when, from where, and what changed.</p>
        </EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>When (EAT)</th>
              <th>Who</th>
              <th>Action</th>
              <th>Record</th>
              <th>Changes</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>{formatEat(r.at)}</td>
                <td title={r.actorLabel}>
                  {r.actorLabel.replace(/ <[^>]*>$/, '')}
                  {r.ip ? <small> · {r.ip}</small> : null}
                </td>
                <td>{r.action}</td>
                <td>
                  {r.entityType}
                  {r.entityId ? <small title={r.entityId}> {r.entityId.slice(0, 8)}</small> : null}
                </td>
                <td>
                  {r.changes.length === 0 ? (
                    '—'
                  ) : (
                    <details>
                      <summary>
                        {r.changes
                          .slice(0, 4)
                          .map((c) => c.key)
                          .join(', ')}
                        {r.changes.length > 4 ? ` +${r.changes.length - 4} more` : null}
                      </summary>
                      <ul>
                        {r.changes.map((c) => (
                          <li key={c.key}>
                            <code>{c.key}</code>: {c.from ?? '—'} → {c.to ?? '—'}
                          </li>
                        ))}
                      </ul>
                    </details>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pagination page={page} total={total} />
    </>
  );
}
