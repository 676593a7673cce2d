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

function foldCode(c: number, mapping: CaseMapping): number {
  if (c >= 0x41 && c <= 0x5a) return c + 0x20; // A-Z
  if (mapping === 'ascii') return c;
  if (c >= 0x5b && c <= 0x5d) return c + 0x20; // [\] → {|}
  if (c === 0x7e && mapping === 'rfc1459') return 0x5e; // ~ → ^
  return c;
}

/** code → folded code for the ASCII range, one table per mapping (nothing above it folds). */
function foldTable(mapping: CaseMapping): Uint8Array {
  const table = new Uint8Array(0x80);
  for (let c = 0; c < 0x80; c++) table[c] = foldCode(c, mapping);
  return table;
}

const RFC1459_FOLDS = foldTable('rfc1459');
const STRICT_RFC1459_FOLDS = foldTable('strict-rfc1459');
const ASCII_FOLDS = foldTable('ascii');

/** Lower-case `s` under `mapping` (the form names are compared and stored in). */
export function lowerIRC(s: string, mapping: CaseMapping = DEFAULT_CASEMAPPING): string {
  // Folded for every nick and channel lookup, several times per message: a table, not a chain
  // of comparisons per character.
  const table =
    mapping === 'rfc1459'
      ? RFC1459_FOLDS
      : mapping === 'ascii'
        ? ASCII_FOLDS
        : STRICT_RFC1459_FOLDS;
  let i = 0;
  // Fast path: most names are already folded; only build a new string when needed.
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80 && table[c] !== c) break;
  }
  if (i === s.length) return s;
  let out = s.slice(0, i);
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += String.fromCharCode(c < 0x80 ? table[c]! : c);
  }
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
  /** folded name → value, in insertion order. */
  private valuesByFolded = new Map<string, V>();
  /**
   * folded name → the spelling it was set under, only where that differs from the folded form:
   * most names are already folded, and a client keeps a map of every member of every channel.
   */
  private spellings = new Map<string, string>();
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
    return this.valuesByFolded.size;
  }

  /** Refold every key under a new mapping. */
  setCaseMapping(mapping: CaseMapping): void {
    if (mapping === this.mapping) return;
    const entries = [...this.entries()];
    this.mapping = mapping;
    this.valuesByFolded = new Map();
    this.spellings = new Map();
    for (const [name, value] of entries) this.set(name, value);
  }

  /** The folded form of a name under this map's mapping. */
  fold(name: string): string {
    return lowerIRC(name, this.mapping);
  }

  get(name: string): V | undefined {
    return this.valuesByFolded.get(this.fold(name));
  }

  has(name: string): boolean {
    return this.valuesByFolded.has(this.fold(name));
  }

  /** The spelling a name was stored under, or undefined. */
  originalName(name: string): string | undefined {
    const key = this.fold(name);
    if (!this.valuesByFolded.has(key)) return undefined;
    return this.spellingOf(key);
  }

  /** Set a value; the stored spelling becomes `name`. */
  set(name: string, value: V): this {
    const key = this.fold(name);
    this.valuesByFolded.set(key, value);
    if (name !== key) this.spellings.set(key, name);
    else if (this.spellings.size > 0) this.spellings.delete(key);
    return this;
  }

  delete(name: string): boolean {
    const key = this.fold(name);
    if (this.spellings.size > 0) this.spellings.delete(key);
    return this.valuesByFolded.delete(key);
  }

  /**
   * Move an entry to a new name (a NICK change), keeping its value; false when `from` is
   * absent. A case-only change ("nick" → "Nick") just updates the spelling.
   */
  rename(from: string, to: string): boolean {
    const key = this.fold(from);
    if (!this.valuesByFolded.has(key)) return false;
    const value = this.valuesByFolded.get(key) as V;
    this.valuesByFolded.delete(key);
    this.spellings.delete(key);
    this.set(to, value);
    return true;
  }

  clear(): void {
    this.valuesByFolded.clear();
    this.spellings.clear();
  }

  keys(): IterableIterator<string> {
    if (this.spellings.size === 0) return this.valuesByFolded.keys();
    return this.spelledKeys();
  }

  values(): IterableIterator<V> {
    return this.valuesByFolded.values();
  }

  entries(): IterableIterator<[string, V]> {
    if (this.spellings.size === 0) return this.valuesByFolded.entries();
    return this.spelledEntries();
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }

  forEach(fn: (value: V, name: string, map: this) => void): void {
    // The Map's own forEach: no iterator or [key, value] pair per entry.
    if (this.spellings.size === 0) {
      this.valuesByFolded.forEach((value, key) => fn(value, key, this));
      return;
    }
    this.valuesByFolded.forEach((value, key) => fn(value, this.spellingOf(key), this));
  }

  private spellingOf(key: string): string {
    return this.spellings.get(key) ?? key;
  }

  private *spelledKeys(): IterableIterator<string> {
    for (const key of this.valuesByFolded.keys()) yield this.spellingOf(key);
  }

  private *spelledEntries(): IterableIterator<[string, V]> {
    for (const [key, value] of this.valuesByFolded) yield [this.spellingOf(key), value];
  }
}
