import { z } from 'zod';
import { nairobiLocalToUtc } from '../lifecycle/nairobi';
import { text, uuid } from './fields';

const reason = () => text('a reason', 300);

export const kycDecisionSchema = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('approve'), reason: z.string().max(300).optional() }),
  z.object({ decision: z.literal('reject'), reason: text('a reason for the rejection (the applicant is told it by SMS)', 300) }),
]);

/** `datetime-local` carries no zone: staff type Nairobi time, the workflow gets the UTC instant. */
export const scheduleSchema = z.object({
  technicianId: uuid('a technician'),
  scheduledAt: z.string({ required_error: 'Choose the date and time of the visit' }).transform((v, ctx) => {
    const at = nairobiLocalToUtc(v);
    if (!at) ctx.addIssue({ code: 'custom', message: 'Choose the date and time of the visit, like 2026-12-01 10:30' });
    return at ?? new Date(0);
  }),
});

export const completeSchema = z.object({
  routerId: uuid('the router the customer is connected to'),
  equipmentSerial: text('the equipment serial number', 64),
  packageId: uuid('the package the customer takes'),
});

export const LIFECYCLE_INTENTS = ['suspend', 'unsuspend', 'pause', 'resume', 'changePackage', 'terminate', 'startLifecycle'] as const;
export type LifecycleIntent = (typeof LIFECYCLE_INTENTS)[number];

export const lifecycleActionSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('suspend'), reason: reason() }),
  z.object({ intent: z.literal('unsuspend') }),
  z.object({ intent: z.literal('pause'), reason: reason() }),
  z.object({ intent: z.literal('resume') }),
  z.object({ intent: z.literal('changePackage'), packageId: uuid('the new package') }),
  z.object({
    intent: z.literal('terminate'),
    reason: reason(),
    confirm: z.literal('yes', { errorMap: () => ({ message: 'Tick the box to confirm: termination removes the service for good' }) }),
  }),
  z.object({ intent: z.literal('startLifecycle') }),
]);
