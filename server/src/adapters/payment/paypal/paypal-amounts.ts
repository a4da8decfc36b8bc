import { currencyExponent, minorToMajorString } from '../../../domain/money.js';

/**
 * PayPal amounts are decimal strings ("9.99", "1000" for JPY). Usher keeps integer minor units with
 * the ISO 4217 exponent; the conversion lives here so no caller formats money by hand.
 *
 * PayPal refuses decimals for HUF and TWD although ISO gives them two digits (PayPal REST "Currency
 * codes" table: "does not support decimals"), so those are sent as whole units and an amount with
 * a fraction is refused before PayPal answers DECIMAL_PRECISION.
 */
const WHOLE_UNITS_ONLY: ReadonlySet<string> = new Set(['HUF', 'TWD']);

export class PayPalAmountError extends RangeError {}

/** 999 USD minor units → "9.99"; 1000 JPY → "1000"; 150000 HUF → "1500". */
export function toPayPalValue(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) throw new PayPalAmountError(`amount must be an integer number of minor units: ${minor}`);
  const code = currency.toUpperCase();
  if (WHOLE_UNITS_ONLY.has(code)) {
    const factor = 10 ** currencyExponent(code);
    if (minor % factor !== 0) throw new PayPalAmountError(`PayPal accepts only whole ${code} amounts; ${minor} minor units has a fraction`);
    return String(minor / factor);
  }
  return minorToMajorString(minor, code);
}

/**
 * "9.99" USD → 999, "-0.59" → -59, "1000" JPY → 1000. Trailing zeros beyond the exponent are
 * accepted ("100.00" JPY, as some PayPal reports print it); any other extra digit is an error
 * rather than a silent rounding of someone's money.
 */
export function fromPayPalValue(value: string, currency: string): number {
  const exponent = currencyExponent(currency);
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) throw new PayPalAmountError(`not a PayPal amount: "${value}"`);
  const [, sign, whole, rawFraction = ''] = match;
  const fraction = rawFraction.replace(/0+$/, '');
  if (fraction.length > exponent)
    throw new PayPalAmountError(`"${value}" has more decimals than ${currency.toUpperCase()} allows (${exponent})`);
  const minor = Number(whole) * 10 ** exponent + Number(fraction.padEnd(exponent, '0') || '0');
  if (!Number.isSafeInteger(minor)) throw new PayPalAmountError(`amount out of range: "${value}"`);
  return sign === '-' && minor !== 0 ? -minor : minor;
}

/** A PayPal money object (`{currency_code, value}`) from minor units. */
export function paypalMoney(minor: number, currency: string): { currency_code: string; value: string } {
  return { currency_code: currency.toUpperCase(), value: toPayPalValue(minor, currency) };
}
