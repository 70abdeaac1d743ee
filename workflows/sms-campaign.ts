import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { SmsActivities } from '../activities/sms/activities';
import type { CampaignAudience } from '../db/queries/sms-audience';
import { quietHoursDeferral, type QuietHours } from '../domain/quiet-hours';

/** `pausing` / `cancelling`: asked for, taking effect when the page being sent finishes (a few seconds). */
export type SmsCampaignRunStatus = 'starting' | 'scheduled' | 'running' | 'pausing' | 'paused' | 'quiet_hours' | 'cancelling' | 'done' | 'cancelled';

export interface SmsCampaignProgress {
  status: SmsCampaignRunStatus;
  /** Audience size when the campaign started. */
  total: number;
  /** Recipients handled so far (sent + failed + skipped). */
  processed: number;
  sent: number;
  failed: number;
  /** Already messaged by an earlier attempt, or opted out of marketing: not sent. */
  skipped: number;
  /** Of `skipped`: opted out of marketing (absent in runs started before opt-out existed). */
  optedOut?: number;
  /** While waiting out quiet hours: when sending resumes (ISO). */
  quietUntil?: string;
  /** While `scheduled`: when sending starts (ISO). */
  startAt?: string;
  /** When the audience was counted (ISO): "expiring within N days" counts from here on every page. */
  asOf?: string;
  pages: number;
  /** Which continue-as-new run this is (0 = the first). */
  run: number;
}

export interface SmsCampaignInput {
  tenantId: string;
  campaignId: string;
  body: string;
  language: 'en' | 'sw';
  /** Customer statuses that make up the audience. */
  statuses: string[];
  /** The full filter (statuses repeated in it); absent: customers in `statuses`. */
  audience?: CampaignAudience;
  /** Sleep (durably, cancellable) until this instant (ISO, UTC) before counting and sending. */
  startAt?: string | null;
  /** Messages started per second (default 10). */
  ratePerSecond?: number;
  /** Messages in flight at once (default 5). */
  concurrency?: number;
  /** Recipients per page activity (default 100). */
  pageSize?: number;
  /** Pages per run before continue-as-new keeps the history small (default 50). */
  pagesPerRun?: number;
  /**
   * No sending inside this Nairobi window (the back office passes the tenant's, default 21:00–07:00): the
   * workflow sleeps until it opens, by workflow time. Absent: send around the clock.
   */
  quietHours?: QuietHours | null;
  /** Carried over by continue-as-new; absent on the first run. */
  carried?: { afterCustomerId: string | null; paused: boolean; progress: SmsCampaignProgress };
}

export const pauseCampaignSignal = defineSignal('pauseCampaign');
export const resumeCampaignSignal = defineSignal('resumeCampaign');
export const cancelCampaignSignal = defineSignal('cancelCampaign');
export const campaignProgressQuery = defineQuery<SmsCampaignProgress>('campaignProgress');

export const smsCampaignWorkflowId = (tenantId: string, campaignId: string) => `sms-campaign-${tenantId}-${campaignId}`;

const { startSmsCampaign, setSmsCampaignStatus } = proxyActivities<SmsActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

// A page is at most pageSize / ratePerSecond seconds of sending; heartbeats show it is alive. Gateway
// outages retry for ever (a campaign waits for the gateway); a bad account or template stops it.
const { sendCampaignPage } = proxyActivities<SmsActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: ['SmsAuthFailed', 'SmsInvalidRequest', 'SmsInvalidTemplate'] },
});

/**
 * A bulk SMS campaign, id `sms-campaign-<tenant>-<campaignId>`. Sends to the audience page by page (one
 * activity per page, each message keyed `campaign:<id>:<customerId>`, so a retry or restart never
 * messages anyone twice), pauses/resumes/cancels between pages on signal, answers `campaignProgress`, and
 * continues as new every `pagesPerRun` pages.
 */
export async function smsCampaign(input: SmsCampaignInput): Promise<SmsCampaignProgress> {
  const pageSize = input.pageSize ?? 100;
  const pagesPerRun = input.pagesPerRun ?? 50;
  const progress: SmsCampaignProgress = input.carried
    ? { ...input.carried.progress, run: input.carried.progress.run + 1 }
    : { status: 'starting', total: 0, processed: 0, sent: 0, failed: 0, skipped: 0, pages: 0, run: 0 };
  let afterCustomerId = input.carried?.afterCustomerId ?? null;
  let paused = input.carried?.paused ?? false;
  let cancelled = false;

  setHandler(campaignProgressQuery, () => {
    const settled = progress.status === 'done' || progress.status === 'cancelled';
    const status: SmsCampaignRunStatus = settled ? progress.status : cancelled ? 'cancelling' : paused && progress.status === 'running' ? 'pausing' : progress.status;
    return { ...progress, status };
  });
  setHandler(pauseCampaignSignal, () => {
    paused = true;
  });
  setHandler(resumeCampaignSignal, () => {
    paused = false;
  });
  setHandler(cancelCampaignSignal, () => {
    cancelled = true;
  });

  const ids = { tenantId: input.tenantId, campaignId: input.campaignId };
  const audience = input.audience ? { audience: input.audience } : {};
  if (!input.carried) {
    if (input.startAt && Date.parse(input.startAt) > Date.now() && patched('sms-campaign-scheduled-start')) {
      progress.status = 'scheduled';
      progress.startAt = input.startAt;
      await setSmsCampaignStatus({ ...ids, status: 'scheduled' });
      // A durable timer: survives worker restarts; a cancel wakes it early.
      await condition(() => cancelled, Date.parse(input.startAt) - Date.now());
      delete progress.startAt;
      if (cancelled) {
        progress.status = 'cancelled';
        await setSmsCampaignStatus({ ...ids, status: 'cancelled' });
        return progress;
      }
    }
    const started = await startSmsCampaign({ ...ids, statuses: input.statuses, ...audience });
    progress.total = started.total;
    if (started.asOf) progress.asOf = started.asOf;
    progress.status = 'running';
  }

  let pagesThisRun = 0;
  for (;;) {
    if (paused && !cancelled) {
      progress.status = 'paused';
      await setSmsCampaignStatus({ ...ids, status: 'paused' });
      await condition(() => !paused || cancelled);
      if (!cancelled) {
        progress.status = 'running';
        await setSmsCampaignStatus({ ...ids, status: 'running' });
      }
    }
    if (cancelled) {
      progress.status = 'cancelled';
      await setSmsCampaignStatus({ ...ids, status: 'cancelled' });
      return progress;
    }
    if (pagesThisRun >= pagesPerRun) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof smsCampaign>({ ...input, carried: { afterCustomerId, paused, progress } });
    }
    if (input.quietHours && patched('sms-campaign-quiet-hours')) {
      const until = quietHoursDeferral(new Date(), input.quietHours);
      if (until) {
        progress.status = 'quiet_hours';
        progress.quietUntil = until.toISOString();
        // Wakes when the window opens, or early for a cancel or pause (handled above as usual).
        await condition(() => cancelled || paused, until.getTime() - Date.now());
        progress.status = 'running';
        delete progress.quietUntil;
        continue;
      }
    }
    const page = await sendCampaignPage({
      ...ids,
      body: input.body,
      language: input.language,
      statuses: input.statuses,
      ...audience,
      ...(progress.asOf ? { asOf: progress.asOf } : {}),
      afterCustomerId,
      limit: pageSize,
      concurrency: input.concurrency ?? 5,
      ratePerSecond: input.ratePerSecond ?? 10,
    });
    if (page.count === 0) break;
    afterCustomerId = page.lastCustomerId;
    progress.processed += page.count;
    progress.sent += page.sent;
    progress.failed += page.failed;
    progress.skipped += page.skipped;
    if (page.optedOut) progress.optedOut = (progress.optedOut ?? 0) + page.optedOut;
    progress.pages += 1;
    pagesThisRun += 1;
  }
  progress.status = 'done';
  await setSmsCampaignStatus({ ...ids, status: 'done' });
  return progress;
}
