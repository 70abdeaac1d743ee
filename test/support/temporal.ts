import { randomBytes } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureNamespace, ensureSearchAttributes } from '../../temporal/namespace';
import { testEnv } from './environment';

export interface DevServerTestEnvironment {
  env: TestWorkflowEnvironment;
  namespace: string;
  address: string;
}

/**
 * The dev server `npm test` started (real visibility, schedules, updates; real time), with a
 * namespace of this test file's own so workers of files running in parallel never share tasks.
 */
export async function devServerEnvironment(): Promise<DevServerTestEnvironment> {
  const address = testEnv().MTANDAO_TEST_TEMPORAL_ADDRESS;
  const namespace = `test-${randomBytes(5).toString('hex')}`;
  const connection = await Connection.connect({ address });
  try {
    await ensureNamespace(connection, namespace, 1);
  } finally {
    await connection.close();
  }
  const env = await TestWorkflowEnvironment.createFromExistingServer({ address, namespace });
  return { env, namespace, address };
}

/**
 * The Java time-skipping server `npm test` started. The SDK is handed a placeholder executable so it
 * attaches to the running server (a JVM cold start can miss the SDK's fixed 5 s window) with time
 * skipping on; teardown kills only the placeholder. Skipped time is global: these files run serially.
 */
export async function timeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const env = testEnv();
  const testEnvironment = await TestWorkflowEnvironment.createTimeSkipping({
    server: {
      port: Number(env.MTANDAO_TEST_TIMESKIPPING_PORT),
      executable: { type: 'existing-path', path: env.MTANDAO_TEST_TIMESKIPPING_PLACEHOLDER },
    },
  });
  await ensureSearchAttributes(testEnvironment.connection, testEnvironment.namespace ?? 'default');
  return testEnvironment;
}
