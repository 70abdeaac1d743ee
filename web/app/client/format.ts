import type { Lang } from './i18n';

const MONTHS: Record<Lang, string[]> = {
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  sw: ['Jan', 'Feb', 'Mac', 'Apr', 'Mei', 'Jun', 'Jul', 'Ago', 'Sep', 'Okt', 'Nov', 'Des'],
};

/** "21 Nov 2026, 14:05" in Nairobi time (UTC+3 all year), the same on server and browser. */
export function nairobiDateTime(at: Date | string, lang: Lang): string {
  const d = new Date(new Date(at).getTime() + 3 * 3600_000);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[lang][d.getUTCMonth()]} ${d.getUTCFullYear()}, ${hh}:${mm}`;
}

export function nairobiDate(at: Date | string, lang: Lang): string {
  return nairobiDateTime(at, lang).split(',')[0]!;
}
