import { isIPv6 as nodeIsIPv6 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { isIPv4Literal, isIPv6Literal } from '../../src/index.js';

describe('IP literal recognition (decides tcp: client dispatch)', () => {
  it.each(['127.0.0.1', '0.0.0.0', '255.255.255.255'])('%s is IPv4', (host) => {
    expect(isIPv4Literal(host)).toBe(true);
    expect(isIPv6Literal(host)).toBe(false);
  });

  it.each([
    '::',
    '::1',
    '2001:db8::1',
    '1:2:3:4:5:6:7:8',
    'fe80::1%eth0',
    '::ffff:127.0.0.1',
    '64:ff9b::192.0.2.33',
  ])('%s is IPv6', (host) => {
    expect(isIPv6Literal(host)).toBe(true);
    expect(isIPv4Literal(host)).toBe(false);
  });

  it.each([
    'localhost',
    'example.org',
    '256.1.1.1',
    '1.2.3',
    '01.2.3.4',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    ':::',
    'fe80::1%',
    '12345::1',
    '',
  ])('%j is neither', (host) => {
    expect(isIPv4Literal(host)).toBe(false);
    expect(isIPv6Literal(host)).toBe(false);
  });

  it('agrees with node:net on generated IPv6 addresses', () => {
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        expect(isIPv6Literal(address)).toBe(nodeIsIPv6(address));
      }),
    );
  });
});
