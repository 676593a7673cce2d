/**
 * The Finger query grammar (RFC 1288 §2.3) and reply text, as pure functions: no transport, no
 * files. The server protocol (server.ts) feeds it one query line and writes what it returns.
 *
 * ```
 * {Q1} ::= [{W}|{W}{S}{U}]{C}          a local query: list users, or one user
 * {Q2} ::= [{W}{S}][{U}]{H}{C}         a forwarding query: user@host[@host…]
 * {W}  ::= /W                          "verbose" (whois-style) output
 * ```
 */

/** A query, parsed. */
export type FingerQuery =
  /** `{C}` or `/W{C}`: who is here. */
  | { readonly kind: 'list'; readonly verbose: boolean }
  /** `[/W ]user{C}`: one user. */
  | { readonly kind: 'user'; readonly verbose: boolean; readonly user: string }
  /** `[/W ][user]@host…{C}`: ask another host (refused by default, RFC 1288 §3.2.1). */
  | {
      readonly kind: 'forward';
      readonly verbose: boolean;
      readonly user: string;
      readonly hosts: readonly string[];
    }
  /** Anything else: the reply says why. */
  | { readonly kind: 'invalid'; readonly reason: string };

/**
 * What a user name may be. Finger names log in names; keeping them to this set also keeps a
 * file-backed directory from ever being asked for `../etc/passwd`.
 */
export const VALID_USER_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,31}$/;

/** Parse one query line (without its line terminator). */
export function parseFingerQuery(line: string): FingerQuery {
  let rest = line.replace(/\r$/, '');
  let verbose = false;
  // RFC 1288 spells the token "/W"; clients in the wild also send "/w".
  const switchMatch = /^\/[Ww](?=$|[ \t])/.exec(rest);
  if (switchMatch !== null) {
    verbose = true;
    rest = rest.slice(switchMatch[0].length);
  }
  rest = rest.replace(/^[ \t]+/, '').replace(/[ \t]+$/, '');
  if (rest === '') return { kind: 'list', verbose };
  if (/[ \t]/.test(rest)) return { kind: 'invalid', reason: 'one user name per query' };

  const at = rest.indexOf('@');
  if (at >= 0) {
    const user = rest.slice(0, at);
    const hosts = rest.slice(at + 1).split('@');
    if (hosts.some((host) => host === '')) return { kind: 'invalid', reason: 'empty host name' };
    if (user !== '' && !VALID_USER_NAME.test(user))
      return { kind: 'invalid', reason: 'bad user name' };
    return { kind: 'forward', verbose, user, hosts };
  }
  if (!VALID_USER_NAME.test(rest)) return { kind: 'invalid', reason: 'bad user name' };
  return { kind: 'user', verbose, user: rest };
}

/** What the server knows about one user. Every field but `login` is optional. */
export interface FingerUser {
  readonly login: string;
  readonly name?: string;
  readonly office?: string;
  /** The user's `.project` file: one line shown in verbose replies. */
  readonly project?: string;
  /** The user's `.plan` file. */
  readonly plan?: string;
}

/** Replies the server sends, as lines (the protocol joins them with CRLF). */
export const FingerReplies = {
  /** RFC 1288 §3.2.1's wording for a host that does not forward queries. */
  forwardingDenied: 'Finger forwarding service denied',
  listDenied: 'Finger online list denied',
  noSuchUser: (user: string) => `finger: ${user}: no such user.`,
  invalid: (reason: string) => `finger: invalid query (${reason}).`,
  tooLong: (limit: number) => `finger: query longer than ${limit} bytes; refused.`,
} as const;

/** The reply to a query for one user: `Login:`/`Name:` header, then the plan. */
export function formatUser(user: FingerUser, verbose: boolean, maxPlanBytes: number): string[] {
  const lines = [`Login: ${user.login.padEnd(32)}Name: ${printable(user.name ?? '')}`];
  if (verbose && user.office !== undefined) lines.push(`Office: ${printable(user.office)}`);
  if (verbose && user.project !== undefined) {
    lines.push(`Project: ${printable(user.project.split(/\r?\n/)[0] ?? '')}`);
  }
  if (user.plan === undefined || user.plan.trim() === '') {
    lines.push('No Plan.');
    return lines;
  }
  lines.push('Plan:');
  const { text, truncated } = truncateUtf8(user.plan, maxPlanBytes);
  lines.push(
    ...text
      .replace(/\r?\n$/, '')
      .split(/\r?\n/)
      .map(printable),
  );
  if (truncated) lines.push(`[plan truncated at ${maxPlanBytes} bytes]`);
  return lines;
}

/** The reply to an empty query when listing is allowed: one row per user. */
export function formatUserList(users: readonly FingerUser[]): string[] {
  if (users.length === 0) return ['No one is here.'];
  return [
    `${'Login'.padEnd(16)}Name`,
    ...users.map((user) => `${user.login.padEnd(16)}${printable(user.name ?? '')}`),
  ];
}

/**
 * Replace control characters (other than tab) with `^X` / `\ooo`: RFC 1288 §3.3 warns that a
 * plan full of terminal escapes can take over the reader's screen, and the reply is ours.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, (ch) => {
    const code = ch.charCodeAt(0);
    return code === 0x7f ? '^?' : `^${String.fromCharCode(code + 64)}`;
  });
}

function truncateUtf8(text: string, maxBytes: number): { text: string; truncated: boolean } {
  const bytes = new TextEncoder().encode(text);
  if (bytes.byteLength <= maxBytes) return { text, truncated: false };
  // fatal: false turns a multi-byte character cut in half into U+FFFD rather than throwing.
  return { text: new TextDecoder('utf-8').decode(bytes.subarray(0, maxBytes)), truncated: true };
}
