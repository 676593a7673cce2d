import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  EndpointDescriptionError,
  formatEndpointDescription,
  parseEndpointDescription,
  quoteStringArgument,
} from '../../src/index.js';

function parts(description: string): {
  scheme: string;
  args: string[];
  kwargs: Record<string, string>;
} {
  const parsed = parseEndpointDescription(description);
  return { scheme: parsed.scheme, args: [...parsed.args], kwargs: { ...parsed.kwargs } };
}

describe('parseEndpointDescription (Twisted grammar)', () => {
  it.each([
    ['tcp:8080', { scheme: 'tcp', args: ['8080'], kwargs: {} }],
    [
      'tcp:8080:interface=127.0.0.1',
      { scheme: 'tcp', args: ['8080'], kwargs: { interface: '127.0.0.1' } },
    ],
    [
      'tcp:host=example.org:port=6667',
      { scheme: 'tcp', args: [], kwargs: { host: 'example.org', port: '6667' } },
    ],
    [
      'unix:/run/tw.sock:mode=660',
      { scheme: 'unix', args: ['/run/tw.sock'], kwargs: { mode: '660' } },
    ],
    // Escaped colons inside a keyword value (an IPv6 address).
    [
      'tcp6:8080:interface=\\:\\:1',
      { scheme: 'tcp6', args: ['8080'], kwargs: { interface: '::1' } },
    ],
    // Only the first "=" separates: the value keeps the rest unescaped.
    ['x:path=a=b=c', { scheme: 'x', args: [], kwargs: { path: 'a=b=c' } }],
    // An escaped "=" keeps a positional argument positional.
    ['x:a\\=b', { scheme: 'x', args: ['a=b'], kwargs: {} }],
    // Escaped "=" in a keyword name.
    ['x:a\\=b=c', { scheme: 'x', args: [], kwargs: { 'a=b': 'c' } }],
    // Backslash escapes itself, and any other character stands for itself.
    ['x:C\\\\dir:\\q', { scheme: 'x', args: ['C\\dir', 'q'], kwargs: {} }],
    // Positional arguments keep their order wherever keywords appear (Twisted allows mixing).
    ['x:a:k=v:b', { scheme: 'x', args: ['a', 'b'], kwargs: { k: 'v' } }],
    // Empty arguments are kept; parsers decide whether they are allowed.
    ['x::b:k=', { scheme: 'x', args: ['', 'b'], kwargs: { k: '' } }],
    ['x', { scheme: 'x', args: [], kwargs: {} }],
  ])('%s', (description, expected) => {
    expect(parts(description)).toEqual(expected);
  });

  it.each([
    ['', /it is empty/],
    [':8080', /no scheme before the first ":"/],
    ['port=80:tcp', /must start with a scheme/],
    ['tcp:8080\\', /lone backslash/],
    ['tcp:=x', /no keyword name/],
    ['tcp:port=1:port=2', /"port" is given more than once/],
  ])('rejects %j', (description, message) => {
    expect(() => parseEndpointDescription(description)).toThrow(EndpointDescriptionError);
    expect(() => parseEndpointDescription(description)).toThrow(message);
  });

  it('keeps keyword names such as __proto__ as plain keys', () => {
    const parsed = parseEndpointDescription('x:__proto__=1:constructor=2');
    expect(Object.keys(parsed.kwargs)).toEqual(['__proto__', 'constructor']);
    expect(parsed.kwargs['__proto__']).toBe('1');
  });
});

describe('quoteStringArgument / formatEndpointDescription', () => {
  it('escapes backslash, colon and equals', () => {
    expect(quoteStringArgument('a:b=c\\d')).toBe('a\\:b\\=c\\\\d');
    expect(
      formatEndpointDescription({ scheme: 'tcp6', args: ['80'], kwargs: { interface: '::1' } }),
    ).toBe('tcp6:80:interface=\\:\\:1');
  });

  // Any text, including the grammar's own metacharacters, survives quoting.
  const text = fc.string({ unit: fc.constantFrom('a', 'b', ':', '=', '\\', ' ', 'é', '😀') });
  const nonEmpty = text.filter((s) => s.length > 0);

  it('round-trips any scheme, positional and keyword arguments', () => {
    fc.assert(
      fc.property(
        nonEmpty,
        fc.array(text, { maxLength: 4 }),
        fc.dictionary(nonEmpty, text, { maxKeys: 4 }),
        (scheme, args, kwargs) => {
          const description = formatEndpointDescription({ scheme, args, kwargs });
          expect(parts(description)).toEqual({ scheme, args, kwargs: { ...kwargs } });
        },
      ),
    );
  });

  it('round-trips a single quoted argument in every position', () => {
    fc.assert(
      fc.property(text, (value) => {
        expect(parseEndpointDescription(`s:${quoteStringArgument(value)}`).args).toEqual([value]);
        expect(parseEndpointDescription(`s:k=${quoteStringArgument(value)}`).kwargs['k']).toBe(
          value,
        );
        if (value !== '')
          expect(
            Object.keys(parseEndpointDescription(`s:${quoteStringArgument(value)}=v`).kwargs),
          ).toEqual([value]);
      }),
    );
  });
});
