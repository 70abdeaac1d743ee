import { DefaultLogger, Runtime } from '@temporalio/worker';

// Loaded into every test process (test/run.ts): SDK chatter stays out of the test report unless it matters.
Runtime.install({ logger: new DefaultLogger('WARN') });
