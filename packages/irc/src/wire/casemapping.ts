/**
 * IRC case mapping: which names are "the same" nickname or channel. The server announces it
 * in ISUPPORT CASEMAPPING; before that (and when it names a mapping we do not know) Modern IRC
 * says to assume rfc1459.
 *
 * - ascii: A–Z ↔ a–z only.
 * - rfc1459: also [ ] \ ~ ↔ { } | ^ (Scandinavian letters on old keyboards).
 * - strict-rfc1459: also [ ] \ ↔ { } |, but not ~ ↔ ^.
 */
export type CaseMapping = 'rfc1459' | 'strict-rfc1459' | 'ascii';

/** The case mapping a server that says nothing uses (Modern IRC, RFC 2812). */
export const DEFAULT_CASEMAPPING: CaseMapping = 'rfc1459';

/** Map an ISUPPORT CASEMAPPING value to a mapping we implement (unknown → rfc1459). */
export function toCaseMapping(value: string | undefined): CaseMapping {
  const name = value?.toLowerCase();
  return name === 'ascii' || name === 'strict-rfc1459' ? name : 'rfc1459';
}

function upperBound(mapping: CaseMapping): number {
  // The highest character code the mapping folds: 'Z', ']' or '~'.
  return mapping === 'ascii' ? 0x5a : mapping === 'strict-rfc1459' ? 0x5d : 0x7e;
}

function foldCode(c: number, mapping: CaseMapping): number {
  if (c >= 0x41 && c <= 0x5a) return c + 0x20; // A-Z
  if (mapping === 'ascii') return c;
  if (c >= 0x5b && c <= 0x5d) return c + 0x20; // [\] → {|}
  if (c === 0x7e && mapping === 'rfc1459') return 0x5e; // ~ → ^
  return c;
}

/** Lower-case `s` under `mapping` (the form names are compared and stored in). */
export function lowerIRC(s: string, mapping: CaseMapping = DEFAULT_CASEMAPPING): string {
  const bound = upperBound(mapping);
  let i = 0;
  // Fast path: most names are already folded; only build a new string when needed.
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= bound && foldCode(c, mapping) !== c) break;
  }
  if (i === s.length) return s;
  let out = s.slice(0, i);
  for (; i < s.length; i++) out += String.fromCharCode(foldCode(s.charCodeAt(i), mapping));
  return out;
}

/** True when `a` and `b` name the same nick or channel under `mapping`. */
export function ircEquals(
  a: string,
  b: string,
  mapping: CaseMapping = DEFAULT_CASEMAPPING,
): boolean {
  return a.length === b.length && lowerIRC(a, mapping) === lowerIRC(b, mapping);
}

/**
 * A Map keyed by IRC names: lookups ignore case under the mapping, and iteration gives each
 * name as it was last set (the spelling users see). Change the mapping with setCaseMapping
 * when ISUPPORT arrives; entries that then collide keep the one set last.
 */
export class IRCMap<V> implements Iterable<[string, V]> {
  private entriesByFolded = new Map<string, { name: string; value: V }>();
  private mapping: CaseMapping;

  constructor(
    mapping: CaseMapping = DEFAULT_CASEMAPPING,
    entries?: Iterable<readonly [string, V]>,
  ) {
    this.mapping = mapping;
    if (entries !== undefined) for (const [name, value] of entries) this.set(name, value);
  }

  get caseMapping(): CaseMapping {
    return this.mapping;
  }

  get size(): number {
    return this.entriesByFolded.size;
  }

  /** Refold every key under a new mapping. */
  setCaseMapping(mapping: CaseMapping): void {
    if (mapping === this.mapping) return;
    const old = this.entriesByFolded;
    this.mapping = mapping;
    this.entriesByFolded = new Map();
    for (const entry of old.values())
      this.entriesByFolded.set(lowerIRC(entry.name, mapping), entry);
  }

  /** The folded form of a name under this map's mapping. */
  fold(name: string): string {
    return lowerIRC(name, this.mapping);
  }

  get(name: string): V | undefined {
    return this.entriesByFolded.get(this.fold(name))?.value;
  }

  has(name: string): boolean {
    return this.entriesByFolded.has(this.fold(name));
  }

  /** The spelling a name was stored under, or undefined. */
  originalName(name: string): string | undefined {
    return this.entriesByFolded.get(this.fold(name))?.name;
  }

  /** Set a value; the stored spelling becomes `name`. */
  set(name: string, value: V): this {
    this.entriesByFolded.set(this.fold(name), { name, value });
    return this;
  }

  delete(name: string): boolean {
    return this.entriesByFolded.delete(this.fold(name));
  }

  /**
   * Move an entry to a new name (a NICK change), keeping its value; false when `from` is
   * absent. A case-only change ("nick" → "Nick") just updates the spelling.
   */
  rename(from: string, to: string): boolean {
    const key = this.fold(from);
    const entry = this.entriesByFolded.get(key);
    if (entry === undefined) return false;
    this.entriesByFolded.delete(key);
    this.entriesByFolded.set(this.fold(to), { name: to, value: entry.value });
    return true;
  }

  clear(): void {
    this.entriesByFolded.clear();
  }

  *keys(): IterableIterator<string> {
    for (const entry of this.entriesByFolded.values()) yield entry.name;
  }

  *values(): IterableIterator<V> {
    for (const entry of this.entriesByFolded.values()) yield entry.value;
  }

  *entries(): IterableIterator<[string, V]> {
    for (const entry of this.entriesByFolded.values()) yield [entry.name, entry.value];
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }

  forEach(fn: (value: V, name: string, map: this) => void): void {
    for (const entry of this.entriesByFolded.values()) fn(entry.value, entry.name, this);
  }
}
