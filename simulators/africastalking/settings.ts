import { z } from 'zod';

/** What can be changed while the simulator runs (`PUT /_sim/settings` or `sim.configure`). */
export const settingsSchema = z
  .object({
    /** Where delivery reports are POSTed (form-encoded); null sends none. */
    dlrUrl: z.string().url().nullable(),
    /** How long after acceptance the delivery report is sent. */
    dlrDelayMs: z.number().int().min(0),
    /** POST every delivery report twice, as Africa's Talking sometimes does. */
    duplicateDlr: z.boolean(),
    /** Hold each send's 201 this long after accepting it (the message is already in the inbox): a slow gateway. */
    responseDelayMs: z.number().int().min(0),
    /** Account balance in KES; each accepted segment costs 0.80. */
    balanceKes: z.number().min(0),
  })
  .strict();

export type SimulatorSettings = z.infer<typeof settingsSchema>;
export const settingsPatchSchema = settingsSchema.partial();
