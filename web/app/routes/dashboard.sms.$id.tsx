import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, useLoaderData, useRevalidator } from '@remix-run/react';
import { useEffect } from 'react';
import type { Tx } from '../../../db/client';
import { audit } from '../../../db/queries/audit';
import { packages } from '../../../db/queries/packages';
import { routers } from '../../../db/queries/routers';
import { audienceOf, smsCampaigns, smsQueries, type SmsCampaignRow } from '../../../db/queries/sms';
import { staff } from '../../../db/queries/staff';
import type { smsCampaign, SmsCampaignProgress } from '../../../workflows/sms-campaign';
import { CORE_TASK_QUEUE } from '../../../temporal/task-queues';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { CsrfField } from '../components/form';
import { formatEat, STATUS_LABELS } from '../components/labels';
import { CAMPAIGN_PROGRESS_QUERY, CAMPAIGN_SIGNALS, campaignWorkflowId } from '../forms/sms';

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([work.catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'sms:send');
  const campaign = await smsCampaigns.get(args.context.sql, me.tenant.id, args.params.id ?? '');
  if (!campaign) throw new Response('No such campaign', { status: 404, statusText: 'Not Found' });
  // Live progress from the workflow; the database counts when Temporal is out of reach.
  const progress = campaign.status === 'draft' || campaign.status === 'done' || campaign.status === 'cancelled'
    ? undefined
    : await withTimeout(args.context.temporal.workflow.getHandle(campaignWorkflowId(me.tenant.id, campaign.id)).query<SmsCampaignProgress>(CAMPAIGN_PROGRESS_QUERY), 2000);
  const notice = new URL(args.request.url).searchParams.get('notice');
  const stats = await smsQueries.campaignStats(args.context.sql, campaign.id);
  return json({ csrf: me.csrf, campaign, progress: progress ?? null, notice, stats, filters: await describeFilters(args.context.sql, campaign) });
}

/** The audience's subscription and reseller filters in words, by name (ids mean nothing to staff). */
async function describeFilters(sql: Tx, c: SmsCampaignRow): Promise<string[]> {
  const [pkg, router, reseller] = await Promise.all([
    c.audiencePackageId ? packages.get(sql, c.tenantId, c.audiencePackageId) : undefined,
    c.audienceRouterId ? routers.get(sql, c.tenantId, c.audienceRouterId) : undefined,
    c.audienceResellerId ? staff.inTenant(sql, c.tenantId, c.audienceResellerId) : undefined,
  ]);
  return [
    pkg ? `on ${pkg.name}` : '',
    router ? `on router ${router.name}` : '',
    c.audienceSite ? `at ${c.audienceSite}` : '',
    c.audienceExpiringDays ? `expiring within ${c.audienceExpiringDays} days` : '',
    reseller ? `customers of ${reseller.name}` : '',
  ].filter(Boolean);
}

const ACTIONS = ['pause', 'resume', 'cancel', 'start'] as const;
type CampaignAction = (typeof ACTIONS)[number];

export async function action(args: ActionFunctionArgs) {
  const me = await requireStaff(args, 'sms:send');
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const { sql, temporal } = args.context;
  const campaign = await smsCampaigns.get(sql, me.tenant.id, args.params.id ?? '');
  if (!campaign) throw new Response('No such campaign', { status: 404, statusText: 'Not Found' });
  const intent = String(form.get('intent') ?? '') as CampaignAction;
  if (!ACTIONS.includes(intent)) return json({ error: 'Unknown action' }, { status: 400 });
  const workflowId = campaignWorkflowId(me.tenant.id, campaign.id);
  try {
    if (intent === 'start') {
      if (campaign.status !== 'draft') return json({ error: 'Only a draft campaign can be started' }, { status: 400 });
      // A start time that has passed means now; the workflow only sleeps for one still ahead.
      await temporal.workflow.start<typeof smsCampaign>('smsCampaign', {
        taskQueue: CORE_TASK_QUEUE,
        workflowId,
        args: [
          {
            tenantId: me.tenant.id,
            campaignId: campaign.id,
            body: campaign.body,
            language: campaign.language,
            statuses: campaign.audienceStatuses,
            audience: audienceOf(campaign),
            startAt: campaign.scheduledAt ? new Date(campaign.scheduledAt).toISOString() : null,
            quietHours: await smsQueries.quietHours(sql, me.tenant.id),
          },
        ],
      });
    } else {
      await temporal.workflow.getHandle(workflowId).signal(CAMPAIGN_SIGNALS[intent]);
    }
  } catch (err) {
    args.context.log.error({ err, campaignId: campaign.id, intent }, 'sms campaign action failed');
    return redirect(`/dashboard/sms/${campaign.id}?notice=failed`);
  }
  await audit.record(sql, { tenantId: me.tenant.id, actor: me.actor, action: `sms_campaign.${intent}`, entityType: 'sms_campaign', entityId: campaign.id });
  return redirect(`/dashboard/sms/${campaign.id}`);
}

export default function Campaign() {
  const { csrf, campaign, progress, notice, stats, filters } = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  const live = campaign.status === 'scheduled' || campaign.status === 'running' || campaign.status === 'paused';
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => revalidator.state === 'idle' && revalidator.revalidate(), 2000);
    return () => clearInterval(timer);
  }, [live, revalidator]);
  const status = progress?.status ?? campaign.status;
  // While scheduled the workflow has not counted yet.
  const total = progress && progress.status !== 'scheduled' ? progress.total : campaign.audienceCount;
  const button = (intent: CampaignAction, label: string) => (
    <Form method="post" style={{ display: 'inline' }}>
      <CsrfField token={csrf} />
      <button type="submit" name="intent" value={intent}>{label}</button>
    </Form>
  );
  return (
    <>
      <h1>{campaign.name}</h1>
      {notice === 'not-started' ? <p role="alert" className="error">Saved, but Temporal did not accept the start. Press Start to try again.</p> : null}
      {notice === 'failed' ? <p role="alert" className="error">Temporal did not accept that; try again.</p> : null}
      <dl className="details">
        <dt>Status</dt>
        <dd data-testid="campaign-status">
          {status === 'pausing' || status === 'cancelling' ? `${status} (after the current page)` : status}
          {status === 'scheduled' && campaign.scheduledAt ? ` for ${formatEat(campaign.scheduledAt)}` : ''}
        </dd>
        <dt>Audience</dt>
        <dd>
          {campaign.audienceStatuses.map((s) => STATUS_LABELS[s as keyof typeof STATUS_LABELS] ?? s).join(', ')}
          {filters.length ? `, ${filters.join(', ')}` : ''} ({total ?? '—'} customers)
        </dd>
        <dt>Progress</dt>
        <dd data-testid="campaign-progress">
          {progress?.status === 'scheduled'
            ? 'Waiting for the start time'
            : progress
            ? `${progress.processed} of ${progress.total} handled: ${progress.sent} sent, ${progress.failed} failed, ${progress.skipped} skipped${progress.optedOut ? ` (${progress.optedOut} opted out)` : ''}`
            : `${campaign.sentCount} sent, ${campaign.failedCount} failed`}
          {progress?.quietUntil ? ` · quiet hours until ${formatEat(progress.quietUntil)}` : ''}
        </dd>
        <dt>Delivery</dt>
        <dd data-testid="campaign-delivery">
          {stats.queued} queued, {stats.sent} sent, {stats.delivered} delivered, {stats.failed + stats.rejected} failed{' '}
          <Link to={`/dashboard/sms/log?campaign=${campaign.id}`}>messages</Link>
        </dd>
        <dt>Language</dt>
        <dd>{campaign.language === 'sw' ? 'Kiswahili' : 'English'}</dd>
        <dt>Message</dt>
        <dd>{campaign.body}</dd>
        {campaign.scheduledAt ? (
          <>
            <dt>Scheduled start</dt>
            <dd>{formatEat(campaign.scheduledAt)}</dd>
          </>
        ) : null}
        <dt>Started</dt>
        <dd>{formatEat(campaign.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{formatEat(campaign.finishedAt)}</dd>
      </dl>
      <p>
        {campaign.status === 'draft' ? button('start', 'Start') : null}
        {status === 'running' ? button('pause', 'Pause') : null}
        {status === 'paused' ? button('resume', 'Resume') : null}
        {live && status !== 'cancelling' ? button('cancel', 'Cancel campaign') : null}
      </p>
    </>
  );
}
