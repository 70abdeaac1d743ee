// Daraja speaks Nairobi wall-clock time (EAT). Kenya keeps UTC+3 all year, so a fixed offset is exact and
// the result never depends on the TZ of the machine running the worker.
const EAT_OFFSET_MS = 3 * 60 * 60 * 1000;

/** `YYYYMMDDHHmmss` in EAT: the STK Timestamp, and the form of TransactionDate and TransTime. */
export function toDarajaTimestamp(at: Date): string {
  return new Date(at.getTime() + EAT_OFFSET_MS).toISOString().replace(/\D/g, '').slice(0, 14);
}

/** The UTC instant of an EAT `YYYYMMDDHHmmss` (string or JSON number), or undefined if it is no real time. */
export function fromDarajaTimestamp(value: string | number): Date | undefined {
  const text = String(value);
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, s) - EAT_OFFSET_MS);
  return toDarajaTimestamp(at) === text ? at : undefined;
}
