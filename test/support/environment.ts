/** Variables `npm test` (test/run.ts) sets for test files: the servers it started. */
export interface TestEnvironment {
  MTANDAO_TEST_PG_URL: string;
  MTANDAO_TEST_TEMPORAL_ADDRESS: string;
  MTANDAO_TEST_TIMESKIPPING_PORT: string;
  MTANDAO_TEST_TIMESKIPPING_PLACEHOLDER: string;
  MTANDAO_TEST_CLI_PATH: string;
}

export const TEMPLATE_DATABASE = 'mtandao_template';
export const TEST_NAMESPACE = 'mtandao';

export function testEnv(): TestEnvironment {
  const env = process.env as Partial<TestEnvironment>;
  const missing = (['MTANDAO_TEST_PG_URL', 'MTANDAO_TEST_TEMPORAL_ADDRESS', 'MTANDAO_TEST_TIMESKIPPING_PORT'] as const).filter((k) => !env[k]);
  if (missing.length > 0) {
    throw new Error(`Run tests with \`npm test [-- file]\`: it starts Postgres and Temporal (missing ${missing.join(', ')})`);
  }
  return env as TestEnvironment;
}
