// The simulator keeps its own copy of the EAT arithmetic rather than importing the client's, so a bug in
// one cannot hide a bug in the other.
const EAT_OFFSET_MS = 3 * 60 * 60 * 1000; // Kenya keeps UTC+3 all year

/** `YYYYMMDDHHmmss` in Nairobi time, the form of Timestamp, TransactionDate and TransTime. */
export function eatDigits(at: Date): string {
  return new Date(at.getTime() + EAT_OFFSET_MS).toISOString().replace(/\D/g, '').slice(0, 14);
}

/** The instant a `YYYYMMDDHHmmss` EAT string names, or undefined when it is no real date and time. */
export function fromEatDigits(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, s) - EAT_OFFSET_MS);
  return eatDigits(at) === value ? at : undefined;
}
