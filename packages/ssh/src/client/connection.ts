import {
  Deferred,
  type IListeningPort,
  type IProtocol,
  type IStreamServerEndpoint,
} from '@tw/core';
import type { Client, ClientChannel, PseudoTtyOptions, SFTPWrapper } from 'ssh2';

import { ChannelTransport } from '../channel/channel-transport.js';
import {
  SSHChannelError,
  SSHClientClosedError,
  SSHConnectionError,
  type HostKeyTarget,
} from './errors.js';
import { collectExecOutput, type ExecOptions, type ExecResult, type PtyOptions } from './exec.js';
import {
  forwardLocal,
  forwardRemote,
  type RemoteForwardTarget,
  type RemoteForwarding,
} from './forwarding.js';
import { SFTPClient } from './sftp-client.js';
import { SSH_CLIENT_DEFAULTS, type SSHClientOptions } from './options.js';

/** Options of runProtocol and shell. */
export interface ChannelProtocolOptions {
  /** Environment variables to ask for (subject to the server's AcceptEnv). */
  readonly env?: Readonly<Record<string, string>>;
  /** Allocate a pseudo-terminal. */
  readonly pty?: boolean | PtyOptions;
}

function ptyOf(pty: boolean | PtyOptions | undefined): PseudoTtyOptions | false {
  if (pty === undefined || pty === false) return false;
  if (pty === true) return {};
  return {
    ...(pty.term === undefined ? {} : { term: pty.term }),
    ...(pty.cols === undefined ? {} : { cols: pty.cols }),
    ...(pty.rows === undefined ? {} : { rows: pty.rows }),
    ...(pty.width === undefined ? {} : { width: pty.width }),
    ...(pty.height === undefined ? {} : { height: pty.height }),
  };
}

/**
 * An authenticated SSH connection (made by connectSSH). Every method returns a Deferred; every
 * channel can carry any @tw Protocol through a ChannelTransport.
 */
export class SSHClientConnection {
  /** The ssh2 Client underneath, for what this class does not wrap. */
  readonly client: Client;
  /** The host and port the host key was checked for. */
  readonly target: HostKeyTarget;
  private readonly options: SSHClientOptions;
  private closed = false;
  private readonly closeWaiters: Array<Deferred<void>> = [];

  constructor(client: Client, target: HostKeyTarget, options: SSHClientOptions) {
    this.client = client;
    this.target = target;
    this.options = options;
    client.on('close', () => {
      this.closed = true;
      for (const waiter of this.closeWaiters.splice(0)) waiter.callback(undefined);
    });
    // After authentication, errors end in 'close'; listening keeps them from being thrown.
    client.on('error', () => {});
  }

  /** True once the connection has closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Run `command` and collect its output: fires with stdout, stderr, the exit code and signal.
   * A non-zero exit is a result, not an error; a channel the server refuses is SSHChannelError.
   */
  exec(command: string, options: ExecOptions = {}): Deferred<ExecResult> {
    const limit =
      options.maxOutputBytes ?? this.options.maxOutputBytes ?? SSH_CLIENT_DEFAULTS.maxOutputBytes;
    return this.openExec(command, options).addCallback((channel) =>
      collectExecOutput(channel, command, options.stdin, limit, () => this.closed),
    );
  }

  /**
   * Run `command` with `protocol` on its stdio: the protocol's writes are the command's stdin,
   * its stdout arrives in dataReceived (stderr in `errReceived` when the protocol has it, the
   * exit status in `exitReceived`). Fires with the protocol once connectionMade has run.
   */
  runProtocol<P extends IProtocol>(
    command: string,
    protocol: P,
    options: ChannelProtocolOptions = {},
  ): Deferred<P> {
    return this.openExec(command, options).addCallback((channel) =>
      this.attach(channel, protocol, `ssh exec ${JSON.stringify(command)} on ${this.where()}`),
    );
  }

  /** Start the user's login shell with `protocol` on it (a pty by default, like `ssh host`). */
  shell<P extends IProtocol>(protocol: P, options: ChannelProtocolOptions = {}): Deferred<P> {
    return this.call<ClientChannel>('a shell session', (done) => {
      const env = options.env === undefined ? {} : { env: { ...options.env } };
      this.client.shell(ptyOf(options.pty ?? true), env, done);
    }).addCallback((channel) => this.attach(channel, protocol, `ssh shell on ${this.where()}`));
  }

  /**
   * Start the named subsystem (`ssh -s name`, e.g. netconf) with `protocol` on its channel.
   * Fires with the protocol once connectionMade has run.
   */
  subsystem<P extends IProtocol>(name: string, protocol: P): Deferred<P> {
    return this.call<ClientChannel>(`the ${name} subsystem`, (done) =>
      this.client.subsys(name, done),
    ).addCallback((channel) =>
      this.attach(channel, protocol, `ssh subsystem ${name} on ${this.where()}`),
    );
  }

  /**
   * Open a direct-tcpip channel: the server connects to `host`:`port` and `protocol` talks to
   * it, as through `ssh -W`. Fires with the protocol once connectionMade has run.
   */
  openDirectTCPIP<P extends IProtocol>(host: string, port: number, protocol: P): Deferred<P> {
    return this.openDirectChannel(host, port).addCallback((channel) =>
      this.attach(channel, protocol, `ssh direct-tcpip to ${host}:${port} via ${this.where()}`),
    );
  }

  /** Open a raw direct-tcpip channel (used by local forwarding). */
  openDirectChannel(
    host: string,
    port: number,
    origin: { host: string; port: number } = { host: '127.0.0.1', port: 0 },
  ): Deferred<ClientChannel> {
    return this.call<ClientChannel>(`a direct-tcpip channel to ${host}:${port}`, (done) => {
      this.client.forwardOut(origin.host, origin.port, host, port, done);
    });
  }

  /** Start the SFTP subsystem. */
  sftp(): Deferred<SFTPClient> {
    return this.call<SFTPWrapper>('the sftp subsystem', (done) =>
      this.client.sftp(done),
    ).addCallback((wrapper) => new SFTPClient(wrapper));
  }

  /**
   * Local forwarding (`ssh -L`): listen on `endpoint` (e.g. `tcp:0:interface=127.0.0.1`); each
   * connection accepted there is relayed to `remoteHost`:`remotePort` from the server's side.
   */
  forwardLocal(
    endpoint: IStreamServerEndpoint,
    remoteHost: string,
    remotePort: number,
  ): Deferred<IListeningPort> {
    return forwardLocal(this, endpoint, remoteHost, remotePort);
  }

  /**
   * Remote forwarding (`ssh -R`): the server listens on `bindAddress`:`bindPort` (0: it picks)
   * and connections arriving there reach `target` (a factory, or an endpoint to relay to).
   */
  forwardRemote(
    bindAddress: string,
    bindPort: number,
    target: RemoteForwardTarget,
  ): Deferred<RemoteForwarding> {
    return forwardRemote(this, bindAddress, bindPort, target);
  }

  /** Close the connection (all its channels); fires once it is closed. */
  close(): Deferred<void> {
    const closed = this.whenClosed();
    if (!this.closed) this.client.end();
    return closed;
  }

  /** Fires when the connection closes, whoever closed it. */
  whenClosed(): Deferred<void> {
    if (this.closed) return Deferred.succeed(undefined);
    const waiter = new Deferred<void>();
    this.closeWaiters.push(waiter);
    return waiter;
  }

  private openExec(
    command: string,
    options: { env?: Readonly<Record<string, string>>; pty?: boolean | PtyOptions },
  ): Deferred<ClientChannel> {
    return this.call<ClientChannel>(`exec ${JSON.stringify(command)}`, (done) => {
      const pty = ptyOf(options.pty);
      this.client.exec(
        command,
        {
          ...(options.env === undefined ? {} : { env: { ...options.env } }),
          ...(pty === false ? {} : { pty }),
        },
        done,
      );
    });
  }

  private attach<P extends IProtocol>(channel: ClientChannel, protocol: P, description: string): P {
    new ChannelTransport(channel, protocol, {
      description,
      peer: { family: 'custom', scheme: 'ssh', description },
    }).start();
    return protocol;
  }

  /** Run an ssh2 call that takes a node-style callback, as a Deferred. */
  call<T>(
    what: string,
    start: (done: (error: Error | undefined, value: T) => void) => void,
  ): Deferred<T> {
    if (this.closed) return Deferred.fail(new SSHClientClosedError());
    const result = new Deferred<T>();
    try {
      start((error, value) => {
        if (result.called) return;
        if (!error) result.callback(value);
        else if (this.closed) {
          // ssh2 fails pending requests of a dead connection as if the server had refused them.
          result.errback(
            new SSHConnectionError(`The SSH connection was lost while waiting for ${what}.`, {
              cause: error,
            }),
          );
        } else result.errback(new SSHChannelError(what, { cause: error }));
      });
    } catch (error) {
      // ssh2 throws synchronously when the connection is no longer writable.
      if (!result.called) result.errback(new SSHChannelError(what, { cause: error }));
    }
    return result;
  }

  /** `host:port` for descriptions. */
  where(): string {
    return `${this.target.host}:${this.target.port}`;
  }
}
