import type { Duration } from '@temporalio/common';
import { defineQuery, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { PlatformActivities } from '../activities/platform';

export type PlatformCheckStage = 'recording' | 'waiting_on_timer' | 'completing' | 'passed';

export interface PlatformCheckInput {
  requestedBy: string;
  /** How long the durable timer holds; a worker restart during it must not lose the check. */
  holdFor: Duration;
}

export interface PlatformCheckReport {
  checkId: string;
  schemaVersion: number;
  startedOn: string;
  completedOn: string;
  timerFiredAt: string;
}

export const platformCheckStageQuery = defineQuery<PlatformCheckStage>('platformCheckStage');

const { recordCheckStarted, recordTimerFired, recordCheckCompleted } = proxyActivities<PlatformActivities>({
  startToCloseTimeout: '10 seconds',
  // Database blips retry; after a minute of failure the check fails and says so.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 8 },
});

/**
 * Deployment self-check, id `platform-check-<time>`: a worker reaches Postgres, a durable timer
 * fires, and completion is recorded. Run it after every deploy (`npm run check:platform`).
 */
export async function platformCheck(input: PlatformCheckInput): Promise<PlatformCheckReport> {
  let stage: PlatformCheckStage = 'recording';
  setHandler(platformCheckStageQuery, () => stage);

  const checkId = workflowInfo().workflowId;
  const started = await recordCheckStarted({ checkId, requestedBy: input.requestedBy });
  stage = 'waiting_on_timer';
  await sleep(input.holdFor);
  stage = 'completing';
  const timerFiredAt = await recordTimerFired(checkId);
  const completed = await recordCheckCompleted(checkId);
  stage = 'passed';
  return { checkId, schemaVersion: started.schemaVersion, startedOn: started.worker, completedOn: completed.worker, timerFiredAt };
}
