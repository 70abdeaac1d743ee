import type { Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { msToTs } from '@temporalio/common/lib/time';
import type { NativeConnection } from '@temporalio/worker';
import { searchAttributeKeys } from './search-attributes';

const GRPC_NOT_FOUND = 5;
const GRPC_ALREADY_EXISTS = 6;
const GRPC_UNIMPLEMENTED = 12;

type AnyConnection = Pick<Connection | NativeConnection, 'workflowService' | 'operatorService'>;

/**
 * Makes an external Temporal server ready for Mtandao: the namespace exists and every search
 * attribute is registered. The embedded dev server is started with both, so this is a no-op there.
 */
export async function ensureNamespace(connection: AnyConnection, namespace: string, retentionDays = 30): Promise<void> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
  } catch (err) {
    if (grpcCode(err) !== GRPC_NOT_FOUND) throw err;
    await connection.workflowService.registerNamespace({
      namespace,
      description: 'Mtandao ISP billing',
      workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`),
    });
  }
  // A new namespace reaches the server's namespace cache about a second after registration.
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await ensureSearchAttributes(connection, namespace);
    } catch (err) {
      if (grpcCode(err) !== GRPC_NOT_FOUND || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

export async function ensureSearchAttributes(connection: AnyConnection, namespace: string): Promise<void> {
  let known = new Set<string>();
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    known = new Set(Object.keys(existing.customAttributes ?? {}));
  } catch (err) {
    // The Java time-skipping server cannot list, only add; adding what exists is refused harmlessly below.
    if (grpcCode(err) !== GRPC_UNIMPLEMENTED) throw err;
  }
  const missing = searchAttributeKeys.filter((key) => !known.has(key.name));
  if (missing.length === 0) return;
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!])),
    });
  } catch (err) {
    if (grpcCode(err) !== GRPC_ALREADY_EXISTS) throw err;
  }
}

function grpcCode(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? Number((err as { code: unknown }).code) : undefined;
}
