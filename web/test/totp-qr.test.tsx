import { describe, expect, it } from 'vitest';
import { TotpQrCode } from '../src/features/portal/account/TotpQrCode';
import { renderWithProviders } from './render';

describe('TotpQrCode', () => {
  it('draws the setup link as an inline SVG, fetching nothing', () => {
    const uri = 'otpauth://totp/Usher:owner%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Usher';
    const { getByTestId, container } = renderWithProviders(<TotpQrCode uri={uri} />);
    const svg = getByTestId('totp-qr');
    expect(svg.tagName.toLowerCase()).toBe('svg');
    expect(svg.getAttribute('role')).toBe('img');
    // Version 4 or more (33+ modules) plus a 4-module quiet zone each side for a link this long.
    const side = Number(svg.getAttribute('viewBox')!.split(' ')[2]);
    expect(side).toBeGreaterThanOrEqual(33 + 8);
    expect(svg.querySelector('path')!.getAttribute('d')!.length).toBeGreaterThan(1000);
    expect(container.querySelector('img')).toBeNull();
  });

  it('changes when the link changes', () => {
    const a = renderWithProviders(<TotpQrCode uri="otpauth://totp/A?secret=AAAA" />).getByTestId('totp-qr').querySelector('path')!.getAttribute('d');
    const b = renderWithProviders(<TotpQrCode uri="otpauth://totp/B?secret=BBBB" />).getAllByTestId('totp-qr')[1]!.querySelector('path')!.getAttribute('d');
    expect(a).not.toBe(b);
  });
});
