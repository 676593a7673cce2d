import { EndpointDescriptionError } from './errors.js';

/**
 * An endpoint description split into its parts: `"tcp:8080:interface=127.0.0.1"` is
 * `{ scheme: 'tcp', args: ['8080'], kwargs: { interface: '127.0.0.1' } }`.
 */
export interface ParsedEndpointDescription {
  readonly scheme: string;
  /** Positional arguments after the scheme, in order. */
  readonly args: readonly string[];
  /** Keyword arguments (`key=value`), in a prototype-less object. */
  readonly kwargs: Readonly<Record<string, string>>;
}

const BACKSLASH = '\\';

/**
 * Split an endpoint description with Twisted's grammar (twisted.internet.endpoints._parse):
 *
 * - `:` separates arguments; the first argument is the scheme.
 * - An argument is positional, or `key=value`. Only the first unescaped `=` of an argument
 *   separates key from value, so a value may contain `=` unescaped (`path=a=b` is `a=b`).
 * - A backslash makes the next character literal: `\:` is a colon inside an argument, `\=` an
 *   equals sign inside a key or positional argument, `\\` a backslash.
 *
 * Positional and keyword arguments may come in any order (as in Twisted); positional ones keep
 * their relative order. A keyword given twice, an empty keyword name, or a trailing lone
 * backslash is an EndpointDescriptionError.
 */
export function parseEndpointDescription(description: string): ParsedEndpointDescription {
  const segments = splitSegments(description);
  const [first, ...rest] = segments;
  if (first === undefined || (first.value === undefined && first.key === '')) {
    const problem = description === '' ? 'it is empty' : 'it has no scheme before the first ":"';
    throw new EndpointDescriptionError(
      description,
      `${problem}; it must start with a scheme such as "tcp:".`,
    );
  }
  if (first.value !== undefined) {
    throw new EndpointDescriptionError(
      description,
      `it must start with a scheme such as "tcp:", not with the keyword argument ${JSON.stringify(first.key)}.`,
    );
  }
  const args: string[] = [];
  const kwargs: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const segment of rest) {
    if (segment.value === undefined) {
      args.push(segment.key);
      continue;
    }
    if (segment.key === '') {
      throw new EndpointDescriptionError(
        description,
        `an argument "=${segment.value}" has no keyword name before "=". Write name=value, or \\= for a literal "=".`,
      );
    }
    if (Object.prototype.hasOwnProperty.call(kwargs, segment.key)) {
      throw new EndpointDescriptionError(
        description,
        `the keyword ${JSON.stringify(segment.key)} is given more than once.`,
      );
    }
    kwargs[segment.key] = segment.value;
  }
  return { scheme: first.key, args, kwargs };
}

/** One `:`-separated piece: positional (`value` undefined) or `key=value`. */
interface Segment {
  key: string;
  value: string | undefined;
}

function splitSegments(description: string): Segment[] {
  const segments: Segment[] = [];
  let current = '';
  let key: string | undefined;
  for (let i = 0; i < description.length; i++) {
    const char = description[i]!;
    if (char === BACKSLASH) {
      i++;
      if (i >= description.length) {
        throw new EndpointDescriptionError(
          description,
          'it ends with a lone backslash. Escape a literal backslash as \\\\.',
        );
      }
      current += description[i]!;
    } else if (char === ':') {
      segments.push(
        key === undefined ? { key: current, value: undefined } : { key, value: current },
      );
      current = '';
      key = undefined;
    } else if (char === '=' && key === undefined) {
      key = current;
      current = '';
    } else {
      current += char;
    }
  }
  segments.push(key === undefined ? { key: current, value: undefined } : { key, value: current });
  return segments;
}

/**
 * Escape `argument` so that it reads back as one literal argument (positional, keyword name or
 * value): backslash, `:` and `=` get a backslash. Twisted's quoteStringArgument escapes only
 * backslash and colon; escaping `=` too is harmless and makes a positional argument safe.
 */
export function quoteStringArgument(argument: string): string {
  return argument.replace(/[\\:=]/g, (char) => BACKSLASH + char);
}

/**
 * The description string for `parts`: the inverse of parseEndpointDescription(), quoting each
 * piece. Positional arguments come first, then keyword arguments in insertion order.
 */
export function formatEndpointDescription(parts: {
  readonly scheme: string;
  readonly args?: readonly string[];
  readonly kwargs?: Readonly<Record<string, string>>;
}): string {
  const pieces = [
    quoteStringArgument(parts.scheme),
    ...(parts.args ?? []).map(quoteStringArgument),
  ];
  for (const [key, value] of Object.entries(parts.kwargs ?? {})) {
    pieces.push(`${quoteStringArgument(key)}=${quoteStringArgument(value)}`);
  }
  return pieces.join(':');
}
