import { z } from 'zod';

/**
 * Failures a real router or the network between produces, switched on through the control API. Each
 * stays on until cleared, so reconnects meet it too.
 */
export const faultsSchema = z
  .object({
    /** Milliseconds before each reply (each sentence of a stream) leaves. */
    latencyMs: z.number().int().min(0).max(600_000),
    /** `stop-listening`: connections are refused (ECONNREFUSED); `reset`: accepted, then reset (ECONNRESET). */
    refuse: z.enum(['none', 'stop-listening', 'reset']),
    /** Half of the next reply is written, then the socket is reset (RST) or closed (FIN). */
    disconnectMidReply: z.enum(['none', 'reset', 'close']),
    /** Answer every sentence with `!fatal <reason>` and close, as a router does when the API session is killed. */
    fatal: z.string().min(1).nullable(),
    /** Write replies one byte per TCP segment. */
    splitWrites: z.boolean(),
  })
  .strict();

export type Faults = z.infer<typeof faultsSchema>;

export const NO_FAULTS: Faults = { latencyMs: 0, refuse: 'none', disconnectMidReply: 'none', fatal: null, splitWrites: false };
