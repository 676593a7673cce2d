/**
 * Entity tags (RFC 9110 §8.8.3): making one for a file, formatting, and parsing the lists that
 * If-Match and If-None-Match carry, with the strong and weak comparisons of §8.8.3.2. Pure.
 */

/** An entity-tag: its opaque-tag (the quoted string, quotes included) and whether it is weak. */
export interface EntityTag {
  readonly weak: boolean;
  /** The opaque-tag with its double quotes, e.g. `"abc"`. */
  readonly opaque: string;
}

/** The facts about a file a strong validator is built from. */
export interface FileValidatorFacts {
  readonly size: number | bigint;
  /** Modification time in nanoseconds (fs.Stats with bigint: true) or milliseconds. */
  readonly mtime: number | bigint;
  readonly inode?: number | bigint;
}

/**
 * A strong ETag for a file from its inode, size and modification time, in hex:
 * `"ino-size-mtime"`. Any write that changes the bytes changes the size or the mtime (with
 * nanosecond mtimes, even two writes within one second do), and a replaced file changes inode.
 * Pass `inode: undefined` when several servers serve copies of the same tree and must agree.
 */
export function fileETag(facts: FileValidatorFacts): EntityTag {
  const parts: string[] = [];
  if (facts.inode !== undefined) parts.push(BigInt(facts.inode).toString(16));
  parts.push(BigInt(facts.size).toString(16));
  parts.push(BigInt(facts.mtime).toString(16));
  return { weak: false, opaque: `"${parts.join('-')}"` };
}

/** The ETag of another representation of the same resource, e.g. its gzip encoding. */
export function variantETag(tag: EntityTag, suffix: string): EntityTag {
  return { weak: tag.weak, opaque: `${tag.opaque.slice(0, -1)}-${suffix}"` };
}

/** `"abc"` or `W/"abc"`, as the ETag header carries it. */
export function formatETag(tag: EntityTag): string {
  return tag.weak ? `W/${tag.opaque}` : tag.opaque;
}

/** Parse one entity-tag (an ETag or If-Range value); null when it is not one. */
export function parseETag(value: string): EntityTag | null {
  const list = parseETagList(value);
  return list !== '*' && list !== null && list.length === 1 ? list[0]! : null;
}

/**
 * Parse `*` or a comma-separated list of entity-tags (If-Match, If-None-Match). Empty list
 * elements and whitespace around commas are allowed (§5.6.1). Returns null when the value is not
 * valid syntax: callers then treat it as matching nothing.
 */
export function parseETagList(value: string): '*' | readonly EntityTag[] | null {
  const text = value.trim();
  if (text === '*') return '*';
  const tags: EntityTag[] = [];
  let i = 0;
  const skipSpacesAndCommas = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === ',')) i++;
  };
  skipSpacesAndCommas();
  while (i < text.length) {
    let weak = false;
    if (text.startsWith('W/', i)) {
      weak = true;
      i += 2;
    }
    if (text[i] !== '"') return null;
    const close = text.indexOf('"', i + 1);
    if (close < 0) return null;
    const opaque = text.slice(i, close + 1);
    // etagc = %x21 / %x23-7E / obs-text: no spaces, no controls, no inner quotes.
    if (!/^"[\x21\x23-\x7e\x80-\xff]*"$/.test(opaque)) return null;
    tags.push({ weak, opaque });
    i = close + 1;
    // After a tag, only whitespace then a comma (or the end) may follow.
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
    if (i < text.length && text[i] !== ',') return null;
    skipSpacesAndCommas();
  }
  return tags.length === 0 ? null : tags;
}

/** Strong comparison (§8.8.3.2): both strong and the opaque-tags identical. */
export function strongMatch(a: EntityTag, b: EntityTag): boolean {
  return !a.weak && !b.weak && a.opaque === b.opaque;
}

/** Weak comparison (§8.8.3.2): the opaque-tags identical, weakness ignored. */
export function weakMatch(a: EntityTag, b: EntityTag): boolean {
  return a.opaque === b.opaque;
}
