import { isIPv4, isIPv6 } from 'node:net';

/**
 * Truncates an IP address before it is logged or stored (C1.3): IPv4 keeps its /24,
 * IPv6 its /48. IPv4-mapped IPv6 addresses are treated as IPv4.
 */
export function truncateIp(ip: string | undefined): string | undefined {
  if (ip === undefined || ip === '') return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = mapped?.[1] ?? ip;
  if (isIPv4(address)) return address.split('.').slice(0, 3).concat('0').join('.');
  if (isIPv6(address)) return `${expandIpv6(address).slice(0, 3).join(':')}::`;
  return undefined;
}

function expandIpv6(address: string): string[] {
  const [head = '', tail = ''] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const missing = address.includes('::') ? 8 - left.length - right.length : 0;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((group) =>
    (group.replace(/^0+(?=.)/, '') || '0').toLowerCase(),
  );
}
