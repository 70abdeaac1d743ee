import { Client, Connection } from '@temporalio/client';

/** A client whose connection is known to be a real gRPC `Connection` (health and task-queue calls). */
export type TemporalClient = Client & { readonly connection: Connection };

/** One client per process: the connection is lazy so a web server boots even while Temporal is still starting. */
export function createTemporalClient(address: string, namespace: string): TemporalClient {
  return new Client({ connection: Connection.lazy({ address }), namespace }) as TemporalClient;
}
