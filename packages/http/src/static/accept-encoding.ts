/**
 * Accept-Encoding (RFC 9110 §12.5.3), reduced to the one question a static file server asks:
 * may this response be gzip-encoded? Pure.
 */

/**
 * True when the client accepts gzip: `gzip` (or its alias `x-gzip`) listed with a non-zero
 * weight, or `*` with a non-zero weight and gzip not refused by name. Codings compare
 * case-insensitively; a malformed weight counts as refusal, so garbage never turns compression on.
 */
export function acceptsGzip(values: readonly string[]): boolean {
  let gzip: number | null = null;
  let star: number | null = null;
  for (const value of values) {
    for (const element of value.split(',')) {
      const [codingPart = '', ...params] = element.split(';');
      const coding = codingPart.trim().toLowerCase();
      if (coding === '') continue;
      const weight = qualityOf(params);
      if (coding === 'gzip' || coding === 'x-gzip') gzip = Math.max(gzip ?? 0, weight);
      else if (coding === '*') star = Math.max(star ?? 0, weight);
    }
  }
  if (gzip !== null) return gzip > 0;
  return star !== null && star > 0;
}

/** The `q` parameter of one list element (1 when absent, 0 when malformed). */
function qualityOf(params: readonly string[]): number {
  for (const param of params) {
    const [name = '', value = ''] = param.split('=');
    if (name.trim().toLowerCase() !== 'q') continue;
    const text = value.trim();
    // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
    if (!/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(text)) return 0;
    return Number(text);
  }
  return 1;
}
