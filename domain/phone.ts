/**
 * Kenyan mobile numbers normalised at the edge to 2547XXXXXXXX / 2541XXXXXXXX, the form Daraja and
 * Africa's Talking use. Accepts 07…, 01…, 7…, 1…, +254…, 254…, with spaces, dashes or dots.
 */
export function normalizeKenyanPhone(input: string): string | undefined {
  const digits = input.replace(/[\s().-]/g, '');
  const match = /^(?:\+?254|0)?([17]\d{8})$/.exec(digits);
  return match ? `254${match[1]}` : undefined;
}

export const PHONE_HINT = 'a Kenyan mobile number like 0712 345 678 or 0110 345 678';

/** 254712345678 → 0712 345 678, how people read their own number. */
export function formatKenyanPhone(normalized: string): string {
  const local = `0${normalized.slice(3)}`;
  return `${local.slice(0, 4)} ${local.slice(4, 7)} ${local.slice(7)}`;
}
