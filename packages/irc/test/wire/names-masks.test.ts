import { describe, expect, it } from 'vitest';

import { MASK_MATCH, VALIDATE_HOSTNAME } from './fixtures.js';
import {
  isValidChannelName,
  isValidHostname,
  isValidNick,
  matchMask,
  normalizeMask,
} from './imports.js';

describe('isValidHostname (ircdocs validate-hostname)', () => {
  it.each(VALIDATE_HOSTNAME)('$host → $valid', ({ host, valid }) => {
    expect(isValidHostname(host)).toBe(valid);
  });
});

describe('matchMask (ircdocs mask-match)', () => {
  it.each(MASK_MATCH)('$mask', ({ mask, matches, fails }) => {
    for (const subject of matches) expect(matchMask(mask, subject), subject).toBe(true);
    for (const subject of fails) expect(matchMask(mask, subject), subject).toBe(false);
  });

  it('folds case under the mapping and honours escapes', () => {
    expect(matchMask('NICK[1]!*@*', 'nick{1}!u@h', 'rfc1459')).toBe(true);
    expect(matchMask('NICK[1]!*@*', 'nick{1}!u@h', 'ascii')).toBe(false);
    expect(matchMask('a\\*b', 'a*b')).toBe(true);
    expect(matchMask('a\\*b', 'axb')).toBe(false);
    expect(matchMask('*', '')).toBe(true);
    expect(matchMask('?', '')).toBe(false);
  });

  it('stays fast on patterns built to backtrack', () => {
    // Many stars against a long non-matching subject: quadratic at worst, not exponential.
    expect(matchMask(`${'*a'.repeat(50)}b`, 'a'.repeat(500))).toBe(false);
  });
});

describe('normalizeMask', () => {
  it.each([
    ['nick', 'nick!*@*'],
    ['*.example.com', '*!*@*.example.com'],
    ['user@host', '*!user@host'],
    ['nick!user', 'nick!user@*'],
    ['!@', '*!*@*'],
    ['n!u@h', 'n!u@h'],
  ])('%s → %s', (mask, normalized) => {
    expect(normalizeMask(mask)).toBe(normalized);
  });
});

describe('isValidNick / isValidChannelName', () => {
  it('accepts RFC 2812 nicknames up to NICKLEN', () => {
    for (const nick of ['alice', 'A[b]c', '`x', '_y_', 'd-1', '{|}^'])
      expect(isValidNick(nick), nick).toBe(true);
    for (const nick of [
      '',
      '1abc',
      '-x',
      'a b',
      'a,b',
      'a!b',
      'a@b',
      'a.b',
      '#x',
      ':x',
      'a*',
      'é',
    ]) {
      expect(isValidNick(nick), nick).toBe(false);
    }
    expect(isValidNick('abcdefghij')).toBe(false);
    expect(isValidNick('abcdefghij', 30)).toBe(true);
  });

  it('accepts channel names with a CHANTYPES prefix and no separators', () => {
    expect(isValidChannelName('#tw')).toBe(true);
    expect(isValidChannelName('&local')).toBe(true);
    expect(isValidChannelName('+x', '#')).toBe(false);
    for (const name of ['#', '#a b', '#a,b', '#a\x07', 'tw', `#${'x'.repeat(50)}`]) {
      expect(isValidChannelName(name), name).toBe(false);
    }
  });
});
