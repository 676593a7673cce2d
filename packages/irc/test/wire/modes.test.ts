import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { type ModeChange, formatModeChanges, parseChanModes, parseModeString } from './imports.js';

const NGIRCD = { chanmodes: parseChanModes('beI,k,l,imMnOPQRstVz'), prefix: 'qaohv' };
const INSPIRCD = {
  chanmodes: parseChanModes('IXbeg,k,Hfjl,ACKMNOPQRSTcimnprstz'),
  prefix: 'Yqaohv',
};
const RFC2812 = { chanmodes: parseChanModes('beI,k,l,aimnqpsrt'), prefix: 'ov' };

describe('parseModeString', () => {
  it('gives arguments to prefix modes and types A and B always, C only when set, D never', () => {
    const changes = parseModeString(
      '+ovbkl-lkbv+imt',
      ['alice', 'bob', '*!*@bad', 'sekrit', '10', 'key2', 'x!*@*', 'carol'],
      NGIRCD.chanmodes,
      NGIRCD.prefix,
    );
    expect(changes).toEqual([
      { adding: true, mode: 'o', arg: 'alice' },
      { adding: true, mode: 'v', arg: 'bob' },
      { adding: true, mode: 'b', arg: '*!*@bad' },
      { adding: true, mode: 'k', arg: 'sekrit' },
      { adding: true, mode: 'l', arg: '10' },
      { adding: false, mode: 'l' },
      { adding: false, mode: 'k', arg: 'key2' },
      { adding: false, mode: 'b', arg: 'x!*@*' },
      { adding: false, mode: 'v', arg: 'carol' },
      { adding: true, mode: 'i' },
      { adding: true, mode: 'm' },
      { adding: true, mode: 't' },
    ]);
  });

  it("reads InspIRCd's extra list and parameter modes", () => {
    const changes = parseModeString(
      '+gYf-j+H',
      ['*badword*', 'admin', '5:10', '3:60'],
      INSPIRCD.chanmodes,
      INSPIRCD.prefix,
    );
    expect(changes).toEqual([
      { adding: true, mode: 'g', arg: '*badword*' },
      { adding: true, mode: 'Y', arg: 'admin' },
      { adding: true, mode: 'f', arg: '5:10' },
      { adding: false, mode: 'j' },
      { adding: true, mode: 'H', arg: '3:60' },
    ]);
  });

  it('treats a list mode without an argument as a list query', () => {
    expect(parseModeString('+b', [], RFC2812.chanmodes, RFC2812.prefix)).toEqual([
      { adding: true, mode: 'b' },
    ]);
  });

  it("defaults to '+', and handles user modes with no argument modes", () => {
    expect(parseModeString('iw-o', [], { A: '', B: '', C: '', D: '' }, '')).toEqual([
      { adding: true, mode: 'i' },
      { adding: true, mode: 'w' },
      { adding: false, mode: 'o' },
    ]);
  });

  it('gives unknown modes no argument', () => {
    expect(parseModeString('+Zo', ['nick'], RFC2812.chanmodes, RFC2812.prefix)).toEqual([
      { adding: true, mode: 'Z' },
      { adding: true, mode: 'o', arg: 'nick' },
    ]);
  });
});

describe('formatModeChanges', () => {
  it('folds signs and limits parameters per line', () => {
    const changes: ModeChange[] = [
      { adding: true, mode: 'o', arg: 'a' },
      { adding: true, mode: 'o', arg: 'b' },
      { adding: false, mode: 'v', arg: 'c' },
      { adding: true, mode: 'm' },
      { adding: true, mode: 'b', arg: 'd!*@*' },
    ];
    expect(formatModeChanges(changes, 3)).toEqual([
      ['+oo-v+m', 'a', 'b', 'c'],
      ['+b', 'd!*@*'],
    ]);
    expect(formatModeChanges(changes, 10)).toEqual([['+oo-v+mb', 'a', 'b', 'c', 'd!*@*']]);
    expect(formatModeChanges([], 3)).toEqual([]);
  });

  it('round-trips through parseModeString', () => {
    const mode = fc.oneof(
      fc.record({
        adding: fc.boolean(),
        mode: fc.constantFrom('o', 'v', 'b', 'k'),
        arg: fc.stringMatching(/^[a-z*!@]{1,8}$/),
      }),
      fc.record({ adding: fc.boolean(), mode: fc.constantFrom('i', 'm', 'n', 's', 't') }),
      fc.record({
        adding: fc.constant(true),
        mode: fc.constant('l'),
        arg: fc.stringMatching(/^[1-9][0-9]?$/),
      }),
      fc.record({ adding: fc.constant(false), mode: fc.constant('l') }),
    );
    fc.assert(
      fc.property(
        fc.array(mode, { maxLength: 12 }),
        fc.integer({ min: 1, max: 6 }),
        (changes, perLine) => {
          const lines = formatModeChanges(changes, perLine);
          const parsed = lines.flatMap(([modeString, ...args]) => {
            expect(args.length).toBeLessThanOrEqual(perLine);
            return parseModeString(modeString, args, RFC2812.chanmodes, RFC2812.prefix);
          });
          expect(parsed).toEqual(changes);
        },
      ),
    );
  });
});
