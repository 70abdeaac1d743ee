import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../workers/core-worker';

// Histories recorded from real runs (test/fixtures/record-histories.ts) stand for runs live in
// production: today's workflow code must replay them exactly, or a deploy would break them.
const history = historyFromJSON(JSON.parse(readFileSync(new URL('../fixtures/histories/platform-check.json', import.meta.url), 'utf8')));

test('the current platformCheck code replays a recorded production history', async () => {
  await Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH }, history, 'platform-check-recorded');
});

test('a non-deterministic edit of the workflow is caught by replay', async () => {
  const reordered = fileURLToPath(new URL('../fixtures/workflows/platform-check-reordered.ts', import.meta.url));
  await assert.rejects(
    Worker.runReplayHistory({ workflowsPath: reordered }, history, 'platform-check-recorded'),
    (err) => err instanceof DeterminismViolationError,
  );
});
