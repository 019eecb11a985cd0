import { isIPv4, isIPv6 } from 'node:net';

/**
 * Truncates an IP address before it is logged or stored (C1.3): IPv4 keeps its /24,
 * IPv6 its /48. IPv4-mapped IPv6 addresses are treated as IPv4.
 */
export function truncateIp(ip: string | undefined): string | undefined {
  if (ip === undefined || ip === '') return undefined;
  if (isIPv4(ip)) return truncateIpv4(ip);
  if (!isIPv6(ip)) return undefined;
  const groups = expandIpv6(ip);
  // ::ffff:a.b.c.d in any spelling (::ffff:c633:6417, 0:0:0:0:0:ffff:…) is an IPv4 client.
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return truncateIpv4([high >> 8, high & 0xff, low >> 8, low & 0xff].join('.'));
  }
  return `${groups
    .slice(0, 3)
    .map((group) => group.toString(16))
    .join(':')}::`;
}

function truncateIpv4(address: string): string {
  return address.split('.').slice(0, 3).concat('0').join('.');
}

/** The eight 16-bit groups of a valid IPv6 address (a zone id is dropped). */
function expandIpv6(address: string): number[] {
  let text = address.split('%')[0] ?? '';
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted !== null) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail = ''] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const missing = text.includes('::') ? 8 - left.length - right.length : 0;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((group) =>
    Number.parseInt(group, 16),
  );
}
