import { randomFillSync } from 'node:crypto';

/**
 * XOR `source[start..end)` with the 4-byte `mask`, as if the mask started repeating `maskOffset`
 * bytes before `start` (so a payload unmasked across several TCP chunks continues where it
 * stopped), writing into `target` at `targetStart`. `target` may be `source` (in place).
 *
 * The bulk of the work is done 4 bytes at a time through a Uint32Array view: the head up to the
 * target's 4-byte alignment is done bytewise, the mask is rotated by the head's length, and the
 * tail is bytewise again. On a 64 KiB payload that is several times faster than a byte loop.
 */
export function applyMask(
  source: Uint8Array,
  mask: Uint8Array,
  maskOffset: number,
  target: Uint8Array,
  targetStart = 0,
  start = 0,
  end = source.length,
): void {
  const length = end - start;
  let offset = maskOffset & 3;
  let i = 0;
  // Bytewise until the target position is 4-byte aligned in its ArrayBuffer, then by words.
  const targetAddress = target.byteOffset + targetStart;
  let sourceAddress = source.byteOffset + start;
  if (length >= 16 && (targetAddress & 3) !== (sourceAddress & 3)) {
    // Different alignments: copy first (a memcpy), then XOR the target in place, aligned.
    target.set(source.subarray(start, end), targetStart);
    source = target;
    start = targetStart;
    sourceAddress = targetAddress;
  }
  if (length >= 16) {
    const head = (4 - (targetAddress & 3)) & 3;
    for (; i < head; i++) {
      target[targetStart + i] = source[start + i]! ^ mask[offset]!;
      offset = (offset + 1) & 3;
    }
    const words = (length - head) >>> 2;
    if (words > 0) {
      const rotated = new Uint8Array(4);
      for (let k = 0; k < 4; k++) rotated[k] = mask[(offset + k) & 3]!;
      const maskWord = new Uint32Array(rotated.buffer)[0]!;
      const sourceWords = new Uint32Array(source.buffer, sourceAddress + head, words);
      const targetWords = new Uint32Array(target.buffer, targetAddress + head, words);
      for (let w = 0; w < words; w++) targetWords[w] = sourceWords[w]! ^ maskWord;
      i += words * 4;
      // `offset` is unchanged: a whole number of 4-byte words keeps the mask phase.
    }
  }
  for (; i < length; i++) {
    target[targetStart + i] = source[start + i]! ^ mask[offset]!;
    offset = (offset + 1) & 3;
  }
}

/** XOR `data` with `mask` in place (masking and unmasking are the same operation). */
export function maskInPlace(data: Uint8Array, mask: Uint8Array, maskOffset = 0): void {
  applyMask(data, mask, maskOffset, data);
}

/**
 * Random masking keys (RFC 6455 §5.3 wants them unpredictable): drawn from a pool filled by the
 * CSPRNG 4 KiB at a time, so a client sending many small frames does not pay a system call each.
 */
export class MaskKeySource {
  private readonly pool = new Uint8Array(4096);
  private position = this.pool.length;

  /** The next 4-byte key (a fresh copy). */
  next(): Uint8Array {
    if (this.position + 4 > this.pool.length) {
      randomFillSync(this.pool);
      this.position = 0;
    }
    const key = this.pool.slice(this.position, this.position + 4);
    this.position += 4;
    return key;
  }
}
