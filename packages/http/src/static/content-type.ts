/**
 * Content types by file extension (the mime-types package over mime-db), with a charset for
 * text types, and whether a type is worth compressing (mime-db's `compressible` flag).
 */
import mimeDb from 'mime-db';
import mime from 'mime-types';

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/**
 * The Content-Type for a file name: an override by extension first (keys with or without the
 * dot, compared in lower case), then mime-types' table, then `defaultType`. Text types get
 * `; charset=utf-8` unless the override already names a charset.
 */
export function contentTypeFor(
  fileName: string,
  overrides: Readonly<Record<string, string>> = {},
  defaultType: string = DEFAULT_CONTENT_TYPE,
): string {
  const dot = fileName.lastIndexOf('.');
  const extension = dot < 0 ? '' : fileName.slice(dot + 1).toLowerCase();
  const override =
    extension === '' ? undefined : (overrides[extension] ?? overrides[`.${extension}`]);
  const type = override ?? (mime.lookup(fileName) || defaultType);
  if (/;\s*charset=/i.test(type)) return type;
  return mime.contentType(type) || type;
}

/**
 * Whether compressing a body of this type pays: text, JSON, XML, SVG, JavaScript — yes;
 * images, video, archives, application/octet-stream — no. Unknown `text/*` types
 * and `+json`/`+xml` suffixes count as compressible.
 */
export function isCompressibleType(contentType: string): boolean {
  const essence = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  // mime-db marks octet-stream compressible, but for a file server it means "unknown bytes" —
  // installers, archives, disk images — which are mostly compressed already.
  if (essence === DEFAULT_CONTENT_TYPE) return false;
  const entry = mimeDb[essence];
  if (entry?.compressible !== undefined) return entry.compressible;
  return essence.startsWith('text/') || /\+(json|xml|text)$/.test(essence);
}
