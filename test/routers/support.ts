import type { Worker } from '@temporalio/worker';
import { routers } from '../../db/queries/routers';
import { tenants } from '../../db/queries/tenants';
import { seedDemo } from '../../db/seed';
import { startRouterOsSimulator, type RouterOsSimulator } from '../../simulators/routeros/simulator';
import { createCoreWorker } from '../../workers/core-worker';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { devServerEnvironment, type DevServerTestEnvironment } from '../support/temporal';
import { testSecrets } from '../support/web';

/** Demo seed, its first router pointed at a fresh simulator, and the real core worker on a dev-server namespace. */
export interface RouterRig {
  db: TestDatabase;
  sim: RouterOsSimulator;
  temporal: DevServerTestEnvironment;
  worker: Worker;
  tenantId: string;
  routerId: string;
  close(): Promise<void>;
}

export async function startRouterRig(): Promise<RouterRig> {
  const sim = await startRouterOsSimulator({ version: '7.18', controlPort: false });
  const db = await createTestDatabase();
  await seedDemo(db.sql, { encryptionKey: testSecrets.encryptionKey });
  const tenantId = (await tenants.bySlug(db.sql, 'demo'))!.id;
  const routerId = (await routers.list(db.sql, tenantId))[0]!.id;
  await db.sql`update routers set host = ${sim.host}, api_port = ${sim.port}, use_tls = false where id = ${routerId}`;
  const temporal = await devServerEnvironment();
  const worker = await createCoreWorker({ connection: temporal.env.nativeConnection, namespace: temporal.namespace, sql: db.sql, encryptionKey: testSecrets.encryptionKey });
  const running = worker.run();
  return {
    db,
    sim,
    temporal,
    worker,
    tenantId,
    routerId,
    async close() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await temporal.env.teardown();
      await sim.stop();
      await db.drop();
    },
  };
}
