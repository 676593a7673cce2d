/**
 * An incremental UTF-8 validator (RFC 3629) for text messages that arrive in fragments and TCP
 * chunks. It fails fast: `update()` returns false at the first byte that cannot continue any
 * valid sequence — an overlong form, a surrogate (U+D800–U+DFFF), a code point above U+10FFFF,
 * a stray continuation byte — so a connection is failed as soon as the bad byte arrives rather
 * than at the end of the message (what Autobahn's 6.4.x "fail fast" cases check).
 *
 * The state is the number of continuation bytes still expected and the range the next one must
 * fall in; the range narrows only after the lead bytes E0, ED, F0 and F4, which is exactly
 * where overlongs, surrogates and values above U+10FFFF hide.
 */
export class Utf8Validator {
  private needed = 0;
  private lower = 0x80;
  private upper = 0xbf;
  private failed = false;

  /** Feed the next bytes; false once the input is known to be invalid (and from then on). */
  update(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
    if (this.failed) return false;
    let needed = this.needed;
    let lower = this.lower;
    let upper = this.upper;
    for (let i = start; i < end; i++) {
      const byte = bytes[i]!;
      if (needed === 0) {
        if (byte < 0x80) continue;
        if (byte >= 0xc2 && byte <= 0xdf) {
          needed = 1;
        } else if (byte >= 0xe0 && byte <= 0xef) {
          needed = 2;
          if (byte === 0xe0) lower = 0xa0;
          else if (byte === 0xed) upper = 0x9f;
        } else if (byte >= 0xf0 && byte <= 0xf4) {
          needed = 3;
          if (byte === 0xf0) lower = 0x90;
          else if (byte === 0xf4) upper = 0x8f;
        } else {
          this.failed = true;
          return false;
        }
        continue;
      }
      if (byte < lower || byte > upper) {
        this.failed = true;
        return false;
      }
      lower = 0x80;
      upper = 0xbf;
      needed--;
    }
    this.needed = needed;
    this.lower = lower;
    this.upper = upper;
    return true;
  }

  /** True when everything fed so far is valid and ends on a character boundary. */
  isComplete(): boolean {
    return !this.failed && this.needed === 0;
  }

  /** Start over for the next message. */
  reset(): void {
    this.needed = 0;
    this.lower = 0x80;
    this.upper = 0xbf;
    this.failed = false;
  }
}

/** Whether `bytes` is one complete, valid UTF-8 text. */
export function isValidUtf8(bytes: Uint8Array): boolean {
  const validator = new Utf8Validator();
  return validator.update(bytes) && validator.isComplete();
}
