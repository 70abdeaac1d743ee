import { createHash, randomInt } from 'node:crypto';

/** Access codes avoid characters people misread on a cheap phone screen or a printed card: 0/O, 1/I/L. */
export const ACCESS_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const ACCESS_CODE_LENGTH = 6;
const CODE = new RegExp(`^[${ACCESS_CODE_ALPHABET}]{${ACCESS_CODE_LENGTH}}$`);

/** 31^6 ≈ 887 million codes; guessing one is held back by the portal's rate limit, not by length alone. */
export function newAccessCode(): string {
  let code = '';
  for (let i = 0; i < ACCESS_CODE_LENGTH; i++) code += ACCESS_CODE_ALPHABET[randomInt(ACCESS_CODE_ALPHABET.length)];
  return code;
}

/** What a guest typed, cleaned (spaces, dashes, lower case), or undefined when it cannot be a code. */
export function normalizeAccessCode(input: string): string | undefined {
  const cleaned = input.toUpperCase().replace(/[\s-]/g, '');
  return CODE.test(cleaned) ? cleaned : undefined;
}

/** The router password of a hotspot user: the guest never types it (the portal logs them in), so it can be long. */
export function newHotspotPassword(): string {
  let out = '';
  for (let i = 0; i < 12; i++) out += ACCESS_CODE_ALPHABET[randomInt(ACCESS_CODE_ALPHABET.length)];
  return out;
}

/** AA:BB:CC:DD:EE:FF, or undefined for anything else (the router sends `---` when it does not know). */
export function normalizeMac(input: string | null | undefined): string | undefined {
  const hex = (input ?? '').trim().toUpperCase().replace(/[-.]/g, ':');
  if (/^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/.test(hex)) return hex;
  const bare = hex.replace(/:/g, '');
  return /^[0-9A-F]{12}$/.test(bare) ? bare.match(/../g)!.join(':') : undefined;
}

/** RouterOS writes bytes as `\ooo` octal escapes in `$(chap-id)` and `$(chap-challenge)`. */
export function octalEscapedBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const m = /^\\([0-7]{3})/.exec(text.slice(i));
    if (m) {
      bytes.push(parseInt(m[1]!, 8));
      i += 3;
    } else {
      bytes.push(text.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** What MikroTik's md5.js sends for http-chap: hexMD5(chap-id + password + chap-challenge) (facts §4.2). */
export function chapPassword(chapId: string, password: string, chapChallenge: string): string {
  return createHash('md5').update(Buffer.concat([octalEscapedBytes(chapId), Buffer.from(password, 'latin1'), octalEscapedBytes(chapChallenge)])).digest('hex');
}

/** A voucher code: the batch prefix plus 10 random characters (31^10 ≈ 8×10^14), so cards cannot be guessed. */
export function newVoucherCode(prefix: string): string {
  let code = prefix;
  for (let i = 0; i < 10; i++) code += ACCESS_CODE_ALPHABET[randomInt(ACCESS_CODE_ALPHABET.length)];
  return code;
}

/** What a guest typed: an access code (6 characters), a voucher code (10–14), or neither. */
export function classifyCode(input: string): { kind: 'access' | 'voucher'; code: string } | undefined {
  const cleaned = input.toUpperCase().replace(/[\s-]/g, '');
  if (!new RegExp(`^[${ACCESS_CODE_ALPHABET}]+$`).test(cleaned)) return undefined;
  if (cleaned.length === ACCESS_CODE_LENGTH) return { kind: 'access', code: cleaned };
  if (cleaned.length >= 10 && cleaned.length <= 14) return { kind: 'voucher', code: cleaned };
  return undefined;
}
