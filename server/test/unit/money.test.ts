import { describe, expect, it } from 'vitest';
import { currencyExponent, formatMinor, minorToMajorString, parseMajor } from '../../src/domain/money.js';

describe('money', () => {
  it.each([
    ['JPY', 0],
    ['KRW', 0],
    ['USD', 2],
    ['EUR', 2],
    ['IDR', 2], // CLDR formats IDR without decimals; ISO 4217 (and gateways) count cents
    ['KWD', 3],
    ['BHD', 3],
    ['CLF', 4],
    ['usd', 2],
  ])('%s has %i minor digits', (code, exponent) => {
    expect(currencyExponent(code)).toBe(exponent);
  });

  it('refuses what is not a currency code', () => {
    expect(() => currencyExponent('US')).toThrow(RangeError);
    expect(() => currencyExponent('US$')).toThrow(RangeError);
  });

  it.each([
    ['12.5', 'USD', 1250],
    ['12', 'USD', 1200],
    ['12.', 'USD', 1200],
    ['0.01', 'USD', 1],
    [' 7 ', 'JPY', 7],
    ['1.234', 'KWD', 1234],
    ['12.345', 'USD', null],
    ['1.5', 'JPY', null],
    ['-1', 'USD', null],
    ['1,000.00', 'USD', null],
    ['', 'USD', null],
    ['abc', 'USD', null],
  ])('parses %j %s as %j', (text, currency, expected) => {
    expect(parseMajor(text, currency)).toBe(expected);
  });

  it('writes minor units as a plain decimal', () => {
    expect(minorToMajorString(1250, 'USD')).toBe('12.50');
    expect(minorToMajorString(5, 'USD')).toBe('0.05');
    expect(minorToMajorString(-5, 'USD')).toBe('-0.05');
    expect(minorToMajorString(1250, 'JPY')).toBe('1250');
    expect(minorToMajorString(1, 'KWD')).toBe('0.001');
    expect(() => minorToMajorString(1.5, 'USD')).toThrow(RangeError);
  });

  it('formats with the ISO number of decimals', () => {
    expect(formatMinor(1250, 'USD')).toBe('$12.50');
    expect(formatMinor(1250, 'JPY')).toBe('¥1,250');
    expect(formatMinor(1234, 'KWD')).toMatch(/1\.234$/);
  });
});
