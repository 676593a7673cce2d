import {
  ConnectionLost,
  Deferred,
  fail,
  Logger,
  Protocol,
  succeed,
  type Failure,
  type IDelayedCall,
  type ILogger,
} from '@tw/core';

import { IRCMap, ircEquals, lowerIRC, type CaseMapping } from '../wire/casemapping.js';
import { ISupport } from '../wire/isupport.js';
import type { IRCMessage, IRCMessageInit } from '../wire/message.js';
import { IRCLineDecoder, tryParseMessage } from '../wire/parser.js';
import { MAX_CLIENT_TAG_BYTES } from '../wire/limits.js';
import { encodeLine } from '../wire/serializer.js';
import { serverTimeMillis } from '../wire/tags.js';
import { CapNegotiator } from './cap-negotiation.js';
import { CTCPResponder } from './ctcp-responder.js';
import { ClientEventDispatcher, type JoinedChannel } from './event-dispatch.js';
import type { IRCClientEvents } from './events.js';
import {
  IRCCommandError,
  IRCTimeoutError,
  NicknameUnavailableError,
  NotConnectedError,
} from './errors.js';
import { ServerKeepalive } from './keepalive.js';
import { DEFAULT_FLOOD, TokenBucketQueue } from './flood.js';
import { nextNickChoice } from './nick-choice.js';
import {
  DEFAULT_CAPS,
  DEFAULT_CLIENT_LIMITS,
  type IRCClientLimits,
  type IRCClientOptions,
} from './options.js';
import { PendingQueries } from './queries.js';
import { TypedEmitter, type EventHandler } from './typed-emitter.js';

const NICK_REFUSED = new Set(['431', '432', '433', '436', '437']);
const REGISTRATION_REFUSED = new Set(['464', '465']);

/**
 * The connection half of IRCClient: registration (CAP, SASL, PASS/NICK/USER, nick choice),
 * PING, ISUPPORT, the line decoder, flood control, events and the Deferreds waiting on the
 * connection. IRCClient adds the commands; use that class.
 */
export abstract class IRCClientConnection extends Protocol {
  /** Our nick as the server knows it (updated by 001 and NICK). */
  nickname: string;
  /** Our user and host as the server shows them, once an echo of ours revealed them. */
  user: string | undefined;
  host: string | undefined;
  /** The account SASL or the server logged us into, if any. */
  account: string | null = null;
  /** True once 001 arrived. */
  registered = false;
  /** The server's name, from 001. */
  serverName: string | null = null;
  /** What the server announced in 005 ISUPPORT. */
  readonly isupport = new ISupport();
  /** The channels we are in, keyed with the server's case mapping. */
  readonly channels = new IRCMap<JoinedChannel>();

  readonly options: IRCClientOptions;
  protected readonly log: ILogger;
  private readonly limits: IRCClientLimits;
  private readonly emitter: TypedEmitter<IRCClientEvents>;
  protected readonly queries: PendingQueries;
  private readonly dispatcher: ClientEventDispatcher;
  private readonly ctcp: CTCPResponder;
  /** Keys given to join(), until our JOIN arrives. */
  protected readonly pendingKeys = new IRCMap<string>();
  private decoder: IRCLineDecoder | null = null;
  protected outgoing: TokenBucketQueue<Uint8Array> | null = null;
  private keepalive: ServerKeepalive | null = null;
  private caps: CapNegotiator | null = null;
  private nickAttempts: string[] = [];
  /** null while registering; then true, or the error that ended registration. */
  private registrationOutcome: true | Error | null = null;
  private readonly registrationWaiters: Deferred<this>[] = [];
  protected readonly quitWaiters: Deferred<void>[] = [];
  protected quitTimer: IDelayedCall | null = null;
  protected lost = false;
  /** Our nickname folded under a case mapping, for isMe (asked several times per message). */
  private foldedNick = '';
  private foldedNickOf: string | null = null;
  private foldedNickMapping: CaseMapping | null = null;

  constructor(options: IRCClientOptions) {
    super();
    this.options = options;
    this.nickname = options.nickname;
    this.log = options.log ?? new Logger('tw.irc.client');
    this.limits = { ...DEFAULT_CLIENT_LIMITS, ...options.limits };
    this.emitter = new TypedEmitter(this.log);
    this.queries = new PendingQueries(
      () => (a, b) => ircEquals(a, b, this.isupport.casemapping),
      () => this.isupport.prefix.prefixes,
      this.limits,
    );
    this.ctcp = new CTCPResponder(options.reactor, options, (target, text) =>
      this.queueLine({ command: 'NOTICE', params: [target, text] }, 'always'),
    );
    this.dispatcher = new ClientEventDispatcher(
      this,
      this.emitter,
      this.ctcp,
      this.limits.maxChannelMembers,
    );
  }

  /** Subscribe to an event; returns a function that unsubscribes. */
  on<K extends keyof IRCClientEvents>(
    name: K,
    handler: EventHandler<IRCClientEvents, K>,
  ): () => void {
    return this.emitter.on(name, handler);
  }

  /** Subscribe to the next event of `name` only. */
  once<K extends keyof IRCClientEvents>(
    name: K,
    handler: EventHandler<IRCClientEvents, K>,
  ): () => void {
    return this.emitter.once(name, handler);
  }

  /** Unsubscribe. */
  off<K extends keyof IRCClientEvents>(name: K, handler: EventHandler<IRCClientEvents, K>): void {
    this.emitter.off(name, handler);
  }

  /** The IRCv3 capabilities in effect. */
  get capabilities(): ReadonlySet<string> {
    return this.caps?.enabled ?? new Set();
  }

  /** Fires with this client once registered (001); fails if registration fails or the link drops. */
  whenRegistered(): Deferred<this> {
    const outcome = this.registrationOutcome;
    if (outcome === true) return succeed(this);
    if (outcome !== null) return fail(outcome);
    const waiter = new Deferred<this>();
    this.registrationWaiters.push(waiter);
    return waiter;
  }

  private settleRegistration(outcome: true | Error): void {
    if (this.registrationOutcome !== null) return;
    this.registrationOutcome = outcome;
    for (const waiter of this.registrationWaiters.splice(0)) {
      if (outcome === true) waiter.callback(this);
      else waiter.errback(outcome);
    }
  }

  override connectionMade(): void {
    const options = this.options;
    this.decoder = new IRCLineDecoder({
      maxLineBytes: this.limits.maxLineBytes,
      maxTagBytes: this.limits.maxTagBytes,
      fallback: options.latin1Fallback === false ? null : 'latin1',
    });
    this.decoder.onLine = (line) => this.lineReceived(line);
    this.decoder.onTooLong = (kind) =>
      this.log.warn('Dropped an over-long line ({kind}) from the server', { kind });
    const flood =
      options.flood === 0 ? { burst: 0, perSecond: 0 } : (options.flood ?? DEFAULT_FLOOD);
    this.outgoing = new TokenBucketQueue(options.reactor, flood, (line) =>
      this.transport.write(line),
    );
    const wanted = [...(options.caps ?? DEFAULT_CAPS)];
    if (options.sasl !== undefined && !wanted.includes('sasl')) wanted.push('sasl');
    this.caps = new CapNegotiator(
      {
        sendNow: (command, params, listParam) =>
          this.sendNow({ command, params }, listParam === true),
        capabilitiesChanged: (added, removed) =>
          this.emitter.emit('capabilitiesChanged', {
            added,
            removed,
            enabled: [...this.capabilities],
            time: this.now(),
            tags: new Map(),
          }),
        saslFailed: (error) => this.abortRegistration(error),
        limitBroken: (error) => this.abortRegistration(error),
      },
      wanted,
      options.sasl,
      this.limits.maxCapabilities,
    );
    this.keepalive = new ServerKeepalive(
      options.reactor,
      options.registrationTimeout ?? 60,
      options.pingInterval ?? 120,
      {
        sendPing: (token) => this.sendNow({ command: 'PING', params: [token] }),
        registrationTimedOut: (seconds) =>
          this.abortRegistration(
            new IRCTimeoutError('registration', seconds, 'registrationTimeout'),
          ),
        serverSilent: (seconds) => {
          this.log.warn('The IRC server sent nothing for {seconds} s; closing', { seconds });
          this.transport.abortConnection();
        },
      },
    );
    this.keepalive.start();
    this.caps.start();
    if (options.password !== undefined)
      this.sendNow({ command: 'PASS', params: [options.password] });
    this.nickAttempts = [this.nickname];
    this.sendNow({ command: 'NICK', params: [this.nickname] });
    this.sendNow({
      command: 'USER',
      params: [options.username ?? this.nickname, '0', '*', options.realname ?? this.nickname],
    });
  }

  override dataReceived(data: Uint8Array): void {
    this.keepalive?.activity();
    this.decoder?.feed(data);
  }

  override connectionLost(reason: Failure): void {
    this.lost = true;
    this.outgoing?.stop();
    this.keepalive?.stop();
    this.ctcp.stop();
    this.quitTimer?.cancel();
    this.quitTimer = null;
    const lost = (): ConnectionLost =>
      new ConnectionLost(`The IRC connection ended: ${reason.getErrorMessage()}`, {
        cause: reason.value,
      });
    this.queries.failAll(lost);
    this.settleRegistration(lost());
    for (const waiter of this.quitWaiters.splice(0)) waiter.callback(undefined);
    super.connectionLost(reason);
  }

  // --- sending -----------------------------------------------------------------------------

  /** Send a message through flood control. Throws InvalidIRCMessageError/LineTooLongError. */
  sendLine(message: IRCMessageInit): void {
    this.queueLine(message);
  }

  /** Queue a line; message text goes with a ':' even when it is one word, as clients send it. */
  protected queueLine(message: IRCMessageInit, trailing: 'auto' | 'always' = 'auto'): void {
    if (this.outgoing === null || this.lost) throw new NotConnectedError(`send ${message.command}`);
    this.outgoing.push(encodeLine(message, { trailing, maxTagBytes: MAX_CLIENT_TAG_BYTES }));
  }

  /** Send at once, past flood control: PONG and registration traffic. */
  protected sendNow(message: IRCMessageInit, trailing = false): void {
    if (this.lost || !this.hasTransport) return;
    this.transport.write(encodeLine(message, { trailing: trailing ? 'always' : 'auto' }));
  }

  // --- receiving ---------------------------------------------------------------------------

  private lineReceived(line: string): void {
    const message = tryParseMessage(line);
    if (message === null) {
      this.log.debug('Ignored a line that is not an IRC message: {line}', { line });
      return;
    }
    try {
      this.messageReceived(message);
    } catch (error) {
      // One message the client cannot handle must not cost the connection; log it and go on.
      this.log.failure('IRC client failed to handle {command}', error, {
        command: message.command,
      });
    }
  }

  /** Handle one parsed message (override to see every message before the client does). */
  protected messageReceived(message: IRCMessage): void {
    const time = this.timeOf(message);
    if (this.emitter.hasListeners('message'))
      this.emitter.emit('message', { message, time, tags: message.tags });
    if (message.command === 'PING') {
      this.sendNow({ command: 'PONG', params: message.params.slice(0, 1) });
      return;
    }
    if (this.caps?.handle(message) === true) return;
    // NAMES replies also keep channel members, whoever asked for them.
    if (message.command === '353' || message.command === '366') {
      this.dispatcher.dispatch(message, time);
      this.queries.handle(message);
      return;
    }
    if (this.queries.handle(message)) return;
    switch (message.command) {
      case '001':
        this.welcomed(message, time);
        return;
      case '005':
        if (this.isupport.raw.size < this.limits.maxISupportTokens) {
          this.isupport.update(message);
          this.channels.setCaseMapping(this.isupport.casemapping);
          for (const state of this.channels.values()) {
            state.members.byNick.setCaseMapping(this.isupport.casemapping);
          }
          this.pendingKeys.setCaseMapping(this.isupport.casemapping);
          this.emitter.emit('isupport', { time, tags: message.tags });
        }
        return;
      default:
        if (NICK_REFUSED.has(message.command) && !this.registered) {
          this.nickRefused();
          return;
        }
        if (REGISTRATION_REFUSED.has(message.command) && !this.registered) {
          // 464 ERR_PASSWDMISMATCH / 465 ERR_YOUREBANNEDCREEP: the server is about to close.
          const command = message.command === '464' ? 'PASS' : 'registration';
          this.abortRegistration(new IRCCommandError(command, message.command, message.params));
          return;
        }
        this.dispatcher.dispatch(message, time);
    }
  }

  private welcomed(message: IRCMessage, time: Date): void {
    this.registered = true;
    this.nickname = message.params[0] ?? this.nickname;
    this.serverName = message.source?.nick ?? null;
    this.caps?.registrationComplete();
    this.keepalive?.registered();
    this.emitter.emit('registered', {
      nickname: this.nickname,
      server: this.serverName ?? '',
      welcome: message.params[1] ?? '',
      time,
      tags: message.tags,
    });
    this.settleRegistration(true);
  }

  private nickRefused(): void {
    const next = nextNickChoice(
      this.nickAttempts,
      this.options.alternativeNicks,
      this.isupport.nicklen,
      this.limits.maxNickAttempts,
    );
    if (next === null) {
      this.abortRegistration(new NicknameUnavailableError(this.nickAttempts));
      return;
    }
    this.nickAttempts.push(next);
    this.nickname = next;
    this.sendNow({ command: 'NICK', params: [next] });
  }

  /** Give up registering: fail whenRegistered() with `error`, QUIT and close. */
  private abortRegistration(error: Error): void {
    this.settleRegistration(error);
    this.log.warn('IRC client giving up on the connection: {message}', { message: error.message });
    this.sendNow({ command: 'QUIT', params: [] });
    if (this.hasTransport) this.transport.loseConnection();
  }

  // --- for the event dispatcher ------------------------------------------------------------

  /** True when `nick` is ours under the server's case mapping. */
  isMe(nick: string): boolean {
    const nickname = this.nickname;
    if (nick === nickname) return true;
    if (nick.length !== nickname.length) return false;
    const mapping = this.isupport.casemapping;
    if (nickname !== this.foldedNickOf || mapping !== this.foldedNickMapping) {
      this.foldedNick = lowerIRC(nickname, mapping);
      this.foldedNickOf = nickname;
      this.foldedNickMapping = mapping;
    }
    return lowerIRC(nick, mapping) === this.foldedNick;
  }

  /** @internal The key join() was given for `channel`, consumed when our JOIN arrives. */
  takeJoinKey(channel: string): string | undefined {
    const key = this.pendingKeys.get(channel);
    this.pendingKeys.delete(channel);
    return key;
  }

  /** @internal The clock for events without server-time. */
  now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private timeOf(message: IRCMessage): Date {
    const stamp = message.tags.get('time');
    if (stamp !== undefined) {
      const parsed = serverTimeMillis(stamp);
      if (!Number.isNaN(parsed)) return new Date(parsed);
    }
    return this.now();
  }
}
