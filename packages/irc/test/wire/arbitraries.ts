/** fast-check arbitraries for valid IRC messages (what formatMessage must accept). */
import fc from 'fast-check';

export interface PlainMessage {
  readonly tags: Map<string, string>;
  readonly source: string | null;
  readonly command: string;
  readonly params: string[];
}

/** One code point of any kind (fast-check 4 dropped fc.char). */
const anyChar = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });

const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const keyChars = `${letters}0123456789-`;

/** Any text without NUL, CR or LF (spaces, ':', ';', '\\', unicode, control codes). */
export const lineSafeText = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom(' ', ':', ';', '\\', '=', '@', '!', '\x01', '\t', 'é', '🎉'),
      anyChar,
    ),
  })
  .filter((s) => !/[\0\r\n]/.test(s));

const middle = lineSafeText.filter((s) => s !== '' && !s.includes(' ') && !s.startsWith(':'));

const tagKey = fc
  .tuple(
    fc.boolean(),
    fc.option(fc.constantFrom('example.com', 'draft', 'a-b.c0'), { nil: undefined }),
    fc.string({ unit: fc.constantFrom(...keyChars), minLength: 1, maxLength: 8 }),
  )
  .map(
    ([client, vendor, name]) =>
      `${client ? '+' : ''}${vendor !== undefined ? `${vendor}/` : ''}${name}`,
  );

const tagValue = fc
  .string({ unit: fc.oneof(fc.constantFrom(' ', ';', '\\', '\r', '\n', '=', 's', ':'), anyChar) })
  .filter((s) => !s.includes('\0'));

export const arbitrarySourceText = middle;

export function arbitraryMessage(): fc.Arbitrary<PlainMessage> {
  return fc.record({
    tags: fc.array(fc.tuple(tagKey, tagValue), { maxLength: 4 }).map((entries) => new Map(entries)),
    source: fc.option(middle, { nil: null }),
    command: fc.oneof(
      fc.string({ unit: fc.constantFrom(...letters), minLength: 1, maxLength: 10 }),
      fc.integer({ min: 0, max: 999 }).map((n) => String(n).padStart(3, '0')),
    ),
    params: fc
      .tuple(fc.array(middle, { maxLength: 6 }), fc.option(lineSafeText, { nil: undefined }))
      .map(([mids, last]) => (last === undefined ? mids : [...mids, last])),
  });
}
