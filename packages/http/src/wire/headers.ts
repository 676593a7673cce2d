import type { IHeaders } from '../interfaces.js';
import { InvalidHeaderError } from './errors.js';
import { isFieldValue, isToken } from './tokens.js';

/** What a Headers can be built from: pairs in order, or a record of name → value(s). */
export type HeadersInit =
  Iterable<readonly [string, string]> | Readonly<Record<string, string | readonly string[]>>;

/**
 * Case-insensitive, multi-valued header fields in arrival order (twisted.web.http_headers.Headers).
 * Names keep the case they were given in; lookups compare lower case. Values are latin-1 text.
 *
 * Kept as three parallel arrays rather than a Map: a request has a handful of fields, a linear
 * scan over them is faster than hashing, and order is preserved for free.
 *
 * Setters validate (a name must be a token; a value may not hold CR, LF, NUL or other controls)
 * and throw InvalidHeaderError, so a value taken from user input can never split a response.
 */
export class Headers implements IHeaders {
  private readonly names: string[] = [];
  private readonly lowerNames: string[] = [];
  private readonly values: string[] = [];

  constructor(init?: HeadersInit) {
    if (init === undefined) return;
    if (isIterable(init)) {
      for (const [name, value] of init) this.addRawHeader(name, value);
      return;
    }
    for (const name of Object.keys(init)) {
      const value = init[name]!;
      if (typeof value === 'string') this.addRawHeader(name, value);
      else for (const item of value) this.addRawHeader(name, item);
    }
  }

  /** Number of field lines (a name with three values counts three). */
  get size(): number {
    return this.names.length;
  }

  getRawHeaders(name: string): readonly string[] {
    const lower = name.toLowerCase();
    const found: string[] = [];
    const lowerNames = this.lowerNames;
    for (let i = 0; i < lowerNames.length; i++) {
      if (lowerNames[i] === lower) found.push(this.values[i]!);
    }
    return found;
  }

  getHeader(name: string): string | null {
    const index = this.lowerNames.indexOf(name.toLowerCase());
    return index < 0 ? null : this.values[index]!;
  }

  hasHeader(name: string): boolean {
    return this.lowerNames.includes(name.toLowerCase());
  }

  setRawHeaders(name: string, values: readonly string[]): void {
    checkName(name);
    for (let i = 0; i < values.length; i++) checkValue(name, values[i]!);
    const lower = name.toLowerCase();
    this.removeLowerName(lower);
    for (let i = 0; i < values.length; i++) this.appendTrusted(name, lower, values[i]!);
  }

  /** Replace every value of `name` with one value. */
  setHeader(name: string, value: string): void {
    this.setRawHeaders(name, [value]);
  }

  addRawHeader(name: string, value: string): void {
    checkName(name);
    checkValue(name, value);
    this.appendTrusted(name, name.toLowerCase(), value);
  }

  removeHeader(name: string): void {
    this.removeLowerName(name.toLowerCase());
  }

  /** removeHeader() for a name already lower-cased; leaves the arrays alone when it is absent. */
  private removeLowerName(lower: string): void {
    const lowerNames = this.lowerNames;
    const first = lowerNames.indexOf(lower);
    if (first < 0) return;
    let kept = first;
    for (let i = first + 1; i < lowerNames.length; i++) {
      if (lowerNames[i] === lower) continue;
      this.names[kept] = this.names[i]!;
      lowerNames[kept] = lowerNames[i]!;
      this.values[kept] = this.values[i]!;
      kept++;
    }
    this.names.length = kept;
    lowerNames.length = kept;
    this.values.length = kept;
  }

  /**
   * Append without validation. For the parser, which has already checked every byte, and for
   * serialisers copying from another Headers. `lowerName` must be `name.toLowerCase()`.
   */
  appendTrusted(name: string, lowerName: string, value: string): void {
    this.names.push(name);
    this.lowerNames.push(lowerName);
    this.values.push(value);
  }

  /** The i-th field line's name as given, lower-cased name, and value (0 ≤ i < size). */
  nameAt(index: number): string {
    return this.names[index]!;
  }

  lowerNameAt(index: number): string {
    return this.lowerNames[index]!;
  }

  valueAt(index: number): string {
    return this.values[index]!;
  }

  /** A copy that can be changed without touching this one. */
  clone(): Headers {
    const copy = new Headers();
    for (let i = 0; i < this.names.length; i++) {
      copy.appendTrusted(this.names[i]!, this.lowerNames[i]!, this.values[i]!);
    }
    return copy;
  }

  *[Symbol.iterator](): Iterator<[name: string, value: string]> {
    for (let i = 0; i < this.names.length; i++) yield [this.names[i]!, this.values[i]!];
  }

  /** Lower-cased name → values, for logs and tests. */
  toJSON(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (let i = 0; i < this.names.length; i++) {
      (out[this.lowerNames[i]!] ??= []).push(this.values[i]!);
    }
    return out;
  }
}

function isIterable(value: unknown): value is Iterable<readonly [string, string]> {
  return typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

function checkName(name: string): void {
  if (!isToken(name)) {
    throw new InvalidHeaderError(
      `Invalid header name ${JSON.stringify(name)}: a name is a token (letters, digits and !#$%&'*+-.^_\`|~).`,
    );
  }
}

function checkValue(name: string, value: string): void {
  if (typeof value !== 'string' || !isFieldValue(value)) {
    throw new InvalidHeaderError(
      `Invalid value for header ${name}: ${JSON.stringify(value)}. Values are latin-1 text without control characters (CR, LF, NUL) or surrounding whitespace.`,
    );
  }
}
