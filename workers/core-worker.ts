import { fileURLToPath } from 'node:url';
import { type NativeConnection, Worker } from '@temporalio/worker';
import { createHotspotActivities } from '../activities/hotspot/activities';
import { createLifecycleActivities } from '../activities/lifecycle/activities';
import { createMpesaActivities, type DarajaSettings } from '../activities/mpesa/activities';
import { closeGatewayWithWorker, createRouterActivities } from '../activities/mikrotik/activities';
import { createMonitorActivities } from '../activities/mikrotik/monitor';
import { createReconcileActivities } from '../activities/mikrotik/reconcile';
import { createRouterOsGateway } from '../activities/mikrotik/routeros-gateway';
import { createUsageActivities } from '../activities/mikrotik/usage';
import { createPlatformActivities } from '../activities/platform';
import { createAfricasTalkingGateway, createSmsActivities, type AfricasTalkingConfig } from '../activities/sms';
import { secretsFrom } from '../config/env';
import type { Sql } from '../db/client';
import { CORE_TASK_QUEUE } from '../temporal/task-queues';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * What the core worker's activities need. Integration settings are optional so tests pass only what
 * they exercise; workers/main.ts passes everything from the parsed environment.
 */
export interface CoreWorkerDeps {
  connection: NativeConnection;
  namespace: string;
  sql: Sql;
  identity?: string;
  /** Opens router and PPPoE passwords sealed at rest (db/encryption.ts); the development key by default. */
  encryptionKey?: Buffer;
  /** Africa's Talking account (and AT_BASE_URL for the simulator); without it the SMS activities are not registered. */
  sms?: AfricasTalkingConfig;
  /** Daraja (M-Pesa) and where it calls back; without it the M-Pesa activities are not registered. */
  daraja?: DarajaSettings;
}

/** The core worker: every workflow type plus the activities they call, on one task queue. */
export async function createCoreWorker(deps: CoreWorkerDeps): Promise<Worker> {
  const encryptionKey = deps.encryptionKey ?? secretsFrom({}).encryptionKey;
  const routerGateway = createRouterOsGateway();
  const smsActivities = deps.sms ? createSmsActivities({ sql: deps.sql, gateway: createAfricasTalkingGateway(deps.sms) }) : undefined;
  const routerActivities = createRouterActivities({ sql: deps.sql, encryptionKey, gateway: routerGateway });
  const worker = await Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: CORE_TASK_QUEUE,
    workflowsPath: WORKFLOWS_PATH,
    activities: {
      ...createPlatformActivities({ sql: deps.sql }),
      ...(smsActivities ?? {}),
      ...routerActivities,
      ...createLifecycleActivities({ sql: deps.sql, encryptionKey, router: routerActivities, ...(smsActivities ? { notify: smsActivities.notify } : {}) }),
      ...createHotspotActivities({ sql: deps.sql, encryptionKey }),
      ...createMonitorActivities({ sql: deps.sql, encryptionKey, gateway: routerGateway }),
      ...createReconcileActivities({ sql: deps.sql, encryptionKey, gateway: routerGateway }),
      ...createUsageActivities({ sql: deps.sql, encryptionKey, gateway: routerGateway }),
      ...(deps.daraja ? createMpesaActivities({ sql: deps.sql, daraja: deps.daraja }) : {}),
    },
    ...(deps.identity ? { identity: deps.identity } : {}),
  });
  return closeGatewayWithWorker(worker, routerGateway);
}
