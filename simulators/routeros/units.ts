/** RouterOS value formats (facts §3.2, §3.7): durations like `1d2h3m4s`, rates like `5M/10M`. */

const DURATION_UNITS: [string, number][] = [
  ['w', 604_800],
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
];

/** `0s`, `59s`, `1h1s`, `2w3d4h5m6s`: zero units are left out, as RouterOS prints them. */
export function formatDuration(totalSeconds: number): string {
  let rest = Math.max(0, Math.floor(totalSeconds));
  if (rest === 0) return '0s';
  let text = '';
  for (const [unit, seconds] of DURATION_UNITS) {
    const count = Math.floor(rest / seconds);
    rest -= count * seconds;
    if (count > 0) text += `${count}${unit}`;
  }
  return text;
}

/** Seconds in `1h30m`, `1d`, `90` (plain seconds) or `01:30:00`; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const clock = /^(\d+):(\d{1,2}):(\d{1,2})$/.exec(text);
  if (clock) return Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3]);
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^(\d+[wdhms])+$/.test(text)) return undefined;
  let total = 0;
  for (const [, count, unit] of text.matchAll(/(\d+)([wdhms])/g)) {
    total += Number(count) * (DURATION_UNITS.find(([u]) => u === unit)?.[1] ?? 0);
  }
  return total;
}

/** Bits per second in `512k`, `10M`, `1G` or `2000000`; undefined when not a rate. */
export function parseBps(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)([kMG]?)$/.exec(text);
  if (!match) return undefined;
  const scale = { '': 1, k: 1e3, M: 1e6, G: 1e9 }[match[2] as '' | 'k' | 'M' | 'G'];
  return Math.round(Number(match[1]) * scale);
}

/**
 * `rx/tx` pair in bps from the first field of a rate-limit or a queue limit (`5M/10M`, `10M` for both).
 * The router's rx is the client's upload, tx its download.
 */
export function parseRatePair(text: string): { rx: number; tx: number } | undefined {
  const [first = ''] = text.trim().split(/\s+/);
  const [rxText = '', txText = rxText] = first.split('/');
  const rx = parseBps(rxText);
  const tx = parseBps(txText);
  return rx === undefined || tx === undefined ? undefined : { rx, tx };
}

/** `2024-01-02 03:04:05` on RouterOS 7, `jan/02/2024 03:04:05` before it. */
export function formatTimestamp(ms: number, major: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  if (major >= 7) return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${time}`;
  const month = date.toLocaleString('en', { month: 'short', timeZone: 'UTC' }).toLowerCase();
  return `${month}/${pad(date.getUTCDate())}/${date.getUTCFullYear()} ${time}`;
}
