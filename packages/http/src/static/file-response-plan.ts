/**
 * What to answer for a GET or HEAD of a regular file, decided from the request headers and the
 * file's facts alone: status, response headers, and the pieces of the body. Pure, so every
 * combination of conditionals, ranges and Accept-Encoding is testable without a file or socket.
 *
 * The order follows RFC 9110: choose the representation (identity or gzip) first, because its
 * ETag is what conditionals compare; then preconditions (§13.2.2); then Range (§14.2).
 */
import type { IHeaders } from '../interfaces.js';
import { formatHTTPDate } from '../wire/http-date.js';
import { acceptsGzip } from './accept-encoding.js';
import { layoutByteRanges } from './byteranges.js';
import { evaluatePreconditions } from './conditional.js';
import { fileETag, formatETag, variantETag } from './etag.js';
import type { BodyPiece } from './static-producer.js';
import {
  decideRange,
  formatContentRange,
  formatUnsatisfiedContentRange,
  rangeLength,
} from './range.js';

export interface FileResponseFacts {
  readonly method: string;
  readonly requestHeaders: IHeaders;
  readonly size: number;
  readonly mtimeMs: number;
  /** Nanosecond mtime for the ETag (falls back to mtimeMs). */
  readonly mtimeNs?: bigint;
  /** Inode for the ETag, or undefined to leave it out. */
  readonly inode?: bigint | number | undefined;
  /** The full Content-Type, charset included. */
  readonly contentType: string;
  readonly compressible: boolean;
  /** The server's clock, epoch milliseconds. */
  readonly now: number;
  readonly options: {
    readonly gzip: boolean;
    readonly gzipMinSize: number;
    readonly maxRanges: number;
    readonly cacheControl: string | null;
  };
  /** The multipart boundary to use (tests pass one; default random). */
  readonly boundary?: string;
}

type Headers = readonly (readonly [string, string])[];

export type FileResponsePlan =
  /** Stream `pieces` (unless HEAD); `gzip` compresses them on the way. */
  | {
      readonly kind: 'body';
      readonly status: 200 | 206;
      readonly headers: Headers;
      readonly pieces: readonly BodyPiece[];
      readonly gzip: boolean;
    }
  /** 304: headers only, never a body. */
  | { readonly kind: 'empty'; readonly status: 304; readonly headers: Headers }
  /** 412 or 416 with a short text body. */
  | {
      readonly kind: 'page';
      readonly status: 412 | 416;
      readonly headers: Headers;
      readonly body: Uint8Array;
    };

const encoder = new TextEncoder();

export function planFileResponse(facts: FileResponseFacts): FileResponsePlan {
  const { requestHeaders: headers, options, size } = facts;
  const rangeValues = headers.getRawHeaders('range');
  const rangeHeader = rangeValues.length === 1 ? rangeValues[0]! : null;
  // gzip only pays for compressible types above a minimum size; and never when the client asks
  // for a range, since ranges count bytes of the identity representation.
  const gzipEligible = options.gzip && facts.compressible && size >= options.gzipMinSize;
  const useGzip =
    gzipEligible &&
    rangeValues.length === 0 &&
    acceptsGzip(headers.getRawHeaders('accept-encoding'));

  const baseTag = fileETag({
    size,
    mtime: facts.mtimeNs ?? BigInt(Math.floor(facts.mtimeMs)),
    ...(facts.inode === undefined ? {} : { inode: facts.inode }),
  });
  // The gzip bytes are a different representation and must not share a strong ETag (a cache
  // would otherwise combine ranges of one with the other).
  const etag = useGzip ? variantETag(baseTag, 'gzip') : baseTag;
  const validatorHeaders: [string, string][] = [
    ['ETag', formatETag(etag)],
    ['Last-Modified', formatHTTPDate(facts.mtimeMs)],
  ];
  if (options.cacheControl !== null) validatorHeaders.push(['Cache-Control', options.cacheControl]);
  // Caches must key on Accept-Encoding whenever the answer could have gone either way.
  if (gzipEligible) validatorHeaders.push(['Vary', 'Accept-Encoding']);

  const outcome = evaluatePreconditions(
    {
      method: facts.method,
      ifMatch: headers.getRawHeaders('if-match'),
      ifNoneMatch: headers.getRawHeaders('if-none-match'),
      ifModifiedSince: headers.getRawHeaders('if-modified-since'),
      ifUnmodifiedSince: headers.getRawHeaders('if-unmodified-since'),
      ifRange: headers.getRawHeaders('if-range'),
      // Several Range lines are not a valid single field: ignore them all.
      hasRange: rangeHeader !== null,
    },
    { etag, lastModified: facts.mtimeMs, now: facts.now },
  );
  if (outcome.kind === 'not-modified') {
    return { kind: 'empty', status: 304, headers: validatorHeaders };
  }
  if (outcome.kind === 'precondition-failed') {
    return textPage(412, 'Precondition Failed\n', []);
  }

  const common: [string, string][] = [['Accept-Ranges', 'bytes'], ...validatorHeaders];
  const range = outcome.useRange
    ? decideRange(rangeHeader, size, { maxRanges: options.maxRanges })
    : null;
  if (range?.kind === 'unsatisfiable') {
    return textPage(416, 'Range Not Satisfiable\n', [
      ['Accept-Ranges', 'bytes'],
      ['Content-Range', formatUnsatisfiedContentRange(size)],
    ]);
  }
  if (range?.kind === 'satisfiable') {
    const [only] = range.ranges;
    if (range.ranges.length === 1 && only !== undefined) {
      return {
        kind: 'body',
        status: 206,
        headers: [
          ...common,
          ['Content-Type', facts.contentType],
          ['Content-Range', formatContentRange(only, size)],
          ['Content-Length', String(rangeLength(only))],
        ],
        pieces: [{ kind: 'file', start: only.start, end: only.end }],
        gzip: false,
      };
    }
    const layout = layoutByteRanges(range.ranges, size, facts.contentType, facts.boundary);
    const pieces: BodyPiece[] = [];
    for (const part of layout.parts) {
      pieces.push({ kind: 'bytes', data: part.head });
      pieces.push({ kind: 'file', start: part.range.start, end: part.range.end });
    }
    pieces.push({ kind: 'bytes', data: layout.tail });
    return {
      kind: 'body',
      status: 206,
      headers: [
        ...common,
        ['Content-Type', layout.contentType],
        ['Content-Length', String(layout.contentLength)],
      ],
      pieces,
      gzip: false,
    };
  }

  const whole: BodyPiece[] = size > 0 ? [{ kind: 'file', start: 0, end: size - 1 }] : [];
  const entityHeaders: [string, string][] = useGzip
    ? [['Content-Encoding', 'gzip']]
    : [['Content-Length', String(size)]];
  return {
    kind: 'body',
    status: 200,
    headers: [...common, ['Content-Type', facts.contentType], ...entityHeaders],
    pieces: whole,
    gzip: useGzip,
  };
}

function textPage(status: 412 | 416, text: string, headers: [string, string][]): FileResponsePlan {
  const body = encoder.encode(text);
  return {
    kind: 'page',
    status,
    headers: [
      ...headers,
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Length', String(body.length)],
    ],
    body,
  };
}
