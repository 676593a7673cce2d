import type { Failure } from '@tw/core';
import { Deferred, type IPushProducer } from '@tw/core';
import { BodyTooLargeError, ResponseDone } from './errors.js';
import type { IResponseBodyReceiver, Response } from './response.js';

export interface ReadBodyOptions {
  /** Fail with BodyTooLargeError past this many bytes (default 16 MiB). */
  readonly maxSize?: number;
}

/** readBody()'s default limit: bodies larger than this should be streamed with deliverBody(). */
export const DEFAULT_READ_BODY_MAX_SIZE = 16 * 1024 * 1024;

/**
 * The whole body of `response` as one Uint8Array (twisted.web.client.readBody). Fails with
 * BodyTooLargeError (and abandons the connection) once the body passes `maxSize`, with the
 * ResponseFailed the connection reported, or with CancelledError when cancelled.
 */
export function readBody(response: Response, options: ReadBodyOptions = {}): Deferred<Uint8Array> {
  const maxSize = options.maxSize ?? DEFAULT_READ_BODY_MAX_SIZE;
  let producer: IPushProducer | null = null;
  const result = new Deferred<Uint8Array>(() => producer?.stopProducing());
  const chunks: Uint8Array[] = [];
  let size = 0;
  const receiver: IResponseBodyReceiver = {
    makeConnection(p) {
      producer = p;
    },
    dataReceived(data) {
      if (result.called) return;
      size += data.byteLength;
      if (size > maxSize) {
        result.errback(new BodyTooLargeError(maxSize));
        producer?.stopProducing();
        return;
      }
      chunks.push(data);
    },
    connectionLost(reason: Failure) {
      if (result.called) return;
      if (reason.check(ResponseDone)) result.callback(concat(chunks, size));
      else result.errback(reason);
    },
  };
  response.deliverBody(receiver);
  return result;
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
