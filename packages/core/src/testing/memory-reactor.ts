import { ipAddress, unixAddress } from '../address/address.js';
import { Deferred } from '../defer/deferred.js';
import type { Failure } from '../defer/failure.js';
import { ReactorAlreadyRunning, ReactorNotRunning } from '../errors/reactor.js';
import type { Address } from '../interfaces/address.js';
import type {
  IClientFactory,
  IDatagramProtocol,
  IProtocolFactory,
} from '../interfaces/protocol.js';
import type {
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
} from '../interfaces/reactor.js';
import type { TLSOptions } from '../interfaces/tls.js';
import type { IProcessProtocol, SpawnProcessOptions } from '../interfaces/process.js';
import { FakeProcessTransport } from './fake-process-transport.js';
import { Clock } from '../task/clock.js';
import {
  FakeConnector,
  FakeListeningPort,
  FakeMulticastTransport,
  FakeUDPTransport,
} from './memory-ports.js';
import { MemoryResolver } from './memory-resolver.js';
import { SystemEventTriggers } from './system-event-triggers.js';

/** A recorded listenTCP call. */
export interface TCPServerRecord {
  readonly port: number;
  readonly factory: IProtocolFactory;
  readonly options: TCPListenOptions;
  readonly listeningPort: FakeListeningPort;
}

/** A recorded listenTLS call. */
export interface TLSServerRecord extends TCPServerRecord {
  readonly tls: TLSOptions;
}

/** A recorded connectTCP call. */
export interface TCPClientRecord {
  readonly host: string;
  readonly port: number;
  readonly factory: IClientFactory;
  readonly options: TCPConnectOptions;
  readonly connector: FakeConnector;
}

/** A recorded connectTLS call. */
export interface TLSClientRecord extends TCPClientRecord {
  readonly tls: TLSOptions;
}

/** A recorded listenUNIX call. */
export interface UNIXServerRecord {
  readonly path: string;
  readonly factory: IProtocolFactory;
  readonly options: UNIXListenOptions;
  readonly listeningPort: FakeListeningPort;
}

/** A recorded connectUNIX call. */
export interface UNIXClientRecord {
  readonly path: string;
  readonly factory: IClientFactory;
  readonly options: { readonly timeout?: number };
  readonly connector: FakeConnector;
}

/** A recorded listenUDP call. */
export interface UDPPortRecord {
  readonly port: number;
  readonly protocol: IDatagramProtocol;
  readonly options: UDPListenOptions;
  readonly transport: FakeUDPTransport;
}

/** A recorded listenMulticast call. */
export interface MulticastPortRecord {
  readonly port: number;
  readonly protocol: IDatagramProtocol;
  readonly options: MulticastListenOptions;
  readonly transport: FakeMulticastTransport;
}

/** A recorded spawnProcess call. */
export interface ProcessRecord {
  readonly protocol: IProcessProtocol;
  readonly executable: string;
  readonly args: readonly string[];
  readonly options: SpawnProcessOptions;
  readonly transport: FakeProcessTransport;
}

/** Where "port 0" listens pick their fake port numbers from. */
const FIRST_EPHEMERAL_PORT = 49152;

/**
 * A reactor without I/O for unit tests — Twisted's MemoryReactorClock. Every listen and connect
 * call is recorded (tcpServers, tcpClients, tlsServers, …) with its arguments and answered with
 * a fake port or connector the test drives; time is a Clock (advance(), jump(), pump());
 * run()/stop() fire the startup and shutdown triggers as a real reactor does, a 'before
 * shutdown' trigger that returns a Deferred delaying the rest; host names resolve from a table.
 *
 * ```ts
 * const reactor = new MemoryReactor();
 * await endpoint.listen(factory);
 * expect(reactor.tcpServers[0]).toMatchObject({ port: 8080, options: { interface: '127.0.0.1' } });
 * ```
 */
export class MemoryReactor extends Clock implements IReactor {
  running = false;
  /** True once run() was called. */
  hasRun = false;
  /** True once a stop() completed. */
  hasStopped = false;
  readonly resolver: MemoryResolver;

  readonly tcpServers: TCPServerRecord[] = [];
  readonly tcpClients: TCPClientRecord[] = [];
  readonly tlsServers: TLSServerRecord[] = [];
  readonly tlsClients: TLSClientRecord[] = [];
  readonly unixServers: UNIXServerRecord[] = [];
  readonly unixClients: UNIXClientRecord[] = [];
  readonly udpPorts: UDPPortRecord[] = [];
  readonly multicastPorts: MulticastPortRecord[] = [];
  /** Every spawnProcess call; drive the fake child through `transport`. */
  readonly processes: ProcessRecord[] = [];
  /** Every connector handed out, in order (TCP, TLS and Unix). */
  readonly connectors: FakeConnector[] = [];
  /** Failures of system event triggers (a real reactor would log them). */
  readonly triggerFailures: Failure[] = [];
  /**
   * When set, listen* calls are still recorded but their Deferred fails with this error — to
   * test what happens when a port cannot be bound.
   */
  listenError: unknown = null;

  private readonly triggers = new SystemEventTriggers((failure) =>
    this.triggerFailures.push(failure),
  );
  private startupDone = false;
  private stopping = false;
  private whenStopped: Deferred<void> | null = null;
  private nextEphemeralPort = FIRST_EPHEMERAL_PORT;
  private nextPid = 1000;

  constructor(options: { resolver?: MemoryResolver } = {}) {
    super();
    this.resolver = options.resolver ?? new MemoryResolver();
  }

  run(): Deferred<void> {
    if (this.running) throw new ReactorAlreadyRunning();
    this.running = true;
    this.hasRun = true;
    this.startupDone = false;
    const whenStopped = new Deferred<void>();
    this.whenStopped = whenStopped;
    this.triggers.fire('startup', () => {
      this.startupDone = true;
    });
    return whenStopped;
  }

  stop(): void {
    if (!this.running || this.stopping) throw new ReactorNotRunning();
    this.stopping = true;
    this.triggers.fire('shutdown', () => {
      this.running = false;
      this.stopping = false;
      this.startupDone = false;
      this.hasStopped = true;
      const whenStopped = this.whenStopped;
      this.whenStopped = null;
      whenStopped?.callback(undefined);
    });
  }

  callWhenRunning(fn: () => unknown): void {
    if (this.running && this.startupDone) fn();
    else this.addSystemEventTrigger('after', 'startup', fn);
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

  /** Runs `fn` on the next clock turn (advance(0)). */
  callFromThread(fn: () => unknown): void {
    this.callLater(0, fn);
  }

  listenTCP(
    port: number,
    factory: IProtocolFactory,
    options: TCPListenOptions = {},
  ): Deferred<IListeningPort> {
    const listeningPort = this.fakePort(
      ipAddress('TCP', options.interface ?? '0.0.0.0', this.portNumber(port)),
      factory,
    );
    this.tcpServers.push({ port, factory, options, listeningPort });
    return this.listenResult(listeningPort);
  }

  connectTCP(
    host: string,
    port: number,
    factory: IClientFactory,
    options: TCPConnectOptions = {},
  ): FakeConnector {
    const connector = this.fakeConnector(ipAddress('TCP', host, port), factory);
    this.tcpClients.push({ host, port, factory, options, connector });
    return connector;
  }

  listenTLS(
    port: number,
    factory: IProtocolFactory,
    tls: TLSOptions,
    options: TCPListenOptions = {},
  ): Deferred<IListeningPort> {
    const listeningPort = this.fakePort(
      ipAddress('TCP', options.interface ?? '0.0.0.0', this.portNumber(port)),
      factory,
    );
    this.tlsServers.push({ port, factory, tls, options, listeningPort });
    return this.listenResult(listeningPort);
  }

  connectTLS(
    host: string,
    port: number,
    factory: IClientFactory,
    tls: TLSOptions,
    options: TCPConnectOptions = {},
  ): FakeConnector {
    const connector = this.fakeConnector(ipAddress('TCP', host, port), factory);
    this.tlsClients.push({ host, port, factory, tls, options, connector });
    return connector;
  }

  listenUNIX(
    path: string,
    factory: IProtocolFactory,
    options: UNIXListenOptions = {},
  ): Deferred<IListeningPort> {
    const listeningPort = this.fakePort(unixAddress(path), factory);
    this.unixServers.push({ path, factory, options, listeningPort });
    return this.listenResult(listeningPort);
  }

  connectUNIX(
    path: string,
    factory: IClientFactory,
    options: { readonly timeout?: number } = {},
  ): FakeConnector {
    const connector = this.fakeConnector(unixAddress(path), factory);
    this.unixClients.push({ path, factory, options, connector });
    return connector;
  }

  /** Records the call and starts the protocol on a FakeUDPTransport (makeConnection). */
  listenUDP(
    port: number,
    protocol: IDatagramProtocol,
    options: UDPListenOptions = {},
  ): Deferred<FakeUDPTransport> {
    const address = ipAddress('UDP', options.interface ?? '0.0.0.0', this.portNumber(port));
    const transport = new FakeUDPTransport(address, protocol, options.maxPacketSize);
    this.udpPorts.push({ port, protocol, options, transport });
    return this.startDatagram(transport);
  }

  listenMulticast(
    port: number,
    protocol: IDatagramProtocol,
    options: MulticastListenOptions = {},
  ): Deferred<FakeMulticastTransport> {
    const address = ipAddress('UDP', options.interface ?? '0.0.0.0', this.portNumber(port));
    const transport = new FakeMulticastTransport(address, protocol, options.maxPacketSize);
    this.multicastPorts.push({ port, protocol, options, transport });
    return this.startDatagram(transport);
  }

  /**
   * Records the call and connects the protocol to a FakeProcessTransport (makeConnection); no
   * process runs — the test plays the child through the transport (receive, exit, …).
   */
  spawnProcess(
    protocol: IProcessProtocol,
    executable: string,
    args: readonly string[] = [],
    options: SpawnProcessOptions = {},
  ): FakeProcessTransport {
    const transport = new FakeProcessTransport(protocol, this.nextPid++, options.childFDs);
    this.processes.push({ protocol, executable, args, options, transport });
    protocol.makeConnection(transport);
    return transport;
  }

  private portNumber(requested: number): number {
    return requested === 0 ? this.nextEphemeralPort++ : requested;
  }

  private fakePort(address: Address, factory: IProtocolFactory): FakeListeningPort {
    return new FakeListeningPort(address, factory);
  }

  private listenResult(listeningPort: FakeListeningPort): Deferred<IListeningPort> {
    if (this.listenError !== null) {
      listeningPort.listening = false;
      return Deferred.fail(this.listenError);
    }
    return Deferred.succeed(listeningPort);
  }

  private fakeConnector(destination: Address, factory: IClientFactory): FakeConnector {
    const connector = new FakeConnector(destination, factory);
    this.connectors.push(connector);
    factory.startedConnecting(connector);
    return connector;
  }

  private startDatagram<T extends FakeUDPTransport>(transport: T): Deferred<T> {
    if (this.listenError !== null) {
      transport.listening = false;
      return Deferred.fail(this.listenError);
    }
    transport.protocol.makeConnection(transport);
    return Deferred.succeed(transport);
  }
}

/** Twisted's name for the same thing: a memory reactor with a Clock. */
export { MemoryReactor as MemoryReactorClock };
