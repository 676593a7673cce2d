/**
 * The Sec-WebSocket-Extensions header grammar (RFC 6455 §9.1):
 *
 *   extension-list = 1#extension
 *   extension      = token *( ";" param )
 *   param          = token [ "=" ( token / quoted-string ) ]
 */

/** One extension with its parameters; a parameter without a value maps to `true`. */
export interface ExtensionOffer {
  readonly name: string;
  /** In order; a duplicated name appears twice (permessage-deflate must decline those). */
  readonly params: ReadonlyArray<readonly [name: string, value: string | true]>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Parse every Sec-WebSocket-Extensions header value (headers repeat; each may list several
 * extensions). Returns null when the syntax is broken — the caller answers 400 or fails.
 */
export function parseExtensionHeader(values: readonly string[]): ExtensionOffer[] | null {
  const offers: ExtensionOffer[] = [];
  for (const value of values) {
    for (const item of splitOutsideQuotes(value, ',')) {
      if (item.trim() === '') continue;
      const [nameRaw, ...paramParts] = splitOutsideQuotes(item, ';');
      const name = (nameRaw ?? '').trim();
      if (!TOKEN.test(name)) return null;
      const params: Array<readonly [string, string | true]> = [];
      for (const part of paramParts) {
        const equals = part.indexOf('=');
        const key = (equals === -1 ? part : part.slice(0, equals)).trim();
        if (!TOKEN.test(key)) return null;
        if (equals === -1) {
          params.push([key, true]);
          continue;
        }
        let raw = part.slice(equals + 1).trim();
        if (raw.startsWith('"')) {
          if (raw.length < 2 || !raw.endsWith('"')) return null;
          raw = raw.slice(1, -1).replace(/\\(.)/g, '$1');
        }
        // RFC 6455 §9.1: a quoted value must still be a token once unquoted.
        if (!TOKEN.test(raw)) return null;
        params.push([key, raw]);
      }
      offers.push({ name: name.toLowerCase(), params });
    }
  }
  return offers;
}

/** Serialise one extension for a Sec-WebSocket-Extensions header. */
export function formatExtension(offer: ExtensionOffer): string {
  return [
    offer.name,
    ...offer.params.map(([key, value]) => (value === true ? key : `${key}=${value}`)),
  ].join('; ');
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted && char === '\\' && i + 1 < text.length) {
      current += char + text[i + 1]!;
      i++;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === separator && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}
