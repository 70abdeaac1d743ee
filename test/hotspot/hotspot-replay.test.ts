import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../workers/core-worker';

// Recorded hotspot purchases (MTANDAO_RECORD_HISTORIES=1 npm test -- hotspot-purchase.timeskip): a guest online
// for the hour, and one whose router never answered. Purchases live for hours to days, so a deploy meets them
// mid-run: today's code must replay them exactly.
for (const name of ['hotspot-purchase-expired', 'hotspot-purchase-credited']) {
  test(`today's hotspotPurchase replays the recorded ${name} history`, async () => {
    const history = historyFromJSON(JSON.parse(readFileSync(new URL(`../fixtures/histories/${name}.json`, import.meta.url), 'utf8')));
    await Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH }, history);
  });
}
