/**
 * An IP address with its host part dropped (IPv4 /24, IPv6 /48): enough to tell a home network
 * from another country, not enough to single out one device. Anything else is dropped entirely.
 */
export function truncateIp(ip: string): string | null {
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/i.exec(ip.trim());
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0`;
  if (!ip.includes(':')) return null;
  const [head] = ip.trim().split('::');
  const groups = (head ?? '').split(':').filter(Boolean);
  const kept = [...groups, '0', '0', '0'].slice(0, 3);
  return `${kept.join(':')}::`;
}
