import fc from 'fast-check';

/** `bytes` cut at the given offsets (any order, duplicates and out-of-range ignored). */
export function splitAt(bytes: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const cuts = [...new Set(offsets.filter((o) => o > 0 && o < bytes.length))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    chunks.push(bytes.slice(start, cut));
    start = cut;
  }
  return chunks;
}

/** An arbitrary way to cut a stream of `length` bytes into chunks (including one byte each). */
export function splitPoints(length: number): fc.Arbitrary<number[]> {
  return fc.oneof(
    fc.array(fc.integer({ min: 0, max: length }), { maxLength: 20 }),
    fc.constant(Array.from({ length }, (_, i) => i)),
  );
}

/** Cut offsets for streams of up to ~150 bytes, when the exact length is not known up front. */
export const anyCuts: fc.Arbitrary<number[]> = fc.array(fc.nat({ max: 150 }), { maxLength: 40 });

export const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
export const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
