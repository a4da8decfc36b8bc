/**
 * Where a stored secret may be sent: the scheme, host and port it was entered for. Comparing
 * origins rather than raw strings lets a path or a trailing slash change freely, while any change
 * of host, port or scheme counts as a new target.
 */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.origin === 'null' ? null : parsed.origin;
  } catch {
    return null;
  }
}

/** True when both URLs parse and share scheme, host and port (default ports normalised). */
export function sameOrigin(a: string, b: string): boolean {
  const left = originOf(a);
  return left !== null && left === originOf(b);
}
