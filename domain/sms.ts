/**
 * SMS text rules shared by the back office (live counter), the activities and the simulator: GSM-7 vs
 * Unicode (UCS-2) and how many segments a message costs. Pure; safe anywhere, including workflows.
 */

// GSM 03.38 basic set, plus the extension table whose characters take two septets.
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENDED = '^{}\\[~]|€\f';

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSize {
  encoding: SmsEncoding;
  /** Septets for GSM-7 (extended characters count 2), UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
  /** Characters (units) left in the last segment. */
  remaining: number;
}

export function smsSize(text: string): SmsSize {
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (GSM7_BASIC.includes(ch)) septets += 1;
    else if (GSM7_EXTENDED.includes(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  const encoding: SmsEncoding = gsm ? 'GSM-7' : 'UCS-2';
  const units = gsm ? septets : text.length;
  const single = gsm ? 160 : 70;
  const part = gsm ? 153 : 67;
  const segments = units === 0 ? 0 : units <= single ? 1 : Math.ceil(units / part);
  const capacity = segments <= 1 ? single : segments * part;
  return { encoding, units, segments, remaining: capacity - units };
}

/**
 * Placeholders a campaign text may use, filled per customer. Here rather than beside the campaign activity
 * so the compose page's browser bundle never pulls in @temporalio/activity (it cannot run in a browser).
 */
export const CAMPAIGN_VARIABLES = ['name', 'account'] as const;
