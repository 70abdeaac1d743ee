/** Wall-clock times staff type in the back office are Nairobi time (EAT, UTC+3 all year: no daylight saving). */
const EAT_OFFSET_MS = 3 * 60 * 60 * 1000;

/** `2026-12-01T09:30` (an `<input type="datetime-local">` value) read as Nairobi time; undefined if malformed. */
export function parseNairobiLocal(value: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s) - EAT_OFFSET_MS;
  const back = new Date(utc + EAT_OFFSET_MS);
  // Date.UTC rolls 31 Feb into March: refuse rather than schedule a day nobody typed.
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59) return undefined;
  return new Date(utc);
}

/** The `datetime-local` value showing `at` in Nairobi, to the minute. */
export function toNairobiLocal(at: Date): string {
  return new Date(at.getTime() + EAT_OFFSET_MS).toISOString().slice(0, 16);
}
