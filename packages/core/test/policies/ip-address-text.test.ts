import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalIPv6,
  formatIPv6,
  parseIPv4,
  parseIPv6,
} from '../../src/policies/ip-address-text.js';

describe('IP address text', () => {
  it('parses dotted quads strictly', () => {
    expect([...parseIPv4('192.0.2.255')!]).toEqual([192, 0, 2, 255]);
    for (const bad of [
      '1.2.3',
      '1.2.3.4.5',
      '1.2.3.256',
      '01.2.3.4',
      '1.2.3.-4',
      '1.2.3.4 ',
      'a.b.c.d',
    ]) {
      expect(parseIPv4(bad)).toBeNull();
    }
  });

  it.each([
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['0:0:0:0:0:ffff:c000:0201', '::ffff:192.0.2.1'],
    ['fe80::1:2', 'fe80::1:2'],
  ])('writes %s as %s (RFC 5952)', (input, canonical) => {
    expect(canonicalIPv6(input)).toBe(canonical);
  });

  it('rejects malformed IPv6 text', () => {
    for (const bad of [
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      ':1:2:3:4:5:6:7',
      '12345::',
      'g::1',
      '::1.2.3',
      '',
    ]) {
      expect(parseIPv6(bad)).toBeNull();
    }
  });

  it('round-trips any address through its canonical form', () => {
    fc.assert(
      fc.property(fc.ipV6(), (text) => {
        const bytes = parseIPv6(text);
        expect(bytes).not.toBeNull();
        expect([...parseIPv6(formatIPv6(bytes!))!]).toEqual([...bytes!]);
      }),
    );
  });
});
