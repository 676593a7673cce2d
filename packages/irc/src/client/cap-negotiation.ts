import type { IRCMessage } from '../wire/message.js';
import { IRCClientLimitError, SASLFailedError } from './errors.js';
import type { SASLOptions } from './options.js';

/** What the negotiator needs from the client that owns it. */
export interface CapNegotiationHost {
  /**
   * Send a line at once (registration traffic is not flood-limited); `listParam` sends the
   * last parameter as a trailing one even when it is a single word, as lists are written.
   */
  sendNow(command: string, params: readonly string[], listParam?: boolean): void;
  /** The enabled set changed (ACK, NEW+ACK, DEL). */
  capabilitiesChanged(added: readonly string[], removed: readonly string[]): void;
  /** SASL failed and `required` is set: the client gives up registering. */
  saslFailed(error: SASLFailedError): void;
  /** A server-driven limit was broken: the client gives up. */
  limitBroken(error: IRCClientLimitError): void;
}

/** SASL payloads go in AUTHENTICATE lines of at most 400 bytes (IRCv3 SASL 3.1). */
export const SASL_CHUNK_BYTES = 400;

type CapState = 'listing' | 'requesting' | 'authenticating' | 'done';

/**
 * IRCv3 capability negotiation (CAP LS 302, REQ, ACK/NAK, NEW/DEL) and SASL (PLAIN,
 * EXTERNAL) during registration. The client sends CAP LS 302 before NICK/USER; the server
 * holds registration until CAP END, which this sends once the wanted capabilities are settled
 * and SASL (if asked for) has finished.
 */
export class CapNegotiator {
  /** Capabilities the server offers, with their values (`sasl=PLAIN,EXTERNAL`). */
  readonly available = new Map<string, string | null>();
  /** Capabilities in effect on this connection. */
  readonly enabled = new Set<string>();
  private state: CapState = 'listing';
  private awaitingReplies = 0;
  private saslAnswered = false;

  constructor(
    private readonly host: CapNegotiationHost,
    private readonly wanted: readonly string[],
    private readonly sasl: SASLOptions | undefined,
    private readonly maxCapabilities: number,
  ) {}

  /** True while registration waits on CAP/SASL (CAP END not sent yet). */
  get negotiating(): boolean {
    return this.state !== 'done';
  }

  /** Open negotiation: CAP LS 302 (the caller sends PASS/NICK/USER right after). */
  start(): void {
    this.host.sendNow('CAP', ['LS', '302']);
  }

  /** Registration finished without CAP END (a server without CAP): stop negotiating. */
  registrationComplete(): void {
    this.state = 'done';
  }

  /** Handle CAP, AUTHENTICATE and the SASL numerics; true when the message was one of them. */
  handle(message: IRCMessage): boolean {
    switch (message.command) {
      case 'CAP':
        this.onCap(message.params);
        return true;
      case 'AUTHENTICATE':
        this.onAuthenticate(message.params[0] ?? '');
        return true;
      case '903': // RPL_SASLSUCCESS
      case '907': // ERR_SASLALREADY: already authenticated, which is what we wanted
        if (this.state === 'authenticating') this.end();
        return true;
      case '902': // ERR_NICKLOCKED
      case '904': // ERR_SASLFAIL
      case '905': // ERR_SASLTOOLONG
      case '906': // ERR_SASLABORTED
        if (this.state === 'authenticating') {
          this.saslFailure(message.command, message.params[message.params.length - 1] ?? '');
        }
        return true;
      case '908': // RPL_SASLMECHS: informational; 904 follows
        return true;
      case '421': // ERR_UNKNOWNCOMMAND CAP: a server from before IRCv3; carry on without
        if (message.params[1]?.toUpperCase() === 'CAP' && this.state === 'listing') {
          this.state = 'done';
          return true;
        }
        return false;
      default:
        return false;
    }
  }

  private onCap(params: readonly string[]): void {
    // <client> <subcommand> [*] :<caps>
    const sub = (params[1] ?? '').toUpperCase();
    const more = params.length >= 4 && params[2] === '*';
    const list = (more ? params[3] : params[2]) ?? '';
    const caps = list.split(' ').filter((cap) => cap !== '');
    switch (sub) {
      case 'LS':
        if (!this.addAvailable(caps)) return;
        if (!more && this.state === 'listing') this.requestWanted();
        return;
      case 'NEW':
        if (!this.addAvailable(caps)) return;
        this.request(caps.map((cap) => splitCap(cap)[0]).filter((name) => this.wants(name)));
        return;
      case 'DEL': {
        const removed: string[] = [];
        for (const cap of caps) {
          const [name] = splitCap(cap);
          this.available.delete(name);
          if (this.enabled.delete(name)) removed.push(name);
        }
        if (removed.length > 0) this.host.capabilitiesChanged([], removed);
        return;
      }
      case 'ACK': {
        const added: string[] = [];
        const removed: string[] = [];
        for (const cap of caps) {
          // '-' disables; '~' and '=' are 3.1-draft modifiers some servers still send.
          const disable = cap.startsWith('-');
          const name = cap.replace(/^[-~=]+/, '');
          if (disable) {
            if (this.enabled.delete(name)) removed.push(name);
          } else if (!this.enabled.has(name)) {
            this.enabled.add(name);
            added.push(name);
          }
        }
        if (added.length > 0 || removed.length > 0) this.host.capabilitiesChanged(added, removed);
        this.replyReceived();
        return;
      }
      case 'NAK':
        this.replyReceived();
        return;
      default:
        return; // LIST and anything newer: nothing to do
    }
  }

  /** Record offered caps; false (after reporting) when the list breaks the limit. */
  private addAvailable(caps: readonly string[]): boolean {
    for (const cap of caps) {
      const [name, value] = splitCap(cap);
      if (!this.available.has(name) && this.available.size >= this.maxCapabilities) {
        this.host.limitBroken(
          new IRCClientLimitError('capabilities', this.maxCapabilities, 'limits.maxCapabilities'),
        );
        return false;
      }
      this.available.set(name, value);
    }
    return true;
  }

  private wants(name: string): boolean {
    if (this.enabled.has(name) || !this.wanted.includes(name)) return false;
    if (name !== 'sasl') return true;
    return this.sasl !== undefined && this.saslMechanismOffered();
  }

  private saslMechanismOffered(): boolean {
    const value = this.available.get('sasl');
    // A bare `sasl` (CAP 301 or no list) means "try and see".
    if (value === undefined || value === null || value === '') return true;
    return value.split(',').includes(this.sasl?.mechanism ?? '');
  }

  private requestWanted(): void {
    const names = [...this.available.keys()].filter((name) => this.wants(name));
    if (this.sasl !== undefined && !names.includes('sasl')) {
      const offered = this.available.has('sasl');
      const detail = offered
        ? `the server offers ${this.available.get('sasl') ?? 'no mechanisms'}, not ${this.sasl.mechanism}`
        : 'the server does not offer the sasl capability';
      if (this.sasl.required ?? true) {
        this.state = 'done';
        this.host.saslFailed(new SASLFailedError(null, detail));
        return;
      }
    }
    this.state = 'requesting';
    if (names.length === 0) this.end();
    else this.request(names);
  }

  /** Send CAP REQ lines, each short enough for the 512-byte limit. */
  private request(names: readonly string[]): void {
    let line: string[] = [];
    let length = 0;
    const flush = (): void => {
      if (line.length === 0) return;
      this.awaitingReplies++;
      this.host.sendNow('CAP', ['REQ', line.join(' ')], true);
      line = [];
      length = 0;
    };
    for (const name of names) {
      if (length + name.length + 1 > 400) flush();
      line.push(name);
      length += name.length + 1;
    }
    flush();
  }

  private replyReceived(): void {
    if (this.awaitingReplies > 0) this.awaitingReplies--;
    if (this.awaitingReplies > 0 || this.state !== 'requesting') return;
    if (this.sasl !== undefined && this.enabled.has('sasl')) {
      this.state = 'authenticating';
      this.host.sendNow('AUTHENTICATE', [this.sasl.mechanism]);
    } else if (this.sasl !== undefined && (this.sasl.required ?? true)) {
      this.state = 'done';
      this.host.saslFailed(new SASLFailedError(null, 'the server refused the sasl capability'));
    } else {
      this.end();
    }
  }

  private onAuthenticate(challenge: string): void {
    if (this.state !== 'authenticating' || this.sasl === undefined) return;
    if (challenge !== '+' || this.saslAnswered) {
      // PLAIN and EXTERNAL take one empty challenge; anything else is not ours to answer.
      this.host.sendNow('AUTHENTICATE', ['*']);
      return;
    }
    this.saslAnswered = true;
    for (const line of saslPayloadLines(saslPayload(this.sasl))) {
      this.host.sendNow('AUTHENTICATE', [line]);
    }
  }

  private saslFailure(numeric: string, text: string): void {
    if (this.sasl?.required ?? true) {
      this.state = 'done';
      this.host.saslFailed(new SASLFailedError(numeric, text));
    } else {
      this.end();
    }
  }

  private end(): void {
    this.state = 'done';
    this.host.sendNow('CAP', ['END']);
  }
}

/** `name=value` → [name, value]; a cap without '=' has value null. */
function splitCap(cap: string): [string, string | null] {
  const eq = cap.indexOf('=');
  return eq === -1 ? [cap, null] : [cap.slice(0, eq), cap.slice(eq + 1)];
}

/** The SASL response for the mechanism: PLAIN's authzid NUL authcid NUL password, or empty. */
export function saslPayload(sasl: SASLOptions): Uint8Array {
  if (sasl.mechanism === 'EXTERNAL') return new Uint8Array(0);
  return new TextEncoder().encode(`${sasl.username}\0${sasl.username}\0${sasl.password}`);
}

/**
 * Base64 `payload` cut into AUTHENTICATE arguments of at most 400 bytes. An empty payload is
 * `+`; a payload whose last piece is exactly 400 bytes is followed by `+` so the server knows
 * it has ended (IRCv3 SASL 3.1).
 */
export function saslPayloadLines(payload: Uint8Array): string[] {
  const encoded = base64(payload);
  if (encoded === '') return ['+'];
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += SASL_CHUNK_BYTES) {
    lines.push(encoded.slice(i, i + SASL_CHUNK_BYTES));
  }
  if (encoded.length % SASL_CHUNK_BYTES === 0) lines.push('+');
  return lines;
}

/** Base64 without Node's Buffer, so the client also runs in a browser. */
function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
