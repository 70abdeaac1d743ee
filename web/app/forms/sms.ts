import { z } from 'zod';
import { templateProblems } from '../../../activities/sms/templates';
import type { CustomerStatus } from '../../../db/queries/customers';
import { parseNairobiLocal } from '../../../domain/nairobi-time';
import { CAMPAIGN_VARIABLES } from '../../../domain/sms';
import { choice, optionalInteger, optionalText, text } from './fields';

export const AUDIENCE_STATUSES: CustomerStatus[] = ['active', 'suspended', 'installation', 'applied', 'kyc_review', 'rejected', 'terminated'];

const MAX_SCHEDULE_DAYS = 90;

/** Blank: start now. Otherwise Nairobi wall-clock time from a datetime-local field, in the future. */
const startAt = () =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return null;
      const at = parseNairobiLocal(v);
      if (!at) ctx.addIssue({ code: 'custom', message: 'Enter the start as a date and time, like 2026-12-01 09:30 (Nairobi time)' });
      else if (at.getTime() <= Date.now()) ctx.addIssue({ code: 'custom', message: 'That time has passed: pick a later start, or leave it blank to start now' });
      else if (at.getTime() > Date.now() + MAX_SCHEDULE_DAYS * 86_400_000) ctx.addIssue({ code: 'custom', message: `Schedule at most ${MAX_SCHEDULE_DAYS} days ahead` });
      return at ?? null;
    });

const optionalId = (label: string) => z.string().uuid(`Choose ${label} from the list`).optional().transform((v) => v ?? null);

/** Audience filters besides `statuses`; ids are checked against the tenant by `readAudience`. */
export const audienceFilterSchema = z.object({
  packageId: optionalId('a package'),
  routerId: optionalId('a router'),
  site: optionalText('the site', 120),
  expiringWithinDays: optionalInteger('the number of days', 1, 365),
  resellerId: optionalId('a reseller'),
});

/** The compose form. `statuses` arrives as repeated checkboxes and is checked by `parseAudience`. */
export const campaignSchema = z.object({
  startAt: startAt(),
  name: text('a campaign name', 120, 2),
  language: choice('the language', ['en', 'sw']),
  body: text('the message', 918)
    .refine((body) => templateProblems(body, CAMPAIGN_VARIABLES).length === 0, (body) => ({
      message: `${templateProblems(body, CAMPAIGN_VARIABLES)[0]}`,
    })),
});

export function parseAudience(form: FormData): { ok: true; statuses: CustomerStatus[] } | { ok: false; error: string } {
  const picked = form.getAll('statuses').filter((v): v is string => typeof v === 'string');
  const statuses = AUDIENCE_STATUSES.filter((s) => picked.includes(s));
  if (statuses.length === 0 || statuses.length !== new Set(picked).size) return { ok: false, error: 'Pick at least one customer status' };
  return { ok: true, statuses };
}

/** Same as `smsCampaignWorkflowId` in workflows/sms-campaign.ts, without loading workflow code into the web bundle. */
export const campaignWorkflowId = (tenantId: string, campaignId: string) => `sms-campaign-${tenantId}-${campaignId}`;
/** Signal and query names of the smsCampaign workflow. */
export const CAMPAIGN_SIGNALS = { pause: 'pauseCampaign', resume: 'resumeCampaign', cancel: 'cancelCampaign' } as const;
export const CAMPAIGN_PROGRESS_QUERY = 'campaignProgress';

/** Example values for the live preview of each placeholder. */
export const SAMPLE_VALUES: Record<string, string> = {
  name: 'Wanjiku',
  amount: '2,500',
  account: 'MT00042',
  receipt: 'SLK4H7Q2ZP',
  expiry: '24 Dec 2026',
  days: '3',
  paybill: '174379',
  package: '10 Mbps',
  code: 'K7P2Q',
  date: '2 Dec 2026',
  time: '10:00',
  technician: 'Otieno',
  reason: 'the ID photo is unreadable',
  username: 'mt00042',
  password: 'x7Kp29qa',
};
