import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { IRCMap, ircEquals, lowerIRC, toCaseMapping } from './imports.js';

describe('lowerIRC', () => {
  it('rfc1459 folds []\\~ to {}|^ as well as A-Z', () => {
    expect(lowerIRC('Nick[A]\\~', 'rfc1459')).toBe('nick{a}|^');
    expect(ircEquals('Dan[away]', 'dan{AWAY}', 'rfc1459')).toBe(true);
    expect(ircEquals('a~', 'A^', 'rfc1459')).toBe(true);
  });

  it('strict-rfc1459 folds []\\ but not ~', () => {
    expect(lowerIRC('Nick[A]\\~', 'strict-rfc1459')).toBe('nick{a}|~');
    expect(ircEquals('a~', 'a^', 'strict-rfc1459')).toBe(false);
  });

  it('ascii folds only letters', () => {
    expect(lowerIRC('Nick[A]\\~', 'ascii')).toBe('nick[a]\\~');
    expect(ircEquals('a[', 'A{', 'ascii')).toBe(false);
  });

  it('leaves non-ASCII alone and defaults to rfc1459', () => {
    expect(lowerIRC('ÉCOLE[]')).toBe('École{}');
    expect(lowerIRC('Ä')).toBe('Ä');
  });

  it('is idempotent and preserves length under every mapping', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.constantFrom('rfc1459' as const, 'strict-rfc1459' as const, 'ascii' as const),
        (s, m) => {
          const once = lowerIRC(s, m);
          expect(once.length).toBe(s.length);
          expect(lowerIRC(once, m)).toBe(once);
          expect(ircEquals(s, once, m)).toBe(true);
        },
      ),
    );
  });

  it('maps ISUPPORT values, unknown ones to rfc1459', () => {
    expect(toCaseMapping('ascii')).toBe('ascii');
    expect(toCaseMapping('STRICT-RFC1459')).toBe('strict-rfc1459');
    expect(toCaseMapping('rfc1459')).toBe('rfc1459');
    expect(toCaseMapping('rfc7613')).toBe('rfc1459');
    expect(toCaseMapping(undefined)).toBe('rfc1459');
  });
});

describe('IRCMap', () => {
  it('looks names up without case and keeps the spelling last set', () => {
    const map = new IRCMap<number>('rfc1459');
    map.set('#Chan[1]', 1);
    expect(map.get('#chan{1}')).toBe(1);
    expect(map.has('#CHAN[1]')).toBe(true);
    map.set('#CHAN{1}', 2);
    expect(map.size).toBe(1);
    expect([...map]).toEqual([['#CHAN{1}', 2]]);
    expect(map.originalName('#chan[1]')).toBe('#CHAN{1}');
    expect(map.delete('#chan{1}')).toBe(true);
    expect(map.size).toBe(0);
  });

  it('renames an entry (NICK changes), including case-only changes', () => {
    const map = new IRCMap<string>('ascii', [['alice', 'a']]);
    expect(map.rename('ALICE', 'Alice')).toBe(true);
    expect([...map.keys()]).toEqual(['Alice']);
    expect(map.rename('Alice', 'bob')).toBe(true);
    expect(map.get('alice')).toBeUndefined();
    expect(map.get('BOB')).toBe('a');
    expect(map.rename('nobody', 'x')).toBe(false);
  });

  it('refolds when the case mapping changes', () => {
    const map = new IRCMap<number>('ascii');
    map.set('a[', 1);
    expect(map.get('a{')).toBeUndefined();
    map.setCaseMapping('rfc1459');
    expect(map.caseMapping).toBe('rfc1459');
    expect(map.get('A{')).toBe(1);
  });

  it('iterates values, entries and forEach in insertion order', () => {
    const map = new IRCMap<number>(undefined, [
      ['b', 2],
      ['a', 1],
    ]);
    expect([...map.values()]).toEqual([2, 1]);
    expect([...map.entries()]).toEqual([
      ['b', 2],
      ['a', 1],
    ]);
    const seen: string[] = [];
    map.forEach((value, name) => seen.push(`${name}=${value}`));
    expect(seen).toEqual(['b=2', 'a=1']);
    map.clear();
    expect(map.size).toBe(0);
  });
});
