import { z } from 'zod';

/** What can be changed while the simulator runs (control API `PUT /_sim/settings`, or `sim.configure`). */
export const settingsSchema = z
  .object({
    /** How long the "customer" takes before an STK callback or C2B notification is sent. */
    callbackDelayMs: z.number().int().min(0),
    /** Demo mode: every STK push waits for Approve/Cancel on `/_sim/phone` (or the control API). */
    manual: z.boolean(),
    /** Send each STK callback and C2B confirmation twice, as Safaricom sometimes does. */
    duplicateCallbacks: z.boolean(),
    /** Never send STK callbacks or C2B confirmations: the result is only visible to STK Query. */
    dropCallbacks: z.boolean(),
    /** Lifetime of access tokens issued from now on. */
    tokenTtlSeconds: z.number().int().min(1),
  })
  .strict();

export type SimulatorSettings = z.infer<typeof settingsSchema>;
export const settingsPatchSchema = settingsSchema.partial();
