// Client addresses are truncated before they are logged or stored (C1.3): IPv4 to its /24,
// IPv6 to its /48, IPv4-mapped IPv6 as IPv4; anything else gives nothing.
import { describe, expect, it } from 'vitest';
import { truncateIp } from './truncate-ip.js';

describe('truncateIp', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0'],
    ['10.1.2.3', '10.1.2.0'],
    ['255.255.255.255', '255.255.255.0'],
    ['0.0.0.0', '0.0.0.0'],
  ])('keeps the /24 of IPv4 %s', (ip, expected) => {
    expect(truncateIp(ip)).toBe(expected);
  });

  it.each([
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3::'],
    ['2001:0DB8:0000:0042:0000:8A2E:0370:7334', '2001:db8:0::'],
    ['2001:db8::1', '2001:db8:0::'],
    ['2001:db8:1::', '2001:db8:1::'],
    ['fe80::1ff:fe23:4567:890a', 'fe80:0:0::'],
    ['::1', '0:0:0::'],
    ['::', '0:0:0::'],
    ['fe80::1%eth0', 'fe80:0:0::'],
    ['64:ff9b::198.51.100.23', '64:ff9b:0::'],
    ['::198.51.100.23', '0:0:0::'],
    ['1:2:3:4:5:6:198.51.100.23', '1:2:3::'],
  ])('keeps the /48 of IPv6 %s', (ip, expected) => {
    expect(truncateIp(ip)).toBe(expected);
  });

  it.each([
    ['::ffff:198.51.100.23', '198.51.100.0'],
    ['::FFFF:198.51.100.23', '198.51.100.0'],
    ['0:0:0:0:0:ffff:198.51.100.23', '198.51.100.0'],
    ['::ffff:c633:6417', '198.51.100.0'],
    ['0000:0000:0000:0000:0000:FFFF:C633:6417', '198.51.100.0'],
  ])('treats IPv4-mapped %s as IPv4', (ip, expected) => {
    expect(truncateIp(ip)).toBe(expected);
  });

  it('drops the host part: addresses in one /24 or /48 become the same value', () => {
    expect(truncateIp('198.51.100.1')).toBe(truncateIp('198.51.100.254'));
    expect(truncateIp('2001:db8:aa:1::1')).toBe(truncateIp('2001:db8:aa:ffff::2'));
    expect(truncateIp('198.51.100.1')).not.toBe(truncateIp('198.51.101.1'));
  });

  it.each([
    undefined,
    '',
    'localhost',
    'not an address',
    '256.1.1.1',
    '1.2.3',
    '1.2.3.4:8080',
    '[2001:db8::1]',
    '2001:db8:::1',
    '::ffff:999.1.1.1',
    '1.2.3.4\n',
  ])('gives undefined for %j, never the input', (input) => {
    expect(truncateIp(input)).toBeUndefined();
  });
});
