/** Parse a multipart/byteranges body back into its parts (a test helper, strict about framing). */
export interface ParsedPart {
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export function boundaryOf(contentType: string | null): string {
  const match = /^multipart\/byteranges; boundary=([^;\s]+)$/.exec(contentType ?? '');
  if (match === null) throw new Error(`not multipart/byteranges: ${contentType}`);
  return match[1]!;
}

export function parseByteRanges(body: Buffer, boundary: string): ParsedPart[] {
  const text = body.toString('latin1');
  const delimiter = `\r\n--${boundary}`;
  const close = `${delimiter}--\r\n`;
  if (!text.endsWith(close)) throw new Error('missing close delimiter');
  const pieces = text.slice(0, -close.length).split(delimiter);
  if (pieces.shift() !== '') throw new Error('unexpected preamble');
  return pieces.map((piece) => {
    if (!piece.startsWith('\r\n')) throw new Error('delimiter not followed by CRLF');
    const end = piece.indexOf('\r\n\r\n');
    const headers: Record<string, string> = {};
    for (const line of piece.slice(2, end).split('\r\n')) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    return { headers, body: Buffer.from(piece.slice(end + 4), 'latin1') };
  });
}
