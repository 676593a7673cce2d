import { Numerics } from '../wire/numerics.js';
import {
  Protocol,
  isSSLTransport,
  type Failure,
  type IDelayedCall,
  type IPushProducer,
  type Address,
} from '@tw/core';
import { IRCLineDecoder, tryParseMessage } from '../wire/parser.js';
import type { IRCMessage } from '../wire/message.js';
import { sendWelcome } from './commands/registration.js';
import { COMMANDS } from './commands/table.js';
import { FloodGate } from './flood-gate.js';
import { Delivery, type OutboundMessage } from './outbound.js';
import type { IRCServerContext } from './server-context.js';
import { ServerUser, type IRCClientLink } from './user.js';
import { CommandSequencer } from './command-sequencer.js';

/** Seconds a closing connection may take to flush before it is aborted. */
const CLOSE_GRACE_SECONDS = 10;

/** Where a connection is in its life: the state the command table is checked against. */
export type ConnectionState = 'unregistered' | 'registered' | 'closed';

/**
 * One client connection to the IRC server (RFC 2812 client protocol, Modern IRC, IRCv3).
 *
 * makeConnection → connectionMade → dataReceived* → connectionLost. Bytes are cut into lines
 * (512-byte and tag limits), paced by a token bucket, parsed and dispatched through the command
 * table in commands/table.ts, which checks the registration state and parameter count before a
 * handler runs. The protocol registers itself as a push producer on its transport: while the
 * transport holds it paused (the client is not reading), output is queued here and counted, and
 * past `sendQueueBytes` the client is dropped.
 */
export class IRCServerProtocol extends Protocol implements IPushProducer, IRCClientLink {
  state: ConnectionState = 'unregistered';
  /** Set once connectionMade ran. */
  user!: ServerUser;
  readonly enabledCaps = new Set<string>();
  /** CAP LS/REQ before registration holds registration until CAP END. */
  capNegotiating = false;
  /** The CAP LS version the client asked for (302 enables values and cap-notify). */
  capVersion = 0;
  /** The password the client sent with PASS, checked at registration. */
  password: string | null = null;
  /** Set by the SASL handler while an exchange is under way. */
  sasl: { mechanism: string; buffer: string; pending: boolean } | null = null;

  private readonly decoder: IRCLineDecoder;
  private readonly flood: FloodGate;
  private outputPaused = false;
  private pendingOutput: Uint8Array[] = [];
  private pendingBytes = 0;
  private lastReceivedAt = 0;
  private awaitingPong = false;
  private registrationTimer: IDelayedCall | null = null;
  private pingTimer: IDelayedCall | null = null;
  private closeTimer: IDelayedCall | null = null;
  private quitMessage = 'Connection closed';
  /** Runs commands in order, holding lines while one waits, and labels their replies. */
  private readonly sequencer: CommandSequencer;

  constructor(readonly server: IRCServerContext) {
    super();
    const config = server.config;
    this.decoder = new IRCLineDecoder({
      maxLineBytes: config.maxLineBytes,
      maxTagBytes: config.maxTagBytes,
      fallback: config.utf8Only ? 'reject' : config.latin1Fallback ? 'latin1' : null,
    });
    this.decoder.onLine = (line) => {
      this.lineReceived(line);
    };
    // Modern IRC: 417 for a line (or its tags) over the limit; the line is dropped and the
    // connection carries on, as real servers do.
    this.decoder.onTooLong = () => {
      this.numeric(Numerics.ERR_INPUTTOOLONG, 'Input line was too long');
    };
    // IRCv3 UTF8ONLY: a line that is not UTF-8 is refused, naming its command when it has one.
    this.decoder.onInvalidEncoding = (line) => {
      const command = tryParseMessage(line)?.command ?? '*';
      this.send({
        source: config.serverName,
        command: 'FAIL',
        params: [
          /^[A-Za-z]+$|^\d{3}$/.test(command) ? command : '*',
          'INVALID_UTF8',
          'Message rejected, your IRC software MUST use UTF-8 encoding on this network',
        ],
      });
    };
    this.sequencer = new CommandSequencer({
      enabledCaps: this.enabledCaps,
      config,
      isClosed: () => this.state === 'closed',
      runCommand: (message) => {
        this.runCommand(message);
      },
      write: (line) => {
        this.sendBytes(line);
      },
      nextBatchId: () => server.nextBatchId(),
      overflow: () => {
        this.disconnect('Excess Flood');
      },
    });
    this.flood = new FloodGate(server.reactor, config.flood, {
      process: (line) => {
        this.sequencer.line(line);
      },
      excess: () => {
        this.disconnect('Excess Flood');
      },
    });
  }

  get config(): IRCServerContext['config'] {
    return this.server.config;
  }

  override connectionMade(): void {
    this.user = new ServerUser(hostOf(this.transport.getPeer()), this);
    this.user.secure = isSSLTransport(this.transport);
    this.server.state.unregisteredCount++;
    this.transport.registerProducer(this, true);
    this.lastReceivedAt = this.server.reactor.seconds();
    if (this.config.registrationTimeout > 0) {
      this.registrationTimer = this.server.reactor.callLater(
        this.config.registrationTimeout,
        () => {
          this.registrationTimer = null;
          if (this.state === 'unregistered') this.disconnect('Registration timed out');
        },
      );
    }
  }

  override dataReceived(data: Uint8Array): void {
    if (this.state === 'closed') return;
    this.decoder.feed(data);
  }

  private lineReceived(line: string): void {
    if (this.state === 'closed') return;
    this.lastReceivedAt = this.server.reactor.seconds();
    this.awaitingPong = false;
    this.flood.offer(line);
  }

  /** Run one parsed command; a bug in a handler drops this client, never the server. */
  private runCommand(message: IRCMessage): void {
    try {
      this.dispatch(message);
    } catch (error) {
      this.config.logger?.failure('IRC command {command} failed', error, {
        command: message.command,
      });
      this.disconnect('Internal server error');
    }
  }

  /**
   * The command being handled will finish later (an asynchronous login): the lines that follow,
   * and its labeled response, wait until `resumeInput`.
   */
  suspendInput(): void {
    this.sequencer.suspend();
  }

  /** Finish the suspended command with `work`, then handle the lines that waited, in order. */
  resumeInput(work: () => void): void {
    this.sequencer.resume(work);
  }

  /** Run one parsed message through the command table. */
  dispatch(message: IRCMessage): void {
    const command = COMMANDS.get(message.command);
    if (command === undefined) {
      if (this.state === 'registered') {
        this.numeric(Numerics.ERR_UNKNOWNCOMMAND, message.command, 'Unknown command');
      } else {
        this.numeric(Numerics.ERR_NOTREGISTERED, 'You have not registered');
      }
      return;
    }
    if (command.when === 'registered' && this.state !== 'registered') {
      this.numeric(Numerics.ERR_NOTREGISTERED, 'You have not registered');
      return;
    }
    if (command.when === 'unregistered' && this.state === 'registered') {
      this.numeric(Numerics.ERR_ALREADYREGISTERED, 'You may not reregister');
      return;
    }
    if (message.params.length < command.minParams) {
      this.numeric(Numerics.ERR_NEEDMOREPARAMS, message.command, 'Not enough parameters');
      return;
    }
    command.handle(this, message);
  }

  // ——— output ———

  /** The name replies address the client by: its nick, or `*` before it has one. */
  get target(): string {
    return this.user.nick;
  }

  /** Send a numeric reply: `:server <code> <nick> params…`. */
  numeric(code: string, ...params: string[]): void {
    this.send({ source: this.config.serverName, command: code, params: [this.target, ...params] });
  }

  /** Send one message to this client alone (with the tags its capabilities ask for). */
  send(message: OutboundMessage): void {
    if (this.state === 'closed') return;
    this.sendBytes(new Delivery(message, this.config.now()).bytesFor(this.user));
  }

  sendBytes(data: Uint8Array): void {
    if (this.state === 'closed') return;
    if (this.sequencer.capture(data)) return;
    if (!this.outputPaused) {
      this.transport.write(data);
      return;
    }
    this.pendingOutput.push(data);
    this.pendingBytes += data.byteLength;
    const limit = this.config.sendQueueBytes;
    if (limit > 0 && this.pendingBytes > limit) this.dropForSendQueue();
  }

  /** Send past a labeled response being collected: for a copy the label does not belong on. */
  sendUnlabeled(data: Uint8Array): void {
    this.sequencer.unlabeled(() => {
      this.sendBytes(data);
    });
  }

  /** The transport's buffer is full: hold our output and count it against the send queue. */
  pauseProducing(): void {
    this.outputPaused = true;
  }

  resumeProducing(): void {
    this.outputPaused = false;
    const pending = this.pendingOutput;
    this.pendingOutput = [];
    this.pendingBytes = 0;
    if (pending.length > 0 && this.state !== 'closed') this.transport.writeSequence(pending);
  }

  stopProducing(): void {
    this.outputPaused = true;
  }

  private dropForSendQueue(): void {
    if (this.state === 'closed') return;
    // The client is not reading, so the ERROR would never reach it: abort at once.
    this.quitMessage = 'SendQ exceeded';
    this.pendingOutput = [];
    this.pendingBytes = 0;
    this.finish();
    this.transport.abortConnection();
  }

  // ——— registration and timers ———

  /** Complete registration when NICK, USER, PASS, CAP and SASL all allow it. */
  maybeRegister(): void {
    if (this.state !== 'unregistered' || this.capNegotiating || this.sasl !== null) return;
    if (this.user.nick === '*' || this.user.username === '') return;
    this.registrationCompleted();
  }

  private registrationCompleted(): void {
    const config = this.config;
    if (config.password !== null && this.password !== config.password) {
      this.numeric(Numerics.ERR_PASSWDMISMATCH, 'Password incorrect');
      this.disconnect('Bad password');
      return;
    }
    if (this.server.state.findUser(this.user.nick) !== undefined) {
      this.numeric(Numerics.ERR_NICKNAMEINUSE, this.user.nick, 'Nickname is already in use');
      this.user.nick = '*';
      return;
    }
    this.registrationTimer?.cancel();
    this.registrationTimer = null;
    // A TLS layer started over the connection may have finished its handshake since.
    this.user.secure = isSSLTransport(this.transport);
    this.state = 'registered';
    this.server.state.unregisteredCount--;
    this.user.registered = true;
    this.user.signonTime = this.server.unixNow();
    this.user.lastMessageAt = this.server.reactor.seconds();
    this.server.state.addUser(this.user);
    this.schedulePing(config.pingInterval);
    sendWelcome(this);
    this.server.presenceChanged(this.user.nick, this.user);
  }

  private schedulePing(delay: number): void {
    if (this.config.pingInterval <= 0) return;
    this.pingTimer = this.server.reactor.callLater(delay, () => {
      this.pingTimer = null;
      this.pingCheck();
    });
  }

  /**
   * Runs when the client may have gone quiet. Rather than resetting a timer on every line (costly
   * under load), it looks at when the last line came and sleeps again for the remainder.
   */
  private pingCheck(): void {
    if (this.state !== 'registered') return;
    const { pingInterval, pingTimeout } = this.config;
    const quiet = this.server.reactor.seconds() - this.lastReceivedAt;
    if (this.awaitingPong) {
      if (quiet >= pingInterval + pingTimeout) {
        this.disconnect(`Ping timeout: ${Math.round(quiet)} seconds`);
        return;
      }
      this.schedulePing(pingInterval + pingTimeout - quiet);
      return;
    }
    if (quiet < pingInterval) {
      this.schedulePing(pingInterval - quiet);
      return;
    }
    this.awaitingPong = true;
    this.send({ source: null, command: 'PING', params: [this.config.serverName] });
    this.schedulePing(pingTimeout);
  }

  // ——— closing ———

  /**
   * Close the link: the client gets `ERROR :Closing Link: host (reason)`, its channels see
   * `QUIT :quitMessage` (default: the reason).
   */
  disconnect(reason: string, quitMessage: string = reason): void {
    if (this.state === 'closed') return;
    this.quitMessage = quitMessage;
    this.send({
      source: null,
      command: 'ERROR',
      params: [`Closing Link: ${this.user.host} (${reason})`],
    });
    this.sequencer.flush();
    this.finish();
    if (this.pendingOutput.length > 0) {
      const pending = this.pendingOutput;
      this.pendingOutput = [];
      this.pendingBytes = 0;
      this.transport.writeSequence(pending);
    }
    this.transport.loseConnection();
    // A client that never reads would hold the close up for ever.
    this.closeTimer = this.server.reactor.callLater(CLOSE_GRACE_SECONDS, () => {
      this.closeTimer = null;
      this.transport.abortConnection();
    });
  }

  /** Leave the server's state (QUIT to channels, WHOWAS) and stop timers; idempotent. */
  private finish(): void {
    if (this.state === 'closed') return;
    const wasRegistered = this.state === 'registered';
    this.state = 'closed';
    this.registrationTimer?.cancel();
    this.registrationTimer = null;
    this.pingTimer?.cancel();
    this.pingTimer = null;
    this.flood.stop();
    this.transport.unregisterProducer();
    const server = this.server;
    if (!wasRegistered) {
      server.state.unregisteredCount--;
      return;
    }
    const user = this.user;
    server.deliverToNeighbours(
      user,
      { source: user.mask, command: 'QUIT', params: [this.quitMessage], account: user.account },
      false,
    );
    for (const channel of [...user.channels]) server.state.leaveChannel(user, channel);
    server.state.rememberNick(user, server.unixNow());
    server.state.removeUser(user);
    server.monitor.clear(user);
    server.presenceChanged(user.nick, null);
  }

  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    this.closeTimer?.cancel();
    this.closeTimer = null;
    if (this.state !== 'closed') {
      this.quitMessage = 'Connection closed';
      this.finish();
    }
  }
}

/** The host part of a user's mask: the peer's address (no DNS lookups). */
function hostOf(addr: Address): string {
  if (addr.family === 'IPv4' || addr.family === 'IPv6') {
    // A leading ':' would read as the start of a trailing parameter.
    return addr.host.startsWith(':') ? `0${addr.host}` : addr.host;
  }
  return 'localhost';
}
