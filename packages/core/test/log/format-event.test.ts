import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { Failure, formatEvent, stringifyValue } from '../../src/index.js';

const render = (format: string, fields: Record<string, unknown> = {}): string =>
  formatEvent({ format, fields });

describe('formatEvent', () => {
  it('replaces {field} placeholders with the fields', () => {
    expect(
      render('Connection from {peer} ({count} so far)', { peer: '127.0.0.1:5000', count: 3 }),
    ).toBe('Connection from 127.0.0.1:5000 (3 so far)');
  });

  it('treats {{ and }} as literal braces', () => {
    expect(render('{{not a field}} but {x} is', { x: 1 })).toBe('{not a field} but 1 is');
    expect(render('{{{x}}}', { x: 'y' })).toBe('{y}');
  });

  it('renders a missing field as MISSING instead of failing', () => {
    expect(render('user {user} from {peer}', { user: 'ann' })).toBe('user ann from MISSING');
    expect(render('empty {}', {})).toBe('empty MISSING');
  });

  it('does not read inherited properties as fields', () => {
    expect(render('{toString} {constructor}', {})).toBe('MISSING MISSING');
  });

  it('reads properties of a field with a dotted name', () => {
    expect(render('{peer.host}:{peer.port} {peer.nope}', { peer: { host: '::1', port: 80 } })).toBe(
      '::1:80 MISSING',
    );
    expect(render('{n.x}', { n: null })).toBe('MISSING');
  });

  it('keeps an unclosed brace and a lone closing brace as they are', () => {
    expect(render('a } b {unclosed', { unclosed: 1 })).toBe('a } b {unclosed');
  });

  it('stringifies values safely: bytes, objects, errors, failures, dates, bigints', () => {
    expect(render('{b}', { b: new Uint8Array([104, 105]) })).toBe('Uint8Array(2) 6869');
    expect(render('{o}', { o: { a: [1, 2], n: 10n } })).toBe('{"a":[1,2],"n":"10"}');
    expect(render('{e}', { e: new TypeError('bad') })).toBe('TypeError: bad');
    expect(render('{f}', { f: new Failure(new RangeError('far')) })).toBe(
      '[Failure RangeError: far]',
    );
    expect(render('{d}', { d: new Date(Date.UTC(2026, 10, 21, 5, 40)) })).toBe(
      '2026-11-21T05:40:00.000Z',
    );
    expect(render('{u} {z} {fn}', { u: undefined, z: null, fn: function named() {} })).toBe(
      'undefined null [Function named]',
    );
  });

  it('renders a value whose toString throws as an error marker, not an exception', () => {
    const hostile = {
      toString(): string {
        throw new Error('no string for you');
      },
    };
    expect(render('value: {v}', { v: hostile })).toBe(
      'value: [unformattable: Error: no string for you]',
    );
    const getter = {
      get host(): string {
        throw new Error('getter broke');
      },
    };
    expect(render('{g.host}', { g: getter })).toBe('[unformattable: Error: getter broke]');
  });

  it('renders circular objects without recursing forever', () => {
    const loop: Record<string, unknown> = { name: 'loop' };
    loop['self'] = loop;
    expect(render('{loop}', { loop })).toBe('{"name":"loop","self":"[Circular]"}');
  });

  it('redacts fields named like credentials, at the top level and nested', () => {
    expect(
      render('login {user} {password} {Authorization}', {
        user: 'ann',
        password: 'hunter2',
        Authorization: 'x',
      }),
    ).toBe('login ann [redacted] [redacted]');
    expect(render('{creds}', { creds: { user: 'ann', apiToken: 'abc' } })).toBe(
      '{"user":"ann","apiToken":"[redacted]"}',
    );
    expect(render('{creds.secret}', { creds: { secret: 's' } })).toBe('[redacted]');
  });

  it('never throws and renders brace-free formats unchanged, whatever the input', () => {
    fc.assert(
      fc.property(fc.string(), fc.dictionary(fc.string(), fc.anything()), (format, fields) => {
        const text = formatEvent({ format, fields });
        expect(typeof text).toBe('string');
        if (!format.includes('{') && !format.includes('}')) expect(text).toBe(format);
      }),
    );
  });

  it('stringifyValue never throws on hostile proxies', () => {
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys');
        },
        get() {
          throw new Error('no props');
        },
      },
    );
    expect(stringifyValue(proxy)).toMatch(/^\[unformattable: Error: no (keys|props)\]$/);
  });
});
