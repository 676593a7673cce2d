import { TwError } from '@tw/core';

/** WHOIS (or another query) named a nick or channel the server does not know (401/403/406). */
export class NoSuchNickError extends TwError {
  readonly nick: string;
  readonly numeric: string;

  constructor(nick: string, numeric: string, serverText: string) {
    super(
      'TW_IRC_NO_SUCH_NICK',
      `The server has no user "${nick}" (${numeric}: ${serverText}); check the nick and that the user is online.`,
    );
    this.nick = nick;
    this.numeric = numeric;
  }
}

/** The server refused a query with an error numeric (e.g. 402 ERR_NOSUCHSERVER, 481). */
export class IRCCommandError extends TwError {
  readonly numeric: string;
  readonly params: readonly string[];

  constructor(command: string, numeric: string, params: readonly string[]) {
    super(
      'TW_IRC_COMMAND_FAILED',
      `The server refused ${command} with ${numeric}: ${params.slice(1).join(' ')}`,
    );
    this.numeric = numeric;
    this.params = params;
  }
}

/** Every nickname choice was refused during registration (433/432/437 for each). */
export class NicknameUnavailableError extends TwError {
  readonly tried: readonly string[];

  constructor(tried: readonly string[]) {
    super(
      'TW_IRC_NICK_UNAVAILABLE',
      `The server refused every nickname tried (${tried.join(', ')}); ` +
        'give more `alternativeNicks` or a function that makes new ones.',
    );
    this.tried = tried;
  }
}

/** SASL authentication failed (904/905/906) or the server does not offer the mechanism. */
export class SASLFailedError extends TwError {
  readonly numeric: string | null;

  constructor(numeric: string | null, detail: string) {
    super(
      'TW_IRC_SASL_FAILED',
      `SASL authentication failed${numeric === null ? '' : ` (${numeric})`}: ${detail}. ` +
        'Check the credentials and mechanism, or set `sasl.required: false` to connect without it.',
    );
    this.numeric = numeric;
  }
}

/** The server sent more than a client limit allows (a reply list, a CAP list, a line). */
export class IRCClientLimitError extends TwError {
  constructor(what: string, limit: number, option: string) {
    super(
      'TW_IRC_CLIENT_LIMIT',
      `The server sent more ${what} than the limit of ${limit}; raise the \`${option}\` option if this server is trusted.`,
    );
  }
}

/** The client was asked to do something before it is registered, or after it closed. */
export class NotConnectedError extends TwError {
  constructor(action: string) {
    super(
      'TW_IRC_NOT_CONNECTED',
      `Cannot ${action}: the IRC client is not connected. Wait for connectionMade (or whenRegistered()).`,
    );
  }
}

/** The server did not finish something in time (registration). */
export class IRCTimeoutError extends TwError {
  constructor(what: string, seconds: number, option: string) {
    super(
      'TW_IRC_TIMEOUT',
      `The IRC server did not complete ${what} within ${seconds} s; raise the \`${option}\` option for a slow server.`,
    );
  }
}
