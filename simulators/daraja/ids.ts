import { randomBytes, randomInt } from 'node:crypto';
import { eatDigits } from './clock';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const randomAlnum = (n: number) => Array.from({ length: n }, () => ALNUM[randomInt(ALNUM.length)]).join('');

/** `5031-1921185-1`, as in Daraja's error envelopes. */
export function requestId(): string {
  return `${randomInt(1000, 9999)}-${randomInt(1_000_000, 9_999_999)}-1`;
}

let merchantSequence = randomInt(10_000_000, 90_000_000);
/** `29115-34620561-1`: a node number, a running sequence and a part number. */
export function merchantRequestId(): string {
  merchantSequence += 1;
  return `${randomInt(10_000, 99_999)}-${merchantSequence}-1`;
}

/** `ws_CO_03122023123123361110156957`: DDMMYYYYHHmmss (EAT), milliseconds, the last nine digits of the phone. */
export function checkoutRequestId(at: Date, phone: string): string {
  const eat = eatDigits(at);
  const ddmmyyyy = `${eat.slice(6, 8)}${eat.slice(4, 6)}${eat.slice(0, 4)}`;
  return `ws_CO_${ddmmyyyy}${eat.slice(8)}${String(at.getUTCMilliseconds()).padStart(3, '0')}${phone.slice(-9)}`;
}

/**
 * M-Pesa receipts and C2B TransIDs: 10 characters whose first three encode the date — year (N = 2019),
 * month (A = January) and day (1–9, then A = 10th) — then seven random ones, e.g. NLJ7RT61SV on 19 Dec 2019.
 */
export function receiptNumber(at: Date, taken: (id: string) => boolean): string {
  const eat = eatDigits(at);
  const year = String.fromCharCode(65 + ((Number(eat.slice(0, 4)) - 2006) % 26));
  const month = String.fromCharCode(64 + Number(eat.slice(4, 6)));
  const day = Number(eat.slice(6, 8)).toString(36).toUpperCase();
  for (;;) {
    const id = `${year}${month}${day}${randomAlnum(7)}`;
    if (!taken(id)) return id;
  }
}

/** `AG_20191219_00004e48cf7e3533f581`, the ConversationID of a C2B simulate ack. */
export function conversationId(at: Date): string {
  return `AG_${eatDigits(at).slice(0, 8)}_${randomBytes(10).toString('hex')}`;
}

/** 28 opaque characters, like a Daraja access token. */
export function accessToken(): string {
  return randomAlnum(28).replace(/[A-Z]/g, (c) => (randomInt(2) ? c.toLowerCase() : c));
}
