import type { Lang } from './i18n';

/**
 * The payment workflow's plain-language STK messages (workflows/mpesa-payment.ts stkResultMessage) in
 * Swahili, by the same ResultCode; English pages show the workflow's own words.
 */
const SW: Record<number, string> = {
  1: 'Salio la M-Pesa halitoshi kwa malipo haya. Ongeza salio ujaribu tena.',
  1032: 'Umeghairi ombi la M-Pesa.',
  1037: 'Simu yako haikupatikana. Hakikisha imewashwa na ina mtandao, kisha ujaribu tena.',
  2001: 'PIN ya M-Pesa uliyoweka si sahihi. Jaribu tena.',
  1019: 'Ombi la M-Pesa liliisha muda kabla ya kujibiwa. Jaribu tena.',
  1001: 'Kuna ombi jingine la M-Pesa kwenye simu yako. Limalize au ulighairi, kisha ujaribu tena.',
  17: 'M-Pesa haikuweza kushughulikia ombi sasa hivi. Jaribu tena baada ya dakika chache.',
  26: 'M-Pesa haikuweza kushughulikia ombi sasa hivi. Jaribu tena baada ya dakika chache.',
  1025: 'M-Pesa haikuweza kushughulikia ombi sasa hivi. Jaribu tena baada ya dakika chache.',
  9999: 'M-Pesa haikuweza kushughulikia ombi sasa hivi. Jaribu tena baada ya dakika chache.',
};

export function stkFailureText(lang: Lang, status: { resultCode?: number; message: string } | undefined): string {
  if (!status) return '';
  if (lang === 'en') return status.message;
  if (status.resultCode === undefined) return 'Hatukupata jibu kutoka M-Pesa kwa wakati. Kama pesa ilitoka kwenye akaunti yako, bado itawekwa.';
  return SW[status.resultCode] ?? `M-Pesa imekataa malipo (msimbo ${status.resultCode}). Jaribu tena au lipa kwa Paybill.`;
}
