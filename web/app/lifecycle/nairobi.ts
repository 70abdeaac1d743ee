// East Africa Time is UTC+3 all year (no daylight saving), so a fixed offset is exact.
const EAT_OFFSET_MS = 3 * 3600_000;

/** `2026-12-01T10:30` typed in a `datetime-local` field, read as Nairobi time; undefined when it is not a date-time. */
export function nairobiLocalToUtc(value: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi) - EAT_OFFSET_MS;
  const back = new Date(utc + EAT_OFFSET_MS);
  // Date.UTC rolls 31 Feb over into March: refuse it rather than book the wrong day.
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59) return undefined;
  return new Date(utc);
}

/** The `datetime-local` value that shows `at` in Nairobi time. */
export function utcToNairobiLocal(at: Date | string): string {
  return new Date(new Date(at).getTime() + EAT_OFFSET_MS).toISOString().slice(0, 16);
}

/** The Nairobi calendar day of `at`, `YYYY-MM-DD`: scheduled visits are grouped by it. */
export function nairobiDay(at: Date | string): string {
  return utcToNairobiLocal(at).slice(0, 10);
}

const dayLabel = new Intl.DateTimeFormat('en-KE', { timeZone: 'Africa/Nairobi', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const timeLabel = new Intl.DateTimeFormat('en-KE', { timeZone: 'Africa/Nairobi', hour: '2-digit', minute: '2-digit', hour12: false });

export function formatNairobiDay(at: Date | string): string {
  return dayLabel.format(new Date(at));
}

export function formatNairobiTime(at: Date | string): string {
  return timeLabel.format(new Date(at));
}
