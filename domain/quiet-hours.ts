/**
 * Quiet hours for non-urgent SMS, in Nairobi time (EAT, UTC+3 all year: Kenya has no daylight saving).
 * Pure and deterministic: safe in workflows (pass workflow time) and in activities.
 */

const EAT_OFFSET_MS = 3 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

export interface QuietHours {
  /** Minutes after midnight EAT when quiet hours start (21:00 = 1260). */
  startMinute: number;
  /** Minutes after midnight EAT when sending may resume (07:00 = 420). */
  endMinute: number;
}

/** The tenant default: 21:00–07:00 Nairobi. */
export const DEFAULT_QUIET_HOURS: QuietHours = { startMinute: 21 * 60, endMinute: 7 * 60 };

function inWindow(minute: number, q: QuietHours): boolean {
  if (q.startMinute === q.endMinute) return false; // an empty window: never quiet
  return q.startMinute < q.endMinute ? minute >= q.startMinute && minute < q.endMinute : minute >= q.startMinute || minute < q.endMinute;
}

/** True when `now` falls inside the quiet window (start inclusive, end exclusive). */
export function isQuietHours(now: Date, quiet: QuietHours = DEFAULT_QUIET_HOURS): boolean {
  const local = now.getTime() + EAT_OFFSET_MS;
  const minute = Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
  return inWindow(minute, quiet);
}

/**
 * When a non-urgent message asked for at `now` may go: null when it may go now, else the next end of the
 * quiet window (e.g. the next 07:00 EAT) as an instant.
 */
export function quietHoursDeferral(now: Date, quiet: QuietHours = DEFAULT_QUIET_HOURS): Date | null {
  if (!isQuietHours(now, quiet)) return null;
  const local = now.getTime() + EAT_OFFSET_MS;
  const midnight = Math.floor(local / DAY_MS) * DAY_MS;
  let end = midnight + quiet.endMinute * MINUTE_MS;
  if (end <= local) end += DAY_MS;
  return new Date(end - EAT_OFFSET_MS);
}
