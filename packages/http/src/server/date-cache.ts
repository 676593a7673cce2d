let cachedSecond = -1;
let cachedLine = '';

/**
 * "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n" for now, formatted at most once per second: every
 * response needs one (RFC 9110 §6.6.1) and toUTCString() costs more than the rest of the head.
 */
export function dateHeaderLine(nowMs: number = Date.now()): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedLine = `Date: ${new Date(second * 1000).toUTCString()}\r\n`;
  }
  return cachedLine;
}
