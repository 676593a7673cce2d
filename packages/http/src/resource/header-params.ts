/**
 * A header value of the form `type; name=value; name="quoted value"` (Content-Type,
 * Content-Disposition), split into its lower-cased leading token and its parameters.
 */
export interface ParameterizedValue {
  /** The part before the first ';', trimmed and lower-cased ('multipart/form-data'). */
  readonly value: string;
  /** Parameters by lower-cased name; the first occurrence of a repeated name wins. */
  readonly params: ReadonlyMap<string, string>;
}

/**
 * Parse a parameterized header value (RFC 9110 §5.6.6). Quoted strings may hold ';'. Inside
 * them a backslash escapes only '"' and '\\': browsers do not escape backslashes in file names
 * (WHATWG form encoding percent-encodes '"' instead), so 'C:\\dir\\a.txt' from an old browser
 * keeps its backslashes.
 */
export function parseParameterizedValue(header: string): ParameterizedValue {
  const params = new Map<string, string>();
  let i = header.indexOf(';');
  const value = (i < 0 ? header : header.slice(0, i)).trim().toLowerCase();
  if (i < 0) return { value, params };
  const n = header.length;
  while (i < n) {
    while (i < n && (header[i] === ';' || header[i] === ' ' || header[i] === '\t')) i++;
    if (i >= n) break;
    const nameStart = i;
    while (i < n && header[i] !== '=' && header[i] !== ';') i++;
    const name = header.slice(nameStart, i).trim().toLowerCase();
    if (i >= n || header[i] === ';') continue; // a parameter without a value: ignored
    i++; // '='
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
    let paramValue: string;
    if (header[i] === '"') {
      i++;
      let out = '';
      while (i < n && header[i] !== '"') {
        const next = header[i + 1];
        if (header[i] === '\\' && (next === '"' || next === '\\')) {
          out += next;
          i += 2;
        } else {
          out += header[i];
          i++;
        }
      }
      i++; // the closing quote (or past the end when it is missing)
      paramValue = out;
      while (i < n && header[i] !== ';') i++; // junk after a quoted string is ignored
    } else {
      const valueStart = i;
      while (i < n && header[i] !== ';') i++;
      paramValue = header.slice(valueStart, i).trim();
    }
    if (name !== '' && !params.has(name)) params.set(name, paramValue);
  }
  return { value, params };
}
