import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../workers/core-worker';

// Recorded customer lifecycles (MTANDAO_RECORD_HISTORIES=1 npm test -- dunning.timeskip): one suspended by its
// grace-period timer, one paused and resumed by staff updates. A lifecycle lives for years, so every deploy
// meets runs mid-cycle: today's code must replay them exactly, or changes need patched().
for (const name of ['customer-lifecycle-grace-suspended', 'customer-lifecycle-paused-resumed']) {
  test(`today's customerLifecycle replays the recorded ${name} history`, async () => {
    const history = historyFromJSON(JSON.parse(readFileSync(new URL(`../fixtures/histories/${name}.json`, import.meta.url), 'utf8')));
    await Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH }, history);
  });
}
