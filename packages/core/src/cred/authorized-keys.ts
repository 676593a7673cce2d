import { InvalidSSHKey } from './errors.js';
import { parseSSHPublicKey, type SSHKeyType, type SSHPublicKey } from './ssh-key-wire.js';

/**
 * OpenSSH's authorized_keys format (sshd(8), "AUTHORIZED_KEYS FILE FORMAT"): one key per line,
 * `[options] keytype base64 [comment]`; blank lines and lines starting with `#` are ignored.
 * Options are comma-separated, `name` or `name="value"` (a value may hold spaces and `\"`).
 *
 * Options restrict what a key may do (`command=`, `from=`, `no-port-forwarding`, `restrict`,
 * `expiry-time=`, …). We cannot know whether the server using the key enforces them, so a line
 * with an option not in `enforcedOptions` is skipped (fail closed) and reported as a problem:
 * honouring `command="backup"` by ignoring it would hand out a full shell. Options that only
 * re-enable defaults (`pty`, `port-forwarding`, `agent-forwarding`, `x11-forwarding`,
 * `user-rc`) are always accepted.
 */

export interface AuthorizedKeyOption {
  /** Lower-cased, as OpenSSH matches option names case-insensitively. */
  readonly name: string;
  readonly value?: string;
}

export interface AuthorizedKey extends SSHPublicKey {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly options: readonly AuthorizedKeyOption[];
  readonly comment: string;
}

export interface AuthorizedKeysProblem {
  readonly line: number;
  readonly message: string;
}

export interface ParseAuthorizedKeysOptions {
  /** Prefixes problem messages (the file's path). */
  readonly source?: string;
  /** Option names (lower case) the caller enforces itself; lines with others are skipped. */
  readonly enforcedOptions?: readonly string[];
}

export interface ParsedAuthorizedKeys {
  readonly keys: readonly AuthorizedKey[];
  readonly problems: readonly AuthorizedKeysProblem[];
}

const ALWAYS_ACCEPTED = new Set([
  'pty',
  'port-forwarding',
  'agent-forwarding',
  'x11-forwarding',
  'user-rc',
]);
const KEY_TYPES = new Set<string>([
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
]);
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** Longer lines are refused: OpenSSH itself caps them at 8 KiB (SSH_MAX_PUBKEY_BYTES is 16 KiB). */
const MAX_LINE_LENGTH = 16 * 1024;

/** Split the options prefix from the rest of the line; quotes protect spaces and commas. */
function splitOptions(text: string): { options: AuthorizedKeyOption[]; rest: string } {
  const options: AuthorizedKeyOption[] = [];
  let i = 0;
  let current = '';
  let quoted = false;
  const finish = (): void => {
    const eq = current.indexOf('=');
    if (current === '') throw new InvalidSSHKey('an empty option');
    if (eq < 0) options.push({ name: current.toLowerCase() });
    else {
      const raw = current.slice(eq + 1);
      if (!raw.startsWith('"') || !raw.endsWith('"') || raw.length < 2) {
        throw new InvalidSSHKey(`option '${current.slice(0, eq)}' needs a double-quoted value`);
      }
      options.push({
        name: current.slice(0, eq).toLowerCase(),
        value: raw.slice(1, -1).replace(/\\"/g, '"'),
      });
    }
    current = '';
  };
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '\\' && text[i + 1] === '"') {
        current += '\\"';
        i++;
        continue;
      }
      if (c === '"') quoted = false;
      current += c;
      continue;
    }
    if (c === '"') {
      quoted = true;
      current += c;
    } else if (c === ',') finish();
    else if (c === ' ' || c === '\t') break;
    else current += c;
  }
  if (quoted) throw new InvalidSSHKey('an unterminated quote in the options');
  finish();
  return { options, rest: text.slice(i).trim() };
}

function parseLine(text: string, line: number): AuthorizedKey {
  const firstToken = text.split(/[ \t]/, 1)[0]!;
  const { options, rest } = KEY_TYPES.has(firstToken)
    ? { options: [], rest: text }
    : splitOptions(text);
  const [type = '', data = '', ...commentWords] = rest.split(/[ \t]+/);
  if (!KEY_TYPES.has(type)) {
    throw new InvalidSSHKey(`unsupported or missing key type '${type.slice(0, 64)}'`);
  }
  if (!BASE64.test(data)) throw new InvalidSSHKey('the key is not base64');
  const parsed = parseSSHPublicKey(Buffer.from(data, 'base64'));
  if (parsed.type !== (type as SSHKeyType)) {
    throw new InvalidSSHKey(`the line says ${type} but the key inside is ${parsed.type}`);
  }
  return { ...parsed, line, options, comment: commentWords.join(' ') };
}

/** Parse authorized_keys text. Unusable lines are skipped and listed in `problems`. */
export function parseAuthorizedKeys(
  text: string,
  options: ParseAuthorizedKeysOptions = {},
): ParsedAuthorizedKeys {
  const source = options.source ?? 'authorized_keys';
  const enforced = new Set(options.enforcedOptions ?? []);
  const keys: AuthorizedKey[] = [];
  const problems: AuthorizedKeysProblem[] = [];
  text.split('\n').forEach((rawLine, index) => {
    const line = index + 1;
    const trimmed = rawLine.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    if (trimmed.length > MAX_LINE_LENGTH) {
      problems.push({
        line,
        message: `${source}:${line}: the line is longer than ${MAX_LINE_LENGTH} characters; ignored`,
      });
      return;
    }
    let key: AuthorizedKey;
    try {
      key = parseLine(trimmed, line);
    } catch (error) {
      const reason = error instanceof InvalidSSHKey ? error.message : String(error);
      problems.push({ line, message: `${source}:${line}: ${reason} Line ignored.` });
      return;
    }
    const unenforced = key.options.filter(
      (o) => !ALWAYS_ACCEPTED.has(o.name) && !enforced.has(o.name),
    );
    if (unenforced.length > 0) {
      const names = unenforced.map((o) => o.name).join(', ');
      problems.push({
        line,
        message: `${source}:${line}: key ignored because this server does not enforce its option(s) ${names}`,
      });
      return;
    }
    keys.push(key);
  });
  return { keys, problems };
}
