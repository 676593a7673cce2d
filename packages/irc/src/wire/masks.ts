/**
 * Masks like `nick!user@host` with '*' (any run, even empty) and '?' (exactly one character),
 * as bans, exceptions, invite exceptions and WHO use them. RFC 2812 §2.5 lets '\' escape a
 * wildcard. Comparison folds case under the server's mapping. Brackets are plain characters
 * (not glob classes), which is where fnmatch-based matchers go wrong.
 */
import { type CaseMapping, DEFAULT_CASEMAPPING, lowerIRC } from './casemapping.js';

interface Token {
  readonly kind: 'star' | 'one' | 'char';
  readonly ch: string;
}

/** Tokens of the mask, literal characters folded (after escapes: '\\' folds to '|' in rfc1459). */
function tokenize(mask: string, mapping: CaseMapping): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < mask.length; i++) {
    const ch = mask[i]!;
    if (ch === '\\' && (mask[i + 1] === '*' || mask[i + 1] === '?' || mask[i + 1] === '\\')) {
      tokens.push({ kind: 'char', ch: lowerIRC(mask[++i]!, mapping) });
    } else if (ch === '*') {
      // Runs of '*' are one star: keeps the matcher linear in practice.
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star', ch });
    } else if (ch === '?') tokens.push({ kind: 'one', ch });
    else tokens.push({ kind: 'char', ch: lowerIRC(ch, mapping) });
  }
  return tokens;
}

/**
 * True when `subject` matches `mask`. The classic two-pointer algorithm with backtracking to
 * the last star: O(mask × subject) at worst, no recursion, no regular expressions.
 */
export function matchMask(
  mask: string,
  subject: string,
  mapping: CaseMapping = DEFAULT_CASEMAPPING,
): boolean {
  const tokens = tokenize(mask, mapping);
  const text = lowerIRC(subject, mapping);
  let t = 0;
  let s = 0;
  let starToken = -1;
  let starSubject = 0;
  while (s < text.length) {
    const token = tokens[t];
    if (
      token !== undefined &&
      (token.kind === 'one' || (token.kind === 'char' && token.ch === text[s]))
    ) {
      t++;
      s++;
    } else if (token?.kind === 'star') {
      starToken = t++;
      starSubject = s;
    } else if (starToken !== -1) {
      t = starToken + 1;
      s = ++starSubject;
    } else {
      return false;
    }
  }
  while (tokens[t]?.kind === 'star') t++;
  return t === tokens.length;
}

/**
 * Complete a ban-style mask to `nick!user@host`, as servers do before storing it:
 * `nick` → `nick!*@*`, `user@host` → `*!user@host`, `nick!user` → `nick!user@*`,
 * `host.name` (with a '.') → `*!*@host.name`.
 */
export function normalizeMask(mask: string): string {
  const bang = mask.indexOf('!');
  const at = mask.indexOf('@', bang === -1 ? 0 : bang);
  if (bang === -1 && at === -1) {
    return mask.includes('.') || mask.includes(':') ? `*!*@${mask}` : `${mask}!*@*`;
  }
  if (bang === -1) return `*!${mask.slice(0, at) || '*'}@${mask.slice(at + 1) || '*'}`;
  const nick = mask.slice(0, bang) || '*';
  if (at === -1) return `${nick}!${mask.slice(bang + 1) || '*'}@*`;
  return `${nick}!${mask.slice(bang + 1, at) || '*'}@${mask.slice(at + 1) || '*'}`;
}
