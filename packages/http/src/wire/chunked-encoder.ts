import type { HeaderPairs } from './serialize.js';
import { fieldLines } from './serialize.js';

const CRLF_BYTES = Buffer.from('\r\n', 'latin1');
const LAST_CHUNK_BYTES = Buffer.from('0\r\n\r\n', 'latin1');

/** The bytes that end a chunked body without trailers: "0\r\n\r\n". */
export const LAST_CHUNK: Uint8Array = LAST_CHUNK_BYTES;
/** CRLF, which follows each chunk's data. */
export const CHUNK_DATA_END: Uint8Array = CRLF_BYTES;

/** "1a2b\r\n": the size line that precedes `length` bytes of chunk data. */
export function chunkSizeLine(length: number): Uint8Array {
  return Buffer.from(`${length.toString(16)}\r\n`, 'latin1');
}

/**
 * One chunk as the pieces to hand to writeSequence(): size line, the data itself (not
 * copied), CRLF. An empty `data` gives no pieces — a zero-size chunk would end the body.
 */
export function encodeChunk(data: Uint8Array): Uint8Array[] {
  if (data.byteLength === 0) return [];
  return [chunkSizeLine(data.byteLength), data, CRLF_BYTES];
}

/** The last chunk, with trailer fields when given (validated like headers). */
export function encodeLastChunk(trailers?: HeaderPairs): Uint8Array {
  if (trailers === undefined) return LAST_CHUNK_BYTES;
  return Buffer.from(`0\r\n${fieldLines(trailers)}\r\n`, 'latin1');
}
