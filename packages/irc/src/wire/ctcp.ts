/**
 * CTCP: client-to-client requests carried in PRIVMSG (replies in NOTICE) text framed by
 * \x01: `\x01VERSION\x01`, `\x01ACTION waves\x01`.
 *
 * The old CTCP specification also defines low-level quoting (M-QUOTE, \x10) for NUL, CR and
 * LF, and a CTCP-level quoting of \x01 and '\'. Modern clients send neither (the Modern CTCP
 * draft drops them), so decoding is lenient: a missing closing \x01 is accepted, \x10 escapes
 * are undone only where they are well-formed, and '\' is left alone (it is common in text).
 */
/* eslint-disable no-control-regex -- CTCP is framed and quoted with control bytes: matching them is the point */
import { InvalidIRCMessageError } from './errors.js';

/** The CTCP frame delimiter. */
export const CTCP_DELIMITER = '\x01';
const M_QUOTE = '\x10';

/** A parsed CTCP message: the command upper-cased, and everything after the first space. */
export interface CTCPMessage {
  readonly command: string;
  readonly params: string;
}

/** True when PRIVMSG/NOTICE text is a CTCP message (starts with \x01). */
export function isCTCP(text: string): boolean {
  return text.length > 1 && text.charCodeAt(0) === 0x01;
}

/**
 * Parse CTCP text into command and parameters; null when the text is not CTCP or has no
 * command. `\x01ACTION waves\x01` → `{ command: 'ACTION', params: 'waves' }`.
 */
export function parseCTCP(text: string): CTCPMessage | null {
  if (!isCTCP(text)) return null;
  let body = text.slice(1);
  // Only the first frame counts: text after a closing \x01 is not CTCP.
  const close = body.indexOf(CTCP_DELIMITER);
  if (close !== -1) body = body.slice(0, close);
  body = lowDequote(body);
  const space = body.indexOf(' ');
  const command = (space === -1 ? body : body.slice(0, space)).toUpperCase();
  if (command === '') return null;
  return { command, params: space === -1 ? '' : body.slice(space + 1) };
}

/**
 * Frame a CTCP message: `formatCTCP('ACTION', 'waves')` → `\x01ACTION waves\x01`. NUL, CR and
 * LF in the parameters are low-level quoted so the line cannot break.
 *
 * @throws InvalidIRCMessageError for an empty command, or a command or params holding \x01
 * (or a space in the command).
 */
export function formatCTCP(command: string, params?: string): string {
  if (command === '' || /[\x01 \0\r\n]/.test(command)) {
    throw new InvalidIRCMessageError(`invalid CTCP command ${JSON.stringify(command)}`);
  }
  if (params?.includes(CTCP_DELIMITER)) {
    throw new InvalidIRCMessageError('CTCP parameters cannot contain \\x01');
  }
  const body =
    params === undefined || params === ''
      ? command.toUpperCase()
      : `${command.toUpperCase()} ${params}`;
  return `${CTCP_DELIMITER}${lowQuote(body)}${CTCP_DELIMITER}`;
}

const LOW_QUOTES: Readonly<Record<string, string>> = {
  '\0': `${M_QUOTE}0`,
  '\n': `${M_QUOTE}n`,
  '\r': `${M_QUOTE}r`,
  [M_QUOTE]: `${M_QUOTE}${M_QUOTE}`,
};

/**
 * Low-level quoting: NUL → \x10 '0', LF → \x10 'n', CR → \x10 'r', \x10 → \x10\x10. Only
 * applied when the text holds one of those, so ordinary text passes through unchanged.
 */
export function lowQuote(text: string): string {
  if (!/[\0\r\n\x10]/.test(text)) return text;
  return text.replace(/[\0\r\n\x10]/g, (ch) => LOW_QUOTES[ch]!);
}

const LOW_DEQUOTES: Readonly<Record<string, string>> = {
  '0': '\0',
  n: '\n',
  r: '\r',
  [M_QUOTE]: M_QUOTE,
};

/** Undo lowQuote; a \x10 before any other character is kept as it is (lenient). */
export function lowDequote(text: string): string {
  if (!text.includes(M_QUOTE)) return text;
  return text.replace(/\x10([\s\S]?)/g, (whole, next: string) => LOW_DEQUOTES[next] ?? whole);
}

/**
 * CTCP-level quoting from the old specification: \x01 → '\a', '\' → '\\'. Not applied by
 * formatCTCP/parseCTCP (modern clients do not); offered for peers that need it.
 */
export function ctcpQuote(text: string): string {
  return text.replace(/[\\\x01]/g, (ch) => (ch === '\\' ? '\\\\' : '\\a'));
}

/** Undo ctcpQuote: '\a' → \x01, '\\' → '\'; a '\' before anything else is dropped. */
export function ctcpDequote(text: string): string {
  return text.replace(/\\([\s\S]?)/g, (_, next: string) => (next === 'a' ? '\x01' : next));
}
