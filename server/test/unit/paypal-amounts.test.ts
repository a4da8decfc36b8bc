import { describe, expect, it } from 'vitest';
import { fromPayPalValue, paypalMoney, PayPalAmountError, toPayPalValue } from '../../src/adapters/payment/paypal/paypal-amounts.js';
import { parsePayPalErrorBody } from '../../src/adapters/payment/paypal/paypal-errors.js';
import { decodeNvp, nvpRows } from '../../src/adapters/payment/paypal/paypal-nvp.js';
import { parseTime } from '../../src/adapters/payment/paypal/paypal-parse.js';

describe('PayPal amounts', () => {
  it('formats minor units by the currency exponent', () => {
    expect(toPayPalValue(999, 'USD')).toBe('9.99');
    expect(toPayPalValue(5, 'eur')).toBe('0.05');
    expect(toPayPalValue(1200, 'JPY')).toBe('1200');
    expect(toPayPalValue(12_345, 'KWD')).toBe('12.345');
    expect(paypalMoney(1000, 'usd')).toEqual({ currency_code: 'USD', value: '10.00' });
  });

  it('sends HUF and TWD in whole units, which PayPal requires, and refuses a fraction', () => {
    expect(toPayPalValue(150_000, 'HUF')).toBe('1500');
    expect(toPayPalValue(9_900, 'TWD')).toBe('99');
    expect(() => toPayPalValue(150_050, 'HUF')).toThrow(PayPalAmountError);
    expect(fromPayPalValue('1500', 'HUF')).toBe(150_000);
  });

  it('reads PayPal values into minor units, negatives included', () => {
    expect(fromPayPalValue('9.99', 'USD')).toBe(999);
    expect(fromPayPalValue('9.9', 'USD')).toBe(990);
    expect(fromPayPalValue('10', 'USD')).toBe(1000);
    expect(fromPayPalValue('-0.59', 'USD')).toBe(-59);
    expect(fromPayPalValue('1200', 'JPY')).toBe(1200);
    expect(fromPayPalValue('1200.00', 'JPY')).toBe(1200);
    expect(fromPayPalValue('12.345', 'KWD')).toBe(12_345);
  });

  it('refuses amounts it would have to round or cannot read', () => {
    expect(() => fromPayPalValue('9.999', 'USD')).toThrow(PayPalAmountError);
    expect(() => fromPayPalValue('1200.5', 'JPY')).toThrow(PayPalAmountError);
    expect(() => fromPayPalValue('1,000.00', 'USD')).toThrow(PayPalAmountError);
    expect(() => fromPayPalValue('', 'USD')).toThrow(PayPalAmountError);
    expect(() => toPayPalValue(9.5, 'USD')).toThrow(PayPalAmountError);
  });
});

describe('PayPal wire helpers', () => {
  it('reads REST and OAuth error bodies, and a body cut off before its end', () => {
    expect(parsePayPalErrorBody('{"error":"invalid_client","error_description":"Client Authentication failed"}')).toEqual({
      name: 'invalid_client',
      message: 'Client Authentication failed',
      details: [],
    });
    const cut =
      '{"name":"UNPROCESSABLE_ENTITY","details":[{"issue":"ORDER_NOT_APPROVED","description":"Payer has not yet approved"}],"message":"The requested action could not be performed","debug_id":"abc123","links":[{"href":"https://developer.pay';
    expect(parsePayPalErrorBody(cut)).toMatchObject({
      name: 'UNPROCESSABLE_ENTITY',
      debugId: 'abc123',
      details: [{ issue: 'ORDER_NOT_APPROVED' }],
    });
    expect(parsePayPalErrorBody('<html>Bad gateway</html>')).toEqual({ details: [] });
  });

  it('decodes NVP answers and their indexed rows', () => {
    const fields = decodeNvp(
      'ACK=SuccessWithWarning&L_ERRORCODE0=11002&L_TRANSACTIONID0=A1&L_AMT0=9%2e99&L_NAME0=Jane%20Doe&L_TRANSACTIONID1=B2&L_AMT1=-1.00\n',
    );
    expect(fields.ACK).toBe('SuccessWithWarning');
    expect(nvpRows(fields, ['TRANSACTIONID', 'AMT', 'NAME'])).toEqual([
      { TRANSACTIONID: 'A1', AMT: '9.99', NAME: 'Jane Doe' },
      { TRANSACTIONID: 'B2', AMT: '-1.00' },
    ]);
    expect(nvpRows(fields, ['ERRORCODE'])).toEqual([{ ERRORCODE: '11002' }]);
  });

  it('reads RFC 3339 times and the Reporting API colon-less offsets', () => {
    expect(parseTime('2024-01-01T10:00:00Z')!.toISOString()).toBe('2024-01-01T10:00:00.000Z');
    expect(parseTime('2024-01-01T10:00:00+0000')!.toISOString()).toBe('2024-01-01T10:00:00.000Z');
    expect(parseTime('2024-01-01T12:00:00+0200')!.toISOString()).toBe('2024-01-01T10:00:00.000Z');
    expect(parseTime('soon')).toBeNull();
    expect(parseTime(undefined)).toBeNull();
  });
});
