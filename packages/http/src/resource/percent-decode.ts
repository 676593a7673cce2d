const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Percent-decode `segment` as UTF-8, leaving malformed escapes in place: form fields (after
 * '+' → ' ') and RFC 8187 file names. Invalid UTF-8 becomes U+FFFD.
 */
export function percentDecode(segment: string): string {
  if (!segment.includes('%')) return segment;
  const bytes: number[] = [];
  for (let i = 0; i < segment.length;) {
    const c = segment.charCodeAt(i);
    if (c === 0x25 && i + 2 < segment.length && isHex(segment, i + 1) && isHex(segment, i + 2)) {
      bytes.push(parseInt(segment.slice(i + 1, i + 3), 16));
      i += 3;
      continue;
    }
    // Anything else is appended as its UTF-8 encoding (a request-target is ASCII on the wire,
    // but be safe with whatever the parser let through).
    const cp = segment.codePointAt(i)!;
    pushUTF8(bytes, cp);
    i += cp > 0xffff ? 2 : 1;
  }
  return utf8.decode(Uint8Array.from(bytes));
}

function isHex(text: string, index: number): boolean {
  const c = text.charCodeAt(index);
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function pushUTF8(out: number[], cp: number): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  else
    out.push(
      0xf0 | (cp >> 18),
      0x80 | ((cp >> 12) & 0x3f),
      0x80 | ((cp >> 6) & 0x3f),
      0x80 | (cp & 0x3f),
    );
}
