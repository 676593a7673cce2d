import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NOT_DONE_YET,
  type IRequest,
  type IStreamingResource,
  type RenderResult,
} from '../../src/interfaces.js';
import { getUploadedFiles } from '../../src/resource/uploaded-files.js';
import { Resource } from '../../src/resource/resource.js';
import { siteHarness, utf8Body } from './site-harness.js';

/** Echoes args and files as JSON. */
class FormEcho extends Resource {
  override isLeaf = true;
  renders = 0;
  render_POST(request: IRequest): RenderResult {
    this.renders++;
    const files = [...getUploadedFiles(request)].map(([name, list]) => [
      name,
      list.map((f) => ({
        filename: f.filename,
        type: f.contentType,
        data: Buffer.from(f.data).toString('latin1'),
      })),
    ]);
    return JSON.stringify({
      args: Object.fromEntries(request.args),
      files: Object.fromEntries(files),
    });
  }
}

const BOUNDARY = '----tw-form-boundary';
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;

function multipart(
  parts: { name: string; value: string; filename?: string; type?: string }[],
): Buffer {
  let body = '';
  for (const part of parts) {
    body += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) body += `; filename="${part.filename}"`;
    body += '\r\n';
    if (part.type !== undefined) body += `Content-Type: ${part.type}\r\n`;
    body += `\r\n${part.value}\r\n`;
  }
  return Buffer.from(body + `--${BOUNDARY}--\r\n`, 'latin1');
}

describe('Site form parsing', () => {
  it('parses an urlencoded body into request.args after the query arguments', () => {
    const response = siteHarness(new FormEcho()).request(
      'POST',
      '/?a=query&q=1',
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      'a=body&name=J%C3%BCrgen+M',
    );
    expect(response.status).toBe(200);
    expect(JSON.parse(utf8Body(response))).toEqual({
      args: { a: ['query', 'body'], q: ['1'], name: ['Jürgen M'] },
      files: {},
    });
  });

  it('parses multipart fields into args and files into getUploadedFiles()', () => {
    const body = multipart([
      { name: 'title', value: 'report' },
      {
        name: 'doc',
        value: 'file\r\nbytes\x00\xff',
        filename: 'r.bin',
        type: 'application/x-thing',
      },
    ]);
    const response = siteHarness(new FormEcho()).request(
      'POST',
      '/',
      { 'Content-Type': MULTIPART },
      body,
    );
    expect(JSON.parse(utf8Body(response))).toEqual({
      args: { title: ['report'] },
      files: {
        doc: [{ filename: 'r.bin', type: 'application/x-thing', data: 'file\r\nbytes\x00\xff' }],
      },
    });
  });

  it('gives the same result however the request is split into reads', () => {
    const body = multipart([
      { name: 'a', value: 'one' },
      { name: 'f', value: 'x'.repeat(50), filename: 'f.txt' },
    ]);
    const raw = Buffer.concat([
      Buffer.from(
        `POST / HTTP/1.1\r\nHost: t\r\nContent-Type: ${MULTIPART}\r\nContent-Length: ${body.length}\r\n\r\n`,
        'latin1',
      ),
      body,
    ]);
    const expected = siteHarness(new FormEcho()).exchange(raw)[0]!.body;
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: raw.length - 1 }), { maxLength: 8 }),
        (splits) => {
          const [response] = siteHarness(new FormEcho()).exchange(raw, {
            splits: splits.sort((x, y) => x - y),
          });
          expect(response!.body).toBe(expected);
        },
      ),
      { numRuns: 50 },
    );
  });

  it.each([
    [
      'maxFields',
      { maxFields: 1 },
      multipart([
        { name: 'a', value: '1' },
        { name: 'b', value: '2' },
      ]),
    ],
    ['maxFieldSize', { maxFieldSize: 3 }, multipart([{ name: 'a', value: '1234' }])],
    [
      'maxFiles',
      { maxFiles: 1 },
      multipart([
        { name: 'a', value: '1', filename: 'a' },
        { name: 'b', value: '2', filename: 'b' },
      ]),
    ],
    ['maxFileSize', { maxFileSize: 3 }, multipart([{ name: 'a', value: '1234', filename: 'a' }])],
    [
      'maxParts',
      { maxParts: 1 },
      multipart([
        { name: 'a', value: '1' },
        { name: 'b', value: '2' },
      ]),
    ],
  ])('answers 413 past %s and never renders the resource', (limit, formLimits, body) => {
    const echo = new FormEcho();
    const response = siteHarness(echo, { formLimits }).request(
      'POST',
      '/',
      { 'Content-Type': MULTIPART },
      body,
    );
    expect(response.status).toBe(413);
    expect(response.body).toContain(limit);
    expect(echo.renders).toBe(0);
  });

  it('answers 413 for too many urlencoded fields, 400 for a broken multipart body', () => {
    const harness = siteHarness(new FormEcho(), { formLimits: { maxFields: 2 } });
    expect(
      harness.request('POST', '/', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'a&b&c')
        .status,
    ).toBe(413);
    expect(
      harness.request('POST', '/', { 'Content-Type': MULTIPART }, `--${BOUNDARY}\r\n\r\nno end`)
        .status,
    ).toBe(400);
    expect(
      harness.request('POST', '/', { 'Content-Type': 'multipart/form-data' }, 'x').status,
    ).toBe(400);
  });

  it('keeps the connection usable after a 413 form', () => {
    const body = 'a&b&c';
    const raw =
      `POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}` +
      'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n';
    const responses = siteHarness(new FormEcho(), { formLimits: { maxFields: 2 } }).exchange(raw);
    expect(responses.map((r) => r.status)).toEqual([413, 200]);
  });

  it('answers 415 to a form body with a Content-Encoding, and accepts identity', () => {
    const echo = new FormEcho();
    const harness = siteHarness(echo);
    const refused = harness.request(
      'POST',
      '/',
      {
        'Content-Type': 'application/x-www-form-urlencoded',
        'Content-Encoding': 'gzip<script>',
      },
      'a=1',
    );
    expect(refused.status).toBe(415);
    expect(refused.headers['accept-encoding']).toBe('identity');
    expect(refused.body).toContain('gzip&lt;script&gt;');
    expect(echo.renders).toBe(0);
    const identity = harness.request(
      'POST',
      '/',
      { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Encoding': 'Identity' },
      'a=1',
    );
    expect(identity.status).toBe(200);
    expect(JSON.parse(identity.body)).toEqual({ args: { a: ['1'] }, files: {} });
  });

  it('hands traversal the resource itself: form parsing wraps nothing', () => {
    const echo = new FormEcho();
    const harness = siteHarness(echo);
    const seen: unknown[] = [];
    const getResourceFor = harness.site.getResourceFor.bind(harness.site);
    harness.site.getResourceFor = (request) => {
      const resource = getResourceFor(request);
      seen.push(resource);
      return resource;
    };
    harness.request('POST', '/', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'a=1');
    expect(seen).toEqual([echo]);
  });

  it('leaves other bodies and streaming resources alone', () => {
    const echo = new FormEcho();
    const json = siteHarness(echo).request(
      'POST',
      '/?x=1',
      { 'Content-Type': 'application/json' },
      '{"a":1}',
    );
    expect(JSON.parse(json.body)).toEqual({ args: { x: ['1'] }, files: {} });

    class Streamer extends Resource implements IStreamingResource {
      override isLeaf = true;
      readonly streamsRequestBody = true as const;
      render_POST(request: IRequest): RenderResult {
        const chunks: Uint8Array[] = [];
        const stream = request.bodyStream!;
        stream.onData = (chunk) => chunks.push(chunk);
        stream.onEnd = () => {
          request.write(`${request.args.size} args, ${Buffer.concat(chunks).toString()}`);
          request.finish();
        };
        return NOT_DONE_YET;
      }
    }
    const streamed = siteHarness(new Streamer()).request(
      'POST',
      '/',
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      'a=1&b=2',
    );
    expect(streamed.body).toBe('0 args, a=1&b=2');
  });
});
