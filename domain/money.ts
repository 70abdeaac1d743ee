/**
 * Money is integer KES cents everywhere. Package prices are VAT-inclusive (what the customer pays);
 * this is the one place VAT is derived from a total.
 */
export interface VatSplit {
  subtotalCents: number;
  vatCents: number;
  totalCents: number;
}

export function splitVat(totalCents: number, vatRateBp: number): VatSplit {
  if (!Number.isSafeInteger(totalCents) || totalCents < 0) throw new RangeError(`total must be whole cents >= 0, got ${totalCents}`);
  if (!Number.isInteger(vatRateBp) || vatRateBp < 0) throw new RangeError(`VAT rate must be basis points >= 0, got ${vatRateBp}`);
  // VAT = total × r / (1 + r), rounded half-up to the cent.
  const vatCents = Math.floor((totalCents * vatRateBp + Math.floor((10_000 + vatRateBp) / 2)) / (10_000 + vatRateBp));
  return { subtotalCents: totalCents - vatCents, vatCents, totalCents };
}

const whole = new Intl.NumberFormat('en-KE', { maximumFractionDigits: 0 });
const fractional = new Intl.NumberFormat('en-KE', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** `KES 1,500` or `KES 1,500.50`. */
export function formatKes(cents: number): string {
  return `KES ${(cents % 100 === 0 ? whole : fractional).format(cents / 100)}`;
}

/** Parses what a person types for shillings ("1,500", "1500.50") into cents; undefined if it is not money. */
export function parseKesToCents(input: string): number | undefined {
  const cleaned = input.replace(/^\s*(KES|KSH|Ksh|kes|ksh)\.?\s*/, '').replace(/,/g, '').trim();
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(cleaned)) return undefined;
  const [whole, fraction = ''] = cleaned.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}
