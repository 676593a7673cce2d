import {
  Factory,
  Logger,
  defaultPeerKey,
  type Address,
  type IDelayedCall,
  type IReactor,
} from '@tw/core';
import type { Socket } from 'node:net';

import ssh2 from 'ssh2';
import type { Connection, ServerChannel, Session, TcpipBindInfo, TcpipRequestInfo } from 'ssh2';

import { TransportDuplex, TransportDuplexProtocol } from '../stream/transport-duplex.js';
import { SSHAuthenticator } from './authenticator.js';
import { handleDirectTcpip } from './direct-tcpip.js';
import { restrictHostKeyOffer } from './host-key-offer.js';
import { RemoteForwards } from './remote-forwarding.js';
import type { HostKey } from './host-keys.js';
import {
  DEFAULT_SERVER_ALGORITHMS,
  describePeer,
  resolveServerOptions,
  type ResolvedSSHServerOptions,
  type SSHServerOptions,
} from './options.js';
import { SessionChannel } from './session-channel.js';

/**
 * The protocol of one SSH connection: it feeds the transport's bytes to ssh2 (through a
 * TransportDuplex injected into the factory's ssh2 Server), so SSH runs over whatever
 * transport carries it — TCP, TLS, Unix, a memory pipe, a WebSocket.
 */
export class SSHServerProtocol extends TransportDuplexProtocol {
  /** The authenticated user's name, once logged in. */
  username: string | null = null;
  private client: Connection | null = null;
  private authenticator: SSHAuthenticator | null = null;
  private openChannels = 0;
  private timers: IDelayedCall[] = [];
  private idleCall: IDelayedCall | null = null;
  /** `ssh -R` listening ports, made on the first tcpip-forward request. */
  private remoteForwards: RemoteForwards | null = null;

  constructor(private readonly serverFactory: SSHServerFactory) {
    super((duplex) => serverFactory.inject(duplex, this));
  }

  override connectionMade(): void {
    const settings = this.serverFactory.settings;
    const reactor = this.serverFactory.reactor;
    this.timers.push(
      reactor.callLater(settings.loginGraceTime, () => {
        if (this.username === null) this.drop('login grace time over');
      }),
    );
    super.connectionMade();
    this.updateIdleTimer();
  }

  override connectionLost(reason: Parameters<TransportDuplexProtocol['connectionLost']>[0]): void {
    this.remoteForwards?.closeAll();
    for (const timer of this.timers) if (timer.active()) timer.cancel();
    if (this.idleCall?.active() === true) this.idleCall.cancel();
    this.timers = [];
    this.serverFactory.connectionEnded(this);
    this.authenticator?.user?.logout();
    super.connectionLost(reason);
  }

  /** Called by the factory when ssh2 has parsed the client's version line. */
  attachClient(client: Connection): void {
    this.client = client;
    const hostKeyAlgorithms = this.serverFactory.hostKeyAlgorithms;
    if (hostKeyAlgorithms !== null && !restrictHostKeyOffer(client, hostKeyAlgorithms)) {
      this.serverFactory.log.warn(
        'Could not take ssh-rsa (SHA-1) out of the host key offer: ssh2 has changed',
      );
    }
    const peer = this.transport.getPeer();
    const settings = this.serverFactory.settings;
    const authenticator = new SSHAuthenticator({
      portal: this.serverFactory.options.portal,
      peer,
      avatarInterface: settings.avatarInterface,
      maxAuthAttempts: settings.maxAuthAttempts,
      log: this.serverFactory.log,
      onTooManyAttempts: () => this.drop('too many authentication attempts'),
    });
    this.authenticator = authenticator;
    client.on('authentication', (ctx) => authenticator.handle(ctx));
    client.on('ready', () => {
      this.username = authenticator.user?.username ?? null;
    });
    client.on('session', (accept, reject) => this.onSession(accept, reject));
    client.on('tcpip', (accept, reject, info: TcpipRequestInfo) => {
      const user = authenticator.user;
      if (user === null) {
        reject();
        return;
      }
      try {
        this.forward(accept, reject, info, user, peer);
      } catch (error) {
        this.serverFactory.log.failure('direct-tcpip failed', error, {}, 'error');
        reject();
      }
    });
    // Global requests (ssh2 asks only once authenticated): tcpip-forward and its cancel.
    client.on(
      'request',
      (
        accept: ((port?: number) => void) | undefined,
        reject: (() => void) | undefined,
        name: string,
        info: TcpipBindInfo,
      ) => {
        const user = authenticator.user;
        if (user === null || !this.connected) {
          reject?.();
          return;
        }
        this.remoteForwards ??= this.makeRemoteForwards(client, user);
        this.remoteForwards.request(accept, reject, name, info);
      },
    );
    client.on('error', (error: Error) => {
      this.serverFactory.log.debug('SSH connection from {peer}: {error}', {
        peer: describePeer(peer),
        error: error.message,
      });
    });
  }

  private forward(
    accept: () => ServerChannel,
    reject: () => void,
    info: TcpipRequestInfo,
    user: { username: string; avatar: unknown },
    peer: Address,
  ): void {
    const settings = this.serverFactory.settings;
    handleDirectTcpip(accept, reject, info, {
      reactor: this.serverFactory.reactor,
      policy: this.serverFactory.options.forwardingPolicy,
      username: user.username,
      avatar: user.avatar,
      log: this.serverFactory.log,
      peer,
      mayOpenChannel: () => this.openChannels < settings.maxChannels,
      channelOpened: (channel) => this.countChannel(channel),
    });
  }

  private makeRemoteForwards(
    client: Connection,
    user: { username: string; avatar: unknown },
  ): RemoteForwards {
    const settings = this.serverFactory.settings;
    return new RemoteForwards({
      reactor: this.serverFactory.reactor,
      client,
      policy: this.serverFactory.options.remoteForwardingPolicy,
      gatewayPorts: settings.gatewayPorts,
      maxForwards: settings.maxRemoteForwards,
      username: user.username,
      avatar: user.avatar,
      log: this.serverFactory.log,
      mayOpenChannel: () => this.openChannels < settings.maxChannels,
      channelOpened: (channel) => this.countChannel(channel),
    });
  }

  private onSession(accept: () => Session, reject: () => void): void {
    const user = this.authenticator?.user ?? null;
    const settings = this.serverFactory.settings;
    if (user === null || this.openChannels >= settings.maxChannels) {
      reject();
      return;
    }
    const session = accept();
    this.channelCountChanged(1);
    session.once('close', () => this.channelCountChanged(-1));
    const options = this.serverFactory.options;
    new SessionChannel(session, {
      username: user.username,
      avatar: user.avatar,
      peer: this.transport.getPeer(),
      host: this.transport.getHost(),
      reactor: this.serverFactory.reactor,
      log: this.serverFactory.log,
      sessionFactory: options.sessionFactory,
      subsystems: options.subsystems ?? [],
      acceptedEnv: settings.acceptedEnv,
    });
  }

  private countChannel(channel: ServerChannel): void {
    this.channelCountChanged(1);
    channel.once('close', () => this.channelCountChanged(-1));
  }

  private channelCountChanged(delta: number): void {
    this.openChannels += delta;
    this.updateIdleTimer();
  }

  /**
   * The idle timer runs while no channel is open (sshd's UnusedConnectionTimeout): a quiet shell
   * or a long silent command is not idle, a connection holding no channel is. Dead peers with
   * open channels are found by the keepalives.
   */
  private updateIdleTimer(): void {
    const timeout = this.serverFactory.settings.idleTimeout;
    if (timeout === null || !this.connected) return;
    if (this.openChannels > 0) {
      if (this.idleCall?.active() === true) this.idleCall.cancel();
      this.idleCall = null;
    } else if (this.idleCall === null || !this.idleCall.active()) {
      this.idleCall = this.serverFactory.reactor.callLater(timeout, () =>
        this.drop('idle timeout'),
      );
    }
  }

  /** Disconnect politely, and for good shortly after if the peer does not go. */
  private drop(why: string): void {
    if (!this.connected) return;
    this.serverFactory.log.info('Dropping SSH connection from {peer}: {why}', {
      peer: describePeer(this.transport.getPeer()),
      why,
    });
    try {
      this.client?.end();
    } catch {
      // already gone
    }
    if (this.client === null) this.transport.loseConnection();
    const transport = this.transport;
    this.timers.push(
      this.serverFactory.reactor.callLater(5, () => {
        if (this.connected) transport.abortConnection();
      }),
    );
  }
}

/**
 * A @tw/core Factory for SSH servers on ssh2:
 * `endpoint.listen(new SSHServerFactory(reactor, { hostKeys, portal, sessionFactory }))`.
 * Authentication goes through the cred portal; session channels go to the session factory;
 * subsystems to their handlers; direct-tcpip (`ssh -L`) and tcpip-forward (`ssh -R`) only where
 * their policies allow them.
 */
export class SSHServerFactory extends Factory<SSHServerProtocol> {
  readonly settings: ResolvedSSHServerOptions;
  readonly log: Logger;
  /** The host key algorithms offered, when given as a list (see restrictHostKeyOffer). */
  readonly hostKeyAlgorithms: readonly string[] | null;
  private readonly server: InstanceType<typeof ssh2.Server>;
  private readonly protocolsByDuplex = new WeakMap<TransportDuplex, SSHServerProtocol>();
  private readonly connectionsByPeer = new Map<string, number>();
  private readonly peerKeys = new WeakMap<SSHServerProtocol, string>();

  constructor(
    readonly reactor: IReactor,
    readonly options: SSHServerOptions,
  ) {
    super();
    this.settings = resolveServerOptions(options);
    // Subsystem handlers are handed a Logger (SubsystemContext): one in the same namespace.
    const log = options.log;
    this.log = log instanceof Logger ? log : new Logger(log?.namespace ?? 'tw.ssh.server');
    const hostKeys = options.hostKeys.map((key) =>
      typeof key === 'string' || Buffer.isBuffer(key) ? key : (key as HostKey).privateKey,
    );
    const algorithms = options.algorithms ?? DEFAULT_SERVER_ALGORITHMS;
    this.hostKeyAlgorithms = Array.isArray(algorithms.serverHostKey)
      ? algorithms.serverHostKey
      : null;
    const config: ssh2.ServerConfig = {
      hostKeys,
      algorithms,
      ident: options.ident ?? 'tw_ssh',
      keepaliveInterval: this.settings.keepaliveInterval * 1000,
      keepaliveCountMax: this.settings.keepaliveCountMax,
    };
    if (options.banner !== undefined) config.banner = options.banner;
    this.server = new ssh2.Server(config);
    this.server.on('connection', (client: Connection) => {
      const socket = (client as unknown as { _sock?: unknown })._sock;
      const protocol =
        socket instanceof TransportDuplex ? this.protocolsByDuplex.get(socket) : undefined;
      if (protocol === undefined) {
        client.end();
        return;
      }
      protocol.attachClient(client);
    });
    this.server.on('error', (error: Error) => {
      this.log.debug('SSH server error: {error}', { error: error.message });
    });
  }

  override buildProtocol(addr: Address): SSHServerProtocol | null {
    const limit = this.settings.maxConnectionsPerPeer;
    const key = defaultPeerKey(addr);
    const count = this.connectionsByPeer.get(key) ?? 0;
    if (limit !== null && count >= limit) {
      this.log.info('Refused SSH connection from {peer}: {count} connections already', {
        peer: describePeer(addr),
        count,
      });
      return null;
    }
    this.connectionsByPeer.set(key, count + 1);
    const protocol = new SSHServerProtocol(this);
    protocol.factory = this;
    this.peerKeys.set(protocol, key);
    return protocol;
  }

  /** Hand a connection's Duplex to ssh2. */
  inject(duplex: TransportDuplex, protocol: SSHServerProtocol): void {
    this.protocolsByDuplex.set(duplex, protocol);
    this.server.injectSocket(duplex as unknown as Socket);
  }

  /** Bookkeeping when a connection ends. */
  connectionEnded(protocol: SSHServerProtocol): void {
    const key = this.peerKeys.get(protocol);
    if (key === undefined) return;
    this.peerKeys.delete(protocol);
    const count = (this.connectionsByPeer.get(key) ?? 1) - 1;
    if (count <= 0) this.connectionsByPeer.delete(key);
    else this.connectionsByPeer.set(key, count);
  }
}
