import { describe, expect, it } from 'vitest';

import { layoutByteRanges, makeBoundary } from '../../src/static/byteranges.js';

describe('layoutByteRanges', () => {
  it('frames each part and counts the exact length', () => {
    const layout = layoutByteRanges(
      [
        { start: 0, end: 1 },
        { start: 8, end: 9 },
      ],
      10,
      'text/plain',
      'BOUNDARY',
    );
    expect(layout.contentType).toBe('multipart/byteranges; boundary=BOUNDARY');
    const content = '0123456789';
    const body =
      Buffer.from(layout.parts[0]!.head).toString('latin1') +
      content.slice(0, 2) +
      Buffer.from(layout.parts[1]!.head).toString('latin1') +
      content.slice(8, 10) +
      Buffer.from(layout.tail).toString('latin1');
    expect(body).toBe(
      '\r\n--BOUNDARY\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/10\r\n\r\n01' +
        '\r\n--BOUNDARY\r\nContent-Type: text/plain\r\nContent-Range: bytes 8-9/10\r\n\r\n89' +
        '\r\n--BOUNDARY--\r\n',
    );
    expect(layout.contentLength).toBe(Buffer.byteLength(body, 'latin1'));
  });
  it('makes boundaries that differ and need no quoting', () => {
    const a = makeBoundary();
    expect(a).toMatch(/^[0-9a-f]{48}$/);
    expect(makeBoundary()).not.toBe(a);
  });
});
