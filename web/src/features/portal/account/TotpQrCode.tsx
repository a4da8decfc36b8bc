import { encode } from 'uqr';
import { useMemo } from 'react';

/**
 * The authenticator setup link as a QR code, drawn here as SVG: the secret never leaves the browser
 * for an image service. Dark modules on white with the standard quiet zone, in either color scheme,
 * because phone cameras read that best.
 */
export function TotpQrCode({ uri, size = 176 }: { uri: string; size?: number }) {
  const { path, modules } = useMemo(() => {
    const qr = encode(uri, { ecc: 'M', border: 4 });
    let d = '';
    qr.data.forEach((row, y) =>
      row.forEach((dark, x) => {
        if (dark) d += `M${x} ${y}h1v1h-1z`;
      }),
    );
    return { path: d, modules: qr.size };
  }, [uri]);

  return (
    <svg
      role="img"
      aria-label="QR code of the setup key: scan it with your authenticator app"
      data-testid="totp-qr"
      width={size}
      height={size}
      viewBox={`0 0 ${modules} ${modules}`}
      shapeRendering="crispEdges"
      style={{ flexShrink: 0, borderRadius: 8 }}
    >
      <rect width={modules} height={modules} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
