import { describe, expect, it } from 'vitest';

import { acceptsGzip } from '../../src/static/accept-encoding.js';
import { contentTypeFor, isCompressibleType } from '../../src/static/content-type.js';

describe('acceptsGzip', () => {
  it.each([
    [['gzip'], true],
    [['GZIP'], true],
    [['x-gzip'], true],
    [['deflate, gzip;q=1.0, *;q=0.5'], true],
    [['br', 'gzip;q=0.001'], true],
    [['*'], true],
    [['gzip;q=0'], false],
    [['gzip;q=0.000'], false],
    [['*;q=0'], false],
    [['*, gzip;q=0'], false],
    [['identity'], false],
    [[], false],
    [['gzip;q=2'], false],
    [['gzip;q=abc'], false],
    [['br, deflate'], false],
  ])('%j → %s', (values, expected) => {
    expect(acceptsGzip(values)).toBe(expected);
  });
});

describe('contentTypeFor', () => {
  it('looks types up by extension, with a charset for text', () => {
    expect(contentTypeFor('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('A.PNG')).toBe('image/png');
    expect(contentTypeFor('app.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('data.json')).toBe('application/json; charset=utf-8');
  });
  it('falls back to the default type', () => {
    expect(contentTypeFor('README')).toBe('application/octet-stream');
    expect(contentTypeFor('x.unknownext')).toBe('application/octet-stream');
    expect(contentTypeFor('README', {}, 'text/plain')).toBe('text/plain; charset=utf-8');
  });
  it('prefers overrides, with or without the dot', () => {
    expect(contentTypeFor('a.md', { md: 'text/x-custom' })).toBe('text/x-custom; charset=utf-8');
    expect(contentTypeFor('a.bin', { '.bin': 'application/x-thing' })).toBe('application/x-thing');
    expect(contentTypeFor('a.txt', { txt: 'text/plain; charset=latin1' })).toBe(
      'text/plain; charset=latin1',
    );
  });
});

describe('isCompressibleType', () => {
  it.each([
    ['text/html; charset=utf-8', true],
    ['application/json', true],
    ['image/svg+xml', true],
    ['text/x-made-up', true],
    ['application/vnd.thing+json', true],
    ['image/png', false],
    ['application/gzip', false],
    ['video/mp4', false],
    ['application/octet-stream', false],
  ])('%s → %s', (type, expected) => {
    expect(isCompressibleType(type)).toBe(expected);
  });
});
