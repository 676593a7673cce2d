import { describe, expect, it } from 'vitest';
import { parseFingerQuery, printable } from '../src/index.js';

describe('parseFingerQuery (RFC 1288 §2.3)', () => {
  it.each([
    ['', { kind: 'list', verbose: false }],
    ['/W', { kind: 'list', verbose: true }],
    ['/W   ', { kind: 'list', verbose: true }],
    ['demo', { kind: 'user', verbose: false, user: 'demo' }],
    ['/W demo', { kind: 'user', verbose: true, user: 'demo' }],
    ['/w\tdemo\r', { kind: 'user', verbose: true, user: 'demo' }],
    ['demo@host', { kind: 'forward', verbose: false, user: 'demo', hosts: ['host'] }],
    ['@a@b', { kind: 'forward', verbose: false, user: '', hosts: ['a', 'b'] }],
    ['/W demo@a', { kind: 'forward', verbose: true, user: 'demo', hosts: ['a'] }],
  ])('%j', (line, expected) => {
    expect(parseFingerQuery(line)).toEqual(expected);
  });

  it.each([
    ['/Wdemo', 'bad user name'],
    ['a b', 'one user name per query'],
    ['demo@', 'empty host name'],
    ['.hidden', 'bad user name'],
    ['../x', 'bad user name'],
    ['x'.repeat(33), 'bad user name'],
  ])('rejects %j', (line, reason) => {
    expect(parseFingerQuery(line)).toEqual({ kind: 'invalid', reason });
  });
});

describe('printable', () => {
  it('keeps text and tabs, shows control characters in caret notation', () => {
    expect(printable('a\tb')).toBe('a\tb');
    expect(printable('\x00\x1b\x7f')).toBe('^@^[^?');
  });
});
