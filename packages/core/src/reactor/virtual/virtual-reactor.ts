import { ipv4Address, unixAddress } from '../../address/address.js';
import { Deferred } from '../../defer/deferred.js';
import type { Failure } from '../../defer/failure.js';
import { CannotListenError } from '../../errors/connection.js';
import { ReactorAlreadyRunning, ReactorNotRunning } from '../../errors/reactor.js';
import type { Address } from '../../interfaces/address.js';
import type { IProcessProtocol, IProcessTransport } from '../../interfaces/process.js';
import type {
  IClientFactory,
  IConnector,
  IDatagramProtocol,
  IMulticastTransport,
  IProtocolFactory,
  IUDPTransport,
} from '../../interfaces/protocol.js';
import type {
  IDelayedCall,
  IListeningPort,
  IReactor,
  ITriggerHandle,
  MulticastListenOptions,
  SystemEvent,
  SystemEventPhase,
  TCPConnectOptions,
  TCPListenOptions,
  UDPListenOptions,
  UNIXListenOptions,
} from '../../interfaces/reactor.js';
import type { TLSOptions } from '../../interfaces/tls.js';
import { SystemEventTriggers } from '../../testing/system-event-triggers.js';
import { TLSWrappingFactory } from '../../tls/tls-wrapping-factory.js';
import { NotSimulatedError } from './errors.js';
import type { SimulatedNetwork } from './simulated-network.js';
import { VirtualConnector, type VirtualDestination } from './virtual-connector.js';
import { VirtualListeningPort } from './virtual-port.js';
import { VirtualResolver } from './virtual-resolver.js';
import { VirtualStreamTransport } from './virtual-stream-transport.js';
import { VirtualUDPPort } from './virtual-udp.js';

const FIRST_EPHEMERAL_PORT = 49152;
const LAST_PORT = 65535;
const DEFAULT_MAX_PACKET_SIZE = 8192;

/**
 * The reactor of one host of a SimulatedNetwork (create it with `network.addHost(name)`). It
 * implements IReactor like NodeReactor: time is the network's shared virtual clock; TCP, TLS,
 * Unix and UDP go over the simulated network; host names resolve to the network's hosts.
 * Child processes are not simulated (spawnProcess throws NotSimulatedError).
 *
 * run() fires the startup triggers and keeps the process alive until stop(); stop() fires the
 * shutdown triggers, closes this host's ports and connections, and fires run()'s Deferred.
 */
export class VirtualReactor implements IReactor {
  readonly resolver: VirtualResolver;
  /** Open stream ports by TCP port number or Unix path. */
  readonly streamPorts = new Map<number | string, VirtualListeningPort>();
  readonly udpPorts = new Map<number, VirtualUDPPort>();
  readonly openConnectors = new Set<VirtualConnector>();
  readonly openConnections = new Set<VirtualStreamTransport>();
  /** When each outgoing link (by destination) finishes sending what is queued on it. */
  readonly linkBusyUntil = new Map<VirtualReactor, number>();
  /** Failures of system event triggers (reported, never thrown). */
  readonly triggerFailures: Failure[] = [];

  private nextPort = FIRST_EPHEMERAL_PORT;
  private readonly triggers = new SystemEventTriggers((failure) => {
    this.triggerFailures.push(failure);
    this.network.report('A system event trigger failed', failure.value);
  });
  private isRunning = false;
  private startedUp = false;
  private stopping = false;
  private whenStopped: Deferred<void> | null = null;

  constructor(
    readonly network: SimulatedNetwork,
    /** The host's name on the network. */
    readonly hostName: string,
    /** The host's IPv4 address. */
    readonly address: string,
  ) {
    this.resolver = new VirtualResolver(this);
  }

  // Time

  seconds(): number {
    return this.network.clock.seconds();
  }

  callLater<A extends unknown[]>(
    delay: number,
    fn: (...args: A) => unknown,
    ...args: A
  ): IDelayedCall {
    return this.network.clock.schedule(this, delay, fn, args);
  }

  /** The calls this host scheduled that are still pending. */
  getDelayedCalls(): IDelayedCall[] {
    return this.network.clock.getDelayedCalls(this);
  }

  // Lifecycle

  get running(): boolean {
    return this.isRunning;
  }

  run(): Deferred<void> {
    if (this.isRunning) throw new ReactorAlreadyRunning();
    this.isRunning = true;
    this.startedUp = false;
    const done = new Deferred<void>();
    this.whenStopped = done;
    this.network.holdProcess(1);
    this.triggers.fire('startup', () => {
      this.startedUp = true;
    });
    return done;
  }

  stop(): void {
    if (!this.isRunning || this.stopping) throw new ReactorNotRunning();
    this.stopping = true;
    // Like Twisted, shutdown starts on a later turn: the caller's stack unwinds first.
    this.callLater(0, () => {
      this.triggers.add('during', 'shutdown', () => this.closeEverything());
      this.triggers.fire('shutdown', () => {
        this.isRunning = false;
        this.stopping = false;
        this.startedUp = false;
        this.network.holdProcess(-1);
        const done = this.whenStopped;
        this.whenStopped = null;
        done?.callback(undefined);
      });
    });
  }

  callWhenRunning(fn: () => unknown): void {
    if (this.isRunning && this.startedUp) this.callLater(0, fn);
    else this.triggers.add('after', 'startup', fn);
  }

  addSystemEventTrigger(
    phase: SystemEventPhase,
    event: SystemEvent,
    fn: () => unknown,
  ): ITriggerHandle {
    return this.triggers.add(phase, event, fn);
  }

  removeSystemEventTrigger(handle: ITriggerHandle): void {
    this.triggers.remove(handle);
  }

  callFromThread(fn: () => unknown): void {
    this.callLater(0, fn);
  }

  // Streams: TCP, TLS, Unix

  listenTCP(
    port: number,
    factory: IProtocolFactory,
    options: TCPListenOptions = {},
  ): Deferred<IListeningPort> {
    const iface = options.interface ?? '0.0.0.0';
    if (!this.isLocalInterface(iface)) {
      return Deferred.fail(
        new CannotListenError(
          `Cannot listen on ${iface}:${port} on host "${this.hostName}": it is not an address ` +
            `of this host (use 0.0.0.0, ${this.address} or 127.0.0.1).`,
        ),
      );
    }
    const chosen = port === 0 ? this.allocatePort((p) => !this.streamPorts.has(p)) : port;
    if (chosen === null || this.streamPorts.has(chosen)) {
      return Deferred.fail(
        new CannotListenError(
          `TCP port ${port} on host "${this.hostName}" is already in use: pick another port or 0.`,
        ),
      );
    }
    const listening = new VirtualListeningPort(
      this,
      chosen,
      factory,
      ipv4Address('TCP', iface === '::' ? '0.0.0.0' : iface, chosen),
      iface,
    );
    this.streamPorts.set(chosen, listening);
    factory.doStart();
    return Deferred.succeed<IListeningPort>(listening);
  }

  connectTCP(
    host: string,
    port: number,
    factory: IClientFactory,
    options: TCPConnectOptions = {},
  ): IConnector {
    const timeout = options.timeout ?? this.network.settings.connectTimeout;
    const connector = new VirtualConnector(this, factory, { kind: 'TCP', host, port }, timeout);
    connector.connect();
    return connector;
  }

  listenTLS(
    port: number,
    factory: IProtocolFactory,
    tls: TLSOptions,
    options?: TCPListenOptions,
  ): Deferred<IListeningPort> {
    return this.listenTCP(port, new TLSWrappingFactory(factory, tls, 'server'), options);
  }

  connectTLS(
    host: string,
    port: number,
    factory: IClientFactory,
    tls: TLSOptions,
    options?: TCPConnectOptions,
  ): IConnector {
    return this.connectTCP(
      host,
      port,
      new TLSWrappingFactory(factory, tls, 'client', { host }),
      options,
    );
  }

  listenUNIX(
    path: string,
    factory: IProtocolFactory,
    _options: UNIXListenOptions = {},
  ): Deferred<IListeningPort> {
    if (this.streamPorts.has(path)) {
      return Deferred.fail(
        new CannotListenError(`The Unix socket ${path} on host "${this.hostName}" is in use.`),
      );
    }
    const listening = new VirtualListeningPort(this, path, factory, unixAddress(path), 'unix');
    this.streamPorts.set(path, listening);
    factory.doStart();
    return Deferred.succeed<IListeningPort>(listening);
  }

  connectUNIX(
    path: string,
    factory: IClientFactory,
    options: { readonly timeout?: number } = {},
  ): IConnector {
    const timeout = options.timeout ?? this.network.settings.connectTimeout;
    const connector = new VirtualConnector(this, factory, { kind: 'UNIX', path }, timeout);
    connector.connect();
    return connector;
  }

  // UDP

  listenUDP(
    port: number,
    protocol: IDatagramProtocol,
    options: UDPListenOptions = {},
  ): Deferred<IUDPTransport> {
    const iface = options.interface ?? '0.0.0.0';
    const chosen = port === 0 ? this.allocatePort((p) => !this.udpPorts.has(p)) : port;
    if (chosen === null || this.udpPorts.has(chosen)) {
      return Deferred.fail(
        new CannotListenError(
          `UDP port ${port} on host "${this.hostName}" is already in use: pick another port or 0.`,
        ),
      );
    }
    const udp = new VirtualUDPPort(
      this,
      chosen,
      protocol,
      iface,
      options.maxPacketSize ?? DEFAULT_MAX_PACKET_SIZE,
    );
    this.udpPorts.set(chosen, udp);
    udp.start();
    return Deferred.succeed<IUDPTransport>(udp);
  }

  listenMulticast(
    _port: number,
    _protocol: IDatagramProtocol,
    _options?: MulticastListenOptions,
  ): Deferred<IMulticastTransport> {
    return Deferred.fail(
      new NotSimulatedError('multicast', 'Use listenUDP and send to each host, or a NodeReactor.'),
    );
  }

  spawnProcess(
    _protocol: IProcessProtocol,
    executable: string,
    _args?: readonly string[],
  ): IProcessTransport {
    throw new NotSimulatedError(
      `child processes (spawnProcess of ${executable})`,
      'Run process tests on a NodeReactor.',
    );
  }

  // Used by the network, connectors and ports of this host

  /** Close every port, pending connection attempt and connection of this host (abort). */
  closeEverything(): void {
    for (const port of [...this.streamPorts.values()]) void port.stopListening();
    for (const udp of [...this.udpPorts.values()]) void udp.stopListening();
    for (const connector of [...this.openConnectors]) connector.stopConnecting();
    for (const connection of [...this.openConnections]) connection.abortConnection();
  }

  forgetPort(port: VirtualListeningPort): void {
    if (this.streamPorts.get(port.key) === port) this.streamPorts.delete(port.key);
  }

  /** The client side of a new connection from this host to `target`. */
  newClientEnd(target: VirtualReactor, destination: VirtualDestination): VirtualStreamTransport {
    if (destination.kind === 'UNIX') {
      return new VirtualStreamTransport({
        local: this,
        remote: target,
        side: 'client',
        host: unixAddress(null),
        peer: unixAddress(destination.path),
      });
    }
    const loopback = target === this;
    const localPort = this.allocatePort(() => true) ?? FIRST_EPHEMERAL_PORT;
    return new VirtualStreamTransport({
      local: this,
      remote: target,
      side: 'client',
      host: ipv4Address('TCP', loopback ? '127.0.0.1' : this.address, localPort),
      peer: ipv4Address('TCP', loopback ? '127.0.0.1' : target.address, destination.port),
      peerHostName: destination.host,
    });
  }

  /** A SYN from `clientEnd` arrived: answer with SYN-ACK, or RST when no port accepts it. */
  receiveSyn(clientEnd: VirtualStreamTransport, destination: VirtualDestination): void {
    const from = clientEnd.local;
    const key = destination.kind === 'TCP' ? destination.port : destination.path;
    const port = this.streamPorts.get(key);
    if (port === undefined || !port.accepts(from)) {
      this.network.sendReliable(this, from, 0, () => clientEnd.receiveReset());
      return;
    }
    const serverEnd = new VirtualStreamTransport({
      local: this,
      remote: from,
      side: 'server',
      host: clientEnd.getPeer(),
      peer: clientEnd.getHost(),
    });
    serverEnd.peerEnd = clientEnd;
    serverEnd.onHandshakeAck = () => port.accept(serverEnd);
    this.network.sendReliable(
      this,
      from,
      0,
      () => clientEnd.onSynAck?.(serverEnd),
      this.network.settings.userTimeout,
      () => serverEnd.discard(false),
    );
  }

  /** A datagram for UDP `port` arrived from `senderPort` on another (or this) host. */
  receiveDatagram(
    data: Uint8Array,
    from: Address & { host: string; port: number },
    port: number,
    senderPort: VirtualUDPPort,
  ): void {
    const udp = this.udpPorts.get(port);
    const sender = senderPort.reactorOf();
    if (udp !== undefined) {
      udp.deliver(data, from, sender);
      return;
    }
    this.network.sendPacket(this, sender, 0, () => senderPort.refused());
  }

  private isLocalInterface(iface: string): boolean {
    return ['0.0.0.0', '::', '', '127.0.0.1', '::1', 'localhost', this.address].includes(iface);
  }

  /** A free port number from the ephemeral range, or null when all are taken. */
  private allocatePort(isFree: (port: number) => boolean): number | null {
    for (let tries = 0; tries <= LAST_PORT - FIRST_EPHEMERAL_PORT; tries++) {
      const port = this.nextPort;
      this.nextPort = port >= LAST_PORT ? FIRST_EPHEMERAL_PORT : port + 1;
      if (isFree(port)) return port;
    }
    return null;
  }
}
