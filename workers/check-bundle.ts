import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH } from './core-worker';

// `npm run check:workflows`: bundling fails on any Node builtin that reaches workflow code, even transitively (tsc cannot see that).
const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error } });
console.log(`workflow bundle ok: ${(code.length / 1024).toFixed(0)} KiB`);
