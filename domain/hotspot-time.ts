/** Pure helpers the workflow may import too: no I/O, no Node builtins. */

export function packageDurationSeconds(p: { validityUnit: 'month' | 'day' | 'hour'; validityCount: number }): number {
  const unit = p.validityUnit === 'hour' ? 3600 : p.validityUnit === 'day' ? 86_400 : 30 * 86_400;
  return unit * p.validityCount;
}

/** A RouterOS duration for limit-uptime: `1h`, `24h`, `7d`. */
export function routerOsDuration(seconds: number): string {
  if (seconds % 86_400 === 0 && seconds >= 7 * 86_400) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** "1 hour", "24 hours", "7 days": how a package reads on the portal. */
export function durationLabel(p: { validityUnit: 'month' | 'day' | 'hour'; validityCount: number }): string {
  const n = p.validityCount;
  return `${n} ${p.validityUnit}${n === 1 ? '' : 's'}`;
}

/** "2 h 05 min", "12 min", "40 s": time left on a phone screen. */
export function timeLeftLabel(ms: number): string {
  if (ms <= 0) return 'expired';
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min`;
  return `${s} s`;
}

/** "1.2 GB", "350 MB". */
export function bytesLabel(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${Math.round(n / 1e6)} MB`;
  if (n >= 1e3) return `${Math.round(n / 1e3)} KB`;
  return `${n} B`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "21 Nov 14:05" in Nairobi (UTC+3 all year, no daylight saving), without Intl so workflows may use it. */
export function nairobiShort(iso: string | Date): string {
  const t = new Date(new Date(iso).getTime() + 3 * 3_600_000);
  const hh = String(t.getUTCHours()).padStart(2, '0');
  const mm = String(t.getUTCMinutes()).padStart(2, '0');
  return `${t.getUTCDate()} ${MONTHS[t.getUTCMonth()]} ${hh}:${mm}`;
}
