/**
 * The path of a request-target: origin-form '/a/b?q' → '/a/b'; absolute-form
 * 'http://host/a?q' → '/a'; '*' and authority-form stay as they are.
 */
export function targetPath(target: string): string {
  let path = target;
  if (target.charCodeAt(0) !== 0x2f && target !== '*') {
    const scheme = target.indexOf('://');
    if (scheme > 0) {
      const slash = target.indexOf('/', scheme + 3);
      const query = target.indexOf('?', scheme + 3);
      if (slash < 0 || (query >= 0 && query < slash))
        path = '/' + (query >= 0 ? target.slice(query) : '');
      else path = target.slice(slash);
    }
  }
  const q = path.indexOf('?');
  return q < 0 ? path : path.slice(0, q);
}

/** The query string of a request-target without '?', or ''. */
export function targetQuery(target: string): string {
  const q = target.indexOf('?');
  if (q < 0) return '';
  const hash = target.indexOf('#', q);
  return hash < 0 ? target.slice(q + 1) : target.slice(q + 1, hash);
}

/** name → values from an application/x-www-form-urlencoded string (a query or a form body). */
export function parseQueryArgs(
  query: string,
  into: Map<string, string[]> = new Map(),
): Map<string, string[]> {
  if (query === '') return into;
  for (const [name, value] of new URLSearchParams(query)) {
    const values = into.get(name);
    if (values === undefined) into.set(name, [value]);
    else values.push(value);
  }
  return into;
}

/** Path segments after the leading '/', percent-decoded (a malformed escape is kept as sent). */
export function pathSegments(path: string): string[] {
  if (path.charCodeAt(0) !== 0x2f) return [];
  if (path.length === 1) return [''];
  const raw = path.slice(1).split('/');
  if (path.indexOf('%') < 0) return raw;
  for (let i = 0; i < raw.length; i++) {
    const segment = raw[i]!;
    if (segment.includes('%')) {
      try {
        raw[i] = decodeURIComponent(segment);
      } catch {
        // keep the raw segment: a resource can still 404 it
      }
    }
  }
  return raw;
}
