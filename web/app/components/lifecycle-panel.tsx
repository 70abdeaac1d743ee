import type { SerializeFrom } from '@remix-run/node';
import { Form, Link, useNavigation } from '@remix-run/react';
import type { ReactNode } from 'react';
import { formatKes } from '../../../domain/money';
import type { LifecyclePanelData } from '../lifecycle/panel.server';
import { CsrfField, Field, SelectField } from './form';
import { formatEat, STATUS_LABELS } from './labels';
import { DocumentLinks } from './documents';
import { EmptyState } from './pagination';

type Panel = SerializeFrom<LifecyclePanelData>;
export interface ActionAnswer {
  intent: string;
  ok: boolean;
  message: string;
}

const NEXT_ACTIONS: Record<string, string> = {
  expiry: 'Expiry (renews from the balance or suspends)',
  suspend_after_grace: 'Suspension after the grace period',
  suspend_unpaid: 'Suspension for the unpaid invoice',
  next_billing_period: 'Next billing period',
  late_fee: 'Late fee',
  send_deferred_sms: 'SMS held for quiet hours',
};
const nextLabel = (kind: string) => NEXT_ACTIONS[kind] ?? (/^reminder_(\d+)d$/.exec(kind) ? `Expiry reminder (${/\d+/.exec(kind)![0]} days before)` : kind.replace(/_/g, ' '));

export function LifecyclePanel({ panel: p, account, csrf, result }: { panel: Panel; account: string; csrf: string; result?: ActionAnswer }) {
  return (
    <section aria-label="Lifecycle" data-testid="lifecycle">
      <h2>Lifecycle</h2>
      {result ? (
        <p className={`notice ${result.ok ? 'notice-ok' : 'notice-bad'}`} role={result.ok ? 'status' : 'alert'} data-testid="lifecycle-result">
          {result.message}
        </p>
      ) : null}
      {!p.workflowId ? (
        <p className="notice notice-bad" data-testid="no-workflow">
          This customer&apos;s lifecycle workflow has not started yet (the workflow service was unreachable, or the customer came from an import).
        </p>
      ) : p.source === 'database' ? (
        <p className="notice" data-testid="projection-note">
          {p.liveState === 'not_found' ? 'The workflow run was not found.' : 'The workflow service did not answer.'} Showing the last state recorded in the database; the next scheduled action is unknown.
        </p>
      ) : null}
      {p.canStart ? (
        <ActionForm csrf={csrf} intent="startLifecycle" label="Start lifecycle" />
      ) : null}
      <dl className="details" data-testid="lifecycle-state">
        <dt>Stage</dt>
        <dd data-testid="stage">{STATUS_LABELS[p.stage] ?? p.stage}{p.manualHold ? ` (staff hold: ${p.manualHold})` : ''}</dd>
        <dt>Package</dt>
        <dd>{p.packageName ?? '—'}</dd>
        <dt>Expires</dt>
        <dd>{formatEat(p.expiresAt)}</dd>
        {p.balanceCents !== null ? (
          <>
            <dt>Balance</dt>
            <dd>{formatKes(p.balanceCents)}</dd>
            <dt>Open invoice</dt>
            <dd>{p.openInvoice ? `${p.openInvoice.number}: ${formatKes(p.openInvoice.outstandingCents)} due ${formatEat(p.openInvoice.dueAt)}` : 'None'}</dd>
          </>
        ) : null}
        <dt>Next action</dt>
        <dd data-testid="next-action">{p.nextAction ? `${nextLabel(p.nextAction.kind)} at ${formatEat(p.nextAction.at)}` : p.source === 'live' ? 'Waiting for staff or a payment' : 'Unknown'}</dd>
        {p.installation?.scheduledAt ? (
          <>
            <dt>Installation</dt>
            <dd>
              {formatEat(p.installation.scheduledAt)} with {p.installation.technicianName ?? '—'}
            </dd>
          </>
        ) : null}
        {p.router ? (
          <>
            <dt>PPPoE</dt>
            <dd>
              {p.router.username} on {p.router.name ?? '—'}
            </dd>
          </>
        ) : null}
        {p.rejectionReason ? (
          <>
            <dt>Rejection reason</dt>
            <dd>{p.rejectionReason}</dd>
          </>
        ) : null}
        <dt>Workflow</dt>
        <dd>
          {p.workflowId ? (
            p.temporalUrl ? (
              <a href={p.temporalUrl} target="_blank" rel="noreferrer" data-testid="temporal-link">
                {p.workflowId}
              </a>
            ) : (
              p.workflowId
            )
          ) : (
            'Not started'
          )}
        </dd>
        <dt>Documents</dt>
        <dd>
          <DocumentLinks documents={p.documents} />
        </dd>
      </dl>
      <Actions p={p} account={account} csrf={csrf} />
      <h3>Timeline</h3>
      {p.timeline.length === 0 ? (
        <EmptyState title="Nothing recorded yet" />
      ) : (
        <ol className="timeline" data-testid="timeline">
          {p.timeline.map((t) => (
            <li key={t.id}>
              <time dateTime={String(t.at)}>{formatEat(t.at)}</time> {t.summary}
            </li>
          ))}
        </ol>
      )}
      {p.timelineTotal > p.timeline.length ? <p>Showing the latest {p.timeline.length} of {p.timelineTotal} events.</p> : null}
    </section>
  );
}

function Actions({ p, account, csrf }: { p: Panel; account: string; csrf: string }) {
  const a = p.allowed;
  if (!p.payLink && !Object.values(a).some(Boolean)) return null;
  return (
    <div className="stack" data-testid="lifecycle-actions">
      {p.payLink ? (
        <p>
          <Link to={`/dashboard/payments/new?account=${encodeURIComponent(account)}`} className="button">
            Record a payment
          </Link>
        </p>
      ) : null}
      {a.suspend ? (
        <details>
          <summary>Suspend…</summary>
          <ActionForm csrf={csrf} intent="suspend" label="Suspend" reason danger />
        </details>
      ) : null}
      {a.unsuspend ? <ActionForm csrf={csrf} intent="unsuspend" label="Resume service" /> : null}
      {a.pause ? (
        <details>
          <summary>Pause…</summary>
          <ActionForm csrf={csrf} intent="pause" label="Pause (keeps the remaining days)" reason />
        </details>
      ) : null}
      {a.resume ? <ActionForm csrf={csrf} intent="resume" label="Resume from pause" /> : null}
      {a.changePackage ? (
        <details>
          <summary>Change package…</summary>
          <ActionForm csrf={csrf} intent="changePackage" label="Change package">
            <SelectField name="packageId" label="New package (the price difference for the rest of the period is charged or credited)" options={p.packageChoices} />
          </ActionForm>
        </details>
      ) : null}
      {a.terminate ? (
        <details>
          <summary>Terminate…</summary>
          <ActionForm csrf={csrf} intent="terminate" label="Terminate for good" reason danger>
            <label>
              <input type="checkbox" name="confirm" value="yes" required /> I understand this removes the service from the router and ends the lifecycle
            </label>
          </ActionForm>
        </details>
      ) : null}
    </div>
  );
}

function ActionForm({ csrf, intent, label, reason, danger, children }: { csrf: string; intent: string; label: string; reason?: boolean; danger?: boolean; children?: ReactNode }) {
  const navigation = useNavigation();
  const busy = navigation.state === 'submitting' && navigation.formData?.get('intent') === intent;
  return (
    <Form method="post" className="stack" data-testid={`action-${intent}`}>
      <CsrfField token={csrf} />
      <input type="hidden" name="intent" value={intent} />
      {reason ? <Field name="reason" id={`reason-${intent}`} label="Reason" required /> : null}
      {children}
      <button type="submit" className={danger ? 'danger' : undefined} disabled={busy} aria-busy={busy}>
        {busy ? 'Working…' : label}
      </button>
    </Form>
  );
}
