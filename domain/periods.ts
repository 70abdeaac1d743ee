/**
 * Billing-period arithmetic, shared by the lifecycle workflow (deterministic: no clock reads here, the
 * caller passes `now`), the portals and the back office. Instants are UTC `Date`s; calendar rules are
 * applied on the East Africa Time wall clock (UTC+3 all year, Kenya has no daylight saving).
 */

export type ValidityUnit = 'month' | 'day' | 'hour';
export interface Validity {
  unit: ValidityUnit;
  count: number;
}

const EAT_OFFSET_MS = 3 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * `start` plus a package's validity. A calendar month lands on the same day-of-month and time in
 * Nairobi, clamped to the month's end: 31 Jan → 28/29 Feb, 30 Apr → 30 May.
 */
export function addValidity(start: Date, validity: Validity): Date {
  if (!Number.isInteger(validity.count) || validity.count < 1) throw new RangeError(`validity count must be a whole number >= 1, got ${validity.count}`);
  if (validity.unit === 'hour') return new Date(start.getTime() + validity.count * HOUR_MS);
  if (validity.unit === 'day') return new Date(start.getTime() + validity.count * DAY_MS);
  const wall = new Date(start.getTime() + EAT_OFFSET_MS);
  const year = wall.getUTCFullYear();
  const month = wall.getUTCMonth() + validity.count;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(wall.getUTCDate(), lastDay);
  const shifted = Date.UTC(year, month, day, wall.getUTCHours(), wall.getUTCMinutes(), wall.getUTCSeconds(), wall.getUTCMilliseconds());
  return new Date(shifted - EAT_OFFSET_MS);
}

/** A payment that covers a package extends from the later of now and the current expiry: paying early never loses days. */
export function extendExpiry(now: Date, currentExpiry: Date | null, validity: Validity): Date {
  const from = currentExpiry && currentExpiry.getTime() > now.getTime() ? currentExpiry : now;
  return addValidity(from, validity);
}

/**
 * When to send the "expires in N days" reminders for an expiry, skipping any already past.
 * Reminders go out at the same time of day as the expiry, N whole days before it.
 */
export function reminderTimes(expiresAt: Date, reminderDays: readonly number[], now: Date): { daysBefore: number; at: Date }[] {
  return [...new Set(reminderDays)]
    .filter((d) => Number.isInteger(d) && d > 0)
    .sort((a, b) => b - a)
    .map((daysBefore) => ({ daysBefore, at: new Date(expiresAt.getTime() - daysBefore * DAY_MS) }))
    .filter((r) => r.at.getTime() > now.getTime());
}

export interface ProrationInput {
  oldPriceCents: number;
  newPriceCents: number;
  periodStart: Date;
  periodEnd: Date;
  at: Date;
}

export interface Proration {
  /** Share of the period still to run, in parts per million (for display: 500000 = half). */
  remainingPpm: number;
  /** Unused value of the old package, credited back. */
  creditCents: number;
  /** Value of the new package for the rest of the period. */
  chargeCents: number;
  /** charge − credit: positive means the customer pays this now; negative goes to their wallet. */
  netCents: number;
}

/**
 * A mid-period package change, priced on the seconds left in the current period. Both sides round
 * half-up to the cent separately, so the credit is always what was charged for the unused time.
 */
export function prorate(p: ProrationInput): Proration {
  const total = p.periodEnd.getTime() - p.periodStart.getTime();
  if (total <= 0) throw new RangeError('period end must be after its start');
  const left = Math.min(Math.max(p.periodEnd.getTime() - p.at.getTime(), 0), total);
  const share = (cents: number) => Math.floor((cents * left + Math.floor(total / 2)) / total);
  const creditCents = share(p.oldPriceCents);
  const chargeCents = share(p.newPriceCents);
  return { remainingPpm: Math.round((left / total) * 1_000_000), creditCents, chargeCents, netCents: chargeCents - creditCents };
}
