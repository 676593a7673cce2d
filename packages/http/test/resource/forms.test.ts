import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormParseError } from '../../src/resource/form-errors.js';
import { parseFormBody, formEncodingOf } from '../../src/resource/forms.js';
import { parseParameterizedValue } from '../../src/resource/header-params.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const URLENCODED = 'application/x-www-form-urlencoded';

function multipartBody(boundary: string, parts: string[]): Uint8Array {
  return text(parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('') + `--${boundary}--\r\n`);
}

function expectFormError(fn: () => unknown, status: 400 | 413): FormParseError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(FormParseError);
    expect((error as FormParseError).status).toBe(status);
    return error as FormParseError;
  }
  throw new Error('expected a FormParseError');
}

describe('urlencoded', () => {
  it('parses pairs, blanks, "+" and UTF-8 escapes', () => {
    const form = parseFormBody(URLENCODED, text('a=1&b=&c&a=2&d=x+y%2By&e=%E2%82%AC&&'))!;
    expect(Object.fromEntries(form.args)).toEqual({
      a: ['1', '2'],
      b: [''],
      c: [''],
      d: ['x y+y'],
      e: ['€'],
    });
    expect(form.files.size).toBe(0);
  });

  it('appends to existing (query) arguments', () => {
    const into = { args: new Map([['a', ['query']]]), files: new Map() };
    parseFormBody(`${URLENCODED}; charset=UTF-8`, text('a=body'), {}, into);
    expect(into.args.get('a')).toEqual(['query', 'body']);
  });

  it('answers 413 past maxFields and maxFieldSize', () => {
    expectFormError(() => parseFormBody(URLENCODED, text('a=1&b=2&c=3'), { maxFields: 2 }), 413);
    expectFormError(() => parseFormBody(URLENCODED, text('a=12345'), { maxFieldSize: 4 }), 413);
    expect(parseFormBody(URLENCODED, text('a=1234'), { maxFieldSize: 4 })!.args.get('a')).toEqual([
      '1234',
    ]);
  });

  it('returns null for bodies that are not forms', () => {
    expect(parseFormBody('application/json', text('{}'))).toBeNull();
    expect(parseFormBody(null, text('a=1'))).toBeNull();
    expect(formEncodingOf('Multipart/Form-Data; boundary=x')).toBe('multipart');
  });
});

describe('multipart/form-data', () => {
  const boundary = '----WebKitFormBoundary7MA4YWxkTrZu0gW';
  const contentType = `multipart/form-data; boundary=${boundary}`;

  it('parses fields and files', () => {
    const body = multipartBody(boundary, [
      'Content-Disposition: form-data; name="title"\r\n\r\nHello, €',
      'Content-Disposition: form-data; name="upload"; filename="a b.txt"\r\nContent-Type: text/plain\r\n\r\nline1\r\nline2',
      'Content-Disposition: form-data; name="upload"; filename="raw.bin"\r\n\r\n\x00\x01',
      'Content-Disposition: form-data; name="empty"\r\n\r\n',
    ]);
    const form = parseFormBody(contentType, body)!;
    expect(Object.fromEntries(form.args)).toEqual({ title: ['Hello, €'], empty: [''] });
    const uploads = form.files.get('upload')!;
    expect(uploads.map((f) => [f.filename, f.contentType])).toEqual([
      ['a b.txt', 'text/plain'],
      ['raw.bin', 'application/octet-stream'],
    ]);
    expect(Buffer.from(uploads[0]!.data).toString()).toBe('line1\r\nline2');
    expect([...uploads[1]!.data]).toEqual([0, 1]);
  });

  it('handles a preamble, an epilogue, transport padding and a quoted boundary', () => {
    const body = text(
      'preamble to ignore\r\n--xyz \t\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--xyz--\r\nepilogue',
    );
    const form = parseFormBody('multipart/form-data; boundary="xyz"', body)!;
    expect(form.args.get('a')).toEqual(['1']);
  });

  it('prefers filename* and keeps backslashes of old browsers', () => {
    const body = multipartBody('b', [
      `Content-Disposition: form-data; name="f"; filename="fallback.txt"; filename*=UTF-8''%E2%82%AC%20rates.txt\r\n\r\nx`,
      'Content-Disposition: form-data; name="g"; filename="C:\\dir\\a.txt"\r\n\r\ny',
      'Content-Disposition: form-data; name="h"; filename="quote\\"d.txt"\r\n\r\nz',
    ]);
    const form = parseFormBody('multipart/form-data; boundary=b', body)!;
    expect(form.files.get('f')![0]!.filename).toBe('€ rates.txt');
    expect(form.files.get('g')![0]!.filename).toBe('C:\\dir\\a.txt');
    expect(form.files.get('h')![0]!.filename).toBe('quote"d.txt');
  });

  it('skips parts that are not named form-data', () => {
    const body = multipartBody('b', [
      'Content-Disposition: attachment; name="x"\r\n\r\n1',
      'Content-Type: text/plain\r\n\r\n2',
      '\r\nno headers at all',
      'Content-Disposition: form-data; name="ok"\r\n\r\n3',
    ]);
    expect(
      Object.fromEntries(parseFormBody('multipart/form-data; boundary=b', body)!.args),
    ).toEqual({ ok: ['3'] });
  });

  it('answers 400 for malformed bodies', () => {
    const ct = 'multipart/form-data; boundary=b';
    expectFormError(() => parseFormBody('multipart/form-data', text('--b--')), 400);
    expectFormError(() => parseFormBody(ct, text('no delimiter here')), 400);
    expectFormError(
      () =>
        parseFormBody(
          ct,
          text('--b\r\nContent-Disposition: form-data; name=a\r\n\r\nunterminated'),
        ),
      400,
    );
    expectFormError(() => parseFormBody(ct, text('--bXYZ\r\n')), 400);
    expectFormError(() => parseFormBody(ct, text('--b\r\nContent-Disposition: form-data')), 400);
  });

  it('answers 413 past each limit', () => {
    const ct = 'multipart/form-data; boundary=b';
    const field = (name: string, value: string) =>
      `Content-Disposition: form-data; name="${name}"\r\n\r\n${value}`;
    const file = (name: string, value: string) =>
      `Content-Disposition: form-data; name="${name}"; filename="f"\r\n\r\n${value}`;
    expectFormError(
      () =>
        parseFormBody(ct, multipartBody('b', [field('a', '1'), field('b', '2')]), { maxFields: 1 }),
      413,
    );
    expectFormError(
      () => parseFormBody(ct, multipartBody('b', [field('a', '12345')]), { maxFieldSize: 4 }),
      413,
    );
    expectFormError(
      () =>
        parseFormBody(ct, multipartBody('b', [file('a', '1'), file('b', '2')]), { maxFiles: 1 }),
      413,
    );
    expectFormError(
      () => parseFormBody(ct, multipartBody('b', [file('a', '12345')]), { maxFileSize: 4 }),
      413,
    );
    expectFormError(
      () => parseFormBody(ct, multipartBody('b', ['\r\n', '\r\n', '\r\n']), { maxParts: 2 }),
      413,
    );
    const bigHeader = `Content-Disposition: form-data; name="a"\r\nX-Pad: ${'p'.repeat(100)}\r\n\r\nv`;
    const error = expectFormError(
      () => parseFormBody(ct, multipartBody('b', [bigHeader]), { maxPartHeaderBytes: 64 }),
      413,
    );
    expect(error.code).toBe('TW_HTTP_FORM_TOO_LARGE');
    expect(error.message).toContain('maxPartHeaderBytes');
  });

  it('round-trips arbitrary fields and binary files', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !/["\\\r\n]/.test(s)),
            fc.string(),
          ),
          { maxLength: 5 },
        ),
        fc.uint8Array({ maxLength: 64 }),
        (fields, fileBytes) => {
          const boundary = 'tw-boundary-0123456789';
          const chunks: Uint8Array[] = [];
          for (const [name, value] of fields) {
            chunks.push(
              text(
                `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
              ),
            );
          }
          chunks.push(
            text(
              `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.bin"\r\n\r\n`,
            ),
            fileBytes,
            text(`\r\n--${boundary}--\r\n`),
          );
          const form = parseFormBody(
            `multipart/form-data; boundary=${boundary}`,
            Buffer.concat(chunks),
          )!;
          const expected = new Map<string, string[]>();
          for (const [name, value] of fields)
            expected.set(name, [...(expected.get(name) ?? []), value]);
          expect(form.args).toEqual(expected);
          expect([...form.files.get('file')![0]!.data]).toEqual([...fileBytes]);
        },
      ),
    );
  });
});

describe('parseParameterizedValue', () => {
  it('splits value and parameters', () => {
    const parsed = parseParameterizedValue('Form-Data; name="a;b"; filename=plain ; x');
    expect(parsed.value).toBe('form-data');
    expect(Object.fromEntries(parsed.params)).toEqual({ name: 'a;b', filename: 'plain' });
  });
});
