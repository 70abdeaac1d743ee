/**
 * Text for SMS and the timeline, computed inside the workflow: plain arithmetic on the fixed UTC+3 offset
 * (Kenya has no daylight saving), so replay never depends on the worker's locale data.
 */
const EAT_MS = 3 * 60 * 60 * 1000;
const pad = (n: number) => String(n).padStart(2, '0');

/** `1,500` or `1,500.50` — the figure after "KES" in a message. */
export function formatShillings(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.round(cents));
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}${abs % 100 === 0 ? '' : `.${pad(abs % 100)}`}`;
}

/** `21/11/2026` in Nairobi. */
export function nairobiDate(at: Date): string {
  const d = new Date(at.getTime() + EAT_MS);
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

/** `14:05` in Nairobi. */
export function nairobiTime(at: Date): string {
  const d = new Date(at.getTime() + EAT_MS);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}
