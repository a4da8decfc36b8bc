import { CURRENCY_CODES } from './currencies.js';

/**
 * Money as integer minor units of one ISO 4217 currency. The exponent comes from ISO 4217, not from
 * Intl: CLDR formats some currencies with fewer digits than ISO defines (IDR, HUF, TWD …), and a
 * payment gateway (Stripe, PayPal) counts in the ISO minor unit, so amounts must too.
 */

/** ISO 4217 currencies whose minor unit is not 2 digits; every other code uses 2. */
const NON_DEFAULT_EXPONENTS: ReadonlyMap<string, number> = new Map([
  ...'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF'.split(' ').map((c) => [c, 0] as const),
  ...'BHD IQD JOD KWD LYD OMR TND'.split(' ').map((c) => [c, 3] as const),
  ...'CLF UYW'.split(' ').map((c) => [c, 4] as const),
]);

const CODE = /^[A-Z]{3}$/;

/** Digits after the decimal point in the currency's minor unit (JPY 0, USD 2, KWD 3). */
export function currencyExponent(currency: string): number {
  const code = currency.toUpperCase();
  if (!CODE.test(code)) throw new RangeError(`not an ISO 4217 currency code: ${currency}`);
  return NON_DEFAULT_EXPONENTS.get(code) ?? 2;
}

/**
 * Parses an amount typed in major units ("12.5", "1,000.25" is refused: no grouping) into minor
 * units. Returns null when the text is not a plain non-negative decimal or has more decimals than
 * the currency has, so a form can name the rule instead of rounding silently.
 */
export function parseMajor(text: string, currency: string): number | null {
  const exponent = currencyExponent(currency);
  const match = /^(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!match) return null;
  const whole = match[1]!;
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) return null;
  const minor = Number(whole) * 10 ** exponent + Number(fraction.padEnd(exponent, '0') || '0');
  return Number.isSafeInteger(minor) ? minor : null;
}

/** "12.50" for 1250 USD, "1250" for 1250 JPY; for CSV exports and gateway payloads, not for display. */
export function minorToMajorString(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`amount must be an integer number of minor units: ${minor}`);
  const exponent = currencyExponent(currency);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** A localized amount with its symbol, always showing the ISO number of decimals. */
export function formatMinor(minor: number, currency: string, locale = 'en'): string {
  const exponent = currencyExponent(currency);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  }).format(minor / 10 ** exponent);
}

// The repository's own list, not ICU's: the same answer on every Node build, and the one the pickers show.
const knownCurrencies: ReadonlySet<string> = new Set(CURRENCY_CODES);

/** Whether a code is an ISO 4217 currency in circulation, e.g. USD yes, ABC no. */
export function isIsoCurrency(code: string): boolean {
  return knownCurrencies.has(code);
}
