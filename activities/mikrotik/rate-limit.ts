/**
 * MikroTik `rate-limit` strings from a package's speeds (facts §3.7). The router's view: rx is what it
 * receives from the subscriber (upload), tx what it sends (download), so every pair is `upload/download`:
 * `rx/tx [burst-rx/burst-tx [threshold-rx/threshold-tx [burst-time-rx/burst-time-tx]]]`.
 */
export interface PackageSpeeds {
  downloadKbps: number;
  uploadKbps: number;
  burstDownloadKbps?: number | null;
  burstUploadKbps?: number | null;
}

export interface BurstOptions {
  /** Average rate below which burst is allowed, as a share of the base rate (default 0.75). */
  thresholdShare?: number;
  /** Seconds over which the average is taken (default 16, a common ISP setting). */
  burstTimeSeconds?: number;
}

/** `10M/10M`, or with burst `5M/10M 8M/15M 3750k/7500k 16/16`. */
export function rateLimitFor(speeds: PackageSpeeds, options: BurstOptions = {}): string {
  const { downloadKbps, uploadKbps, burstDownloadKbps, burstUploadKbps } = speeds;
  for (const [label, value] of Object.entries({ downloadKbps, uploadKbps, burstDownloadKbps, burstUploadKbps })) {
    if (value !== null && value !== undefined && (!Number.isInteger(value) || value <= 0)) {
      throw new RangeError(`${label} must be a positive whole number of kbps, got ${String(value)}`);
    }
  }
  const base = `${kbps(speeds.uploadKbps)}/${kbps(speeds.downloadKbps)}`;
  if (!speeds.burstDownloadKbps && !speeds.burstUploadKbps) return base;
  const burstUp = Math.max(speeds.burstUploadKbps ?? speeds.uploadKbps, speeds.uploadKbps);
  const burstDown = Math.max(speeds.burstDownloadKbps ?? speeds.downloadKbps, speeds.downloadKbps);
  const share = options.thresholdShare ?? 0.75;
  const seconds = options.burstTimeSeconds ?? 16;
  const threshold = (k: number) => kbps(Math.max(1, Math.round(k * share)));
  return `${base} ${kbps(burstUp)}/${kbps(burstDown)} ${threshold(speeds.uploadKbps)}/${threshold(speeds.downloadKbps)} ${seconds}/${seconds}`;
}

/** 10000 → `10M`, 1500 → `1500k`. */
export function kbps(value: number): string {
  return value % 1000 === 0 ? `${value / 1000}M` : `${value}k`;
}

/** Bits per second of each rate in a rate-limit string, so `10M/10M` equals `10000000/10000000`. */
export function normalizeRateLimit(text: string): string {
  return text
    .trim()
    .split(/\s+/)
    .map((pair) => pair.split('/').map(bps).join('/'))
    .join(' ');
}

function bps(token: string): string {
  const match = /^(\d+(?:\.\d+)?)([kKMG]?)$/.exec(token);
  if (!match) return token;
  const unit = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9 }[match[2] as '' | 'k' | 'K' | 'M' | 'G'];
  return String(Math.round(Number(match[1]) * unit));
}
