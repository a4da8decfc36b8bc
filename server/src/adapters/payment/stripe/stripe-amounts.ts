import { currencyExponent } from '../../../domain/money.js';

/**
 * Stripe counts in its own minor unit, which is the ISO 4217 one except where Stripe's currency
 * docs (stripe.com/docs/currencies, "zero-decimal" and "special cases") say otherwise; the
 * zero-decimal lists in woocommerce-gateway-stripe and active_merchant follow the same table.
 */
const STRIPE_EXPONENTS: ReadonlyMap<string, number> = new Map([
  // ISO 0 decimals, but Stripe still takes two with "00" for backwards compatibility.
  ['ISK', 2],
  // ISO 2 decimals, Stripe zero-decimal.
  ['MGA', 0],
]);

/** ISO 3-decimal currencies whose Stripe amounts must end in 0 (Stripe rounds to 2 decimals). */
const THREE_DECIMAL_ROUNDED: ReadonlySet<string> = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

export class StripeAmountError extends RangeError {}

function exponents(currency: string): { iso: number; stripe: number } {
  const code = currency.toUpperCase();
  const iso = currencyExponent(code);
  return { iso, stripe: STRIPE_EXPONENTS.get(code) ?? iso };
}

/** 999 USD → 999; 1000 JPY → 1000; 5 ISK → 500; 12340 KWD → 12340 (12341 is refused). */
export function toStripeAmount(minor: number, currency: string): number {
  if (!Number.isSafeInteger(minor) || minor < 0)
    throw new StripeAmountError(`amount must be a non-negative integer of minor units: ${minor}`);
  const code = currency.toUpperCase();
  const { iso, stripe } = exponents(code);
  if (THREE_DECIMAL_ROUNDED.has(code) && minor % 10 !== 0)
    throw new StripeAmountError(`Stripe accepts ${code} amounts only in steps of 10 minor units; ${minor} is not`);
  if (stripe >= iso) return minor * 10 ** (stripe - iso);
  const factor = 10 ** (iso - stripe);
  if (minor % factor !== 0) throw new StripeAmountError(`Stripe accepts only whole ${code}; ${minor} minor units has a fraction`);
  return minor / factor;
}

/** The inverse: a Stripe amount in Usher's ISO minor units. */
export function fromStripeAmount(amount: number, currency: string): number {
  const { iso, stripe } = exponents(currency);
  if (stripe === iso) return amount;
  if (stripe < iso) return amount * 10 ** (iso - stripe);
  return Math.round(amount / 10 ** (stripe - iso));
}
