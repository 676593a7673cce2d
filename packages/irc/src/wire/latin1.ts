/**
 * ISO-8859-1 decoding. WHATWG TextDecoder maps the label 'latin1' to windows-1252, which turns
 * 0x80–0x9F into other characters; IRC's latin-1 fallback wants every byte as its own code
 * point, and the wire layer must run in browsers too (no Buffer), so it is done here.
 */
export function decodeLatin1(bytes: Uint8Array): string {
  let out = '';
  // Chunked so String.fromCharCode never receives more arguments than an engine allows.
  for (let i = 0; i < bytes.byteLength; i += 4096) {
    out += String.fromCharCode(...bytes.subarray(i, Math.min(i + 4096, bytes.byteLength)));
  }
  return out;
}
