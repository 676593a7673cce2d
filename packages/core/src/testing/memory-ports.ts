import { Deferred } from '../defer/deferred.js';
import { Failure } from '../defer/failure.js';
import { ConnectionRefusedError, UserError } from '../errors/connection.js';
import type { Address } from '../interfaces/address.js';
import type {
  IClientFactory,
  IConnector,
  IDatagramProtocol,
  IMulticastTransport,
  IProtocol,
  IProtocolFactory,
  IUDPTransport,
} from '../interfaces/protocol.js';
import type { IListeningPort } from '../interfaces/reactor.js';
import { StringTransport } from './string-transport.js';

/** A protocol and the recording transport it was connected to by a fake port or connector. */
export interface FakeConnection<P extends IProtocol = IProtocol> {
  readonly protocol: P;
  readonly transport: StringTransport;
}

/**
 * The port a MemoryReactor's listen* call returns. Nothing listens: inspect `listening`, and
 * call acceptConnection() to play an incoming connection through the factory.
 */
export class FakeListeningPort implements IListeningPort {
  /** False once stopListening() was called. */
  listening = true;
  /** How many times stopListening() was called. */
  stopListeningCalls = 0;

  constructor(
    private readonly address: Address,
    /** The factory the port was given. */
    readonly factory: IProtocolFactory,
  ) {}

  getHost(): Address {
    return this.address;
  }

  stopListening(): Deferred<void> {
    this.stopListeningCalls++;
    this.listening = false;
    return Deferred.succeed(undefined);
  }

  /**
   * Build a protocol for a connection from `peer` and connect it to a StringTransport, as an
   * accepted connection would be. Returns null when the factory refuses (buildProtocol → null).
   */
  acceptConnection(peer: Address): FakeConnection | null {
    const protocol = this.factory.buildProtocol(peer);
    if (protocol === null) return null;
    const transport = new StringTransport({ peer, host: this.address, protocol });
    protocol.makeConnection(transport);
    return { protocol, transport };
  }
}

export type FakeConnectorState = 'connecting' | 'connected' | 'disconnected';

/**
 * The connector a MemoryReactor's connect* call returns, left in the 'connecting' state. Drive
 * the attempt from the test: succeed() connects a protocol to a StringTransport, fail() reports
 * a failed attempt to the factory; stopConnecting()/disconnect()/connect() act like the real ones.
 */
export class FakeConnector implements IConnector {
  state: FakeConnectorState = 'connecting';
  /** True once stopConnecting() was called (directly or by disconnect()). */
  stoppedConnecting = false;
  /** True once disconnect() was called. */
  disconnected = false;
  /** How many times connect() was called to retry. */
  connectCalls = 0;
  /** The current connection, once succeed() was called. */
  connection: FakeConnection | null = null;

  constructor(
    private readonly destination: Address,
    /** The factory the connect* call was given. */
    readonly factory: IClientFactory,
  ) {}

  getDestination(): Address {
    return this.destination;
  }

  stopConnecting(): void {
    if (this.state !== 'connecting') {
      throw new Error(
        `stopConnecting() needs a connection attempt in progress; this connector is ${this.state}.`,
      );
    }
    this.stoppedConnecting = true;
    this.fail(new UserError());
  }

  disconnect(): void {
    this.disconnected = true;
    if (this.state === 'connecting') this.stopConnecting();
    else if (this.state === 'connected') this.connection?.transport.loseConnection();
  }

  connect(): void {
    this.connectCalls++;
    this.state = 'connecting';
    this.connection = null;
    this.factory.startedConnecting(this);
  }

  /**
   * Complete the attempt: build the protocol, connect it to a StringTransport whose peer is the
   * destination, and report its connectionLost to the factory's clientConnectionLost later.
   * Returns null (and disconnects) when the factory refuses to build a protocol.
   */
  succeed(
    host: Address = { family: 'IPv4', type: 'TCP', host: '127.0.0.1', port: 50000 },
  ): FakeConnection | null {
    if (this.state !== 'connecting') {
      throw new Error(
        `succeed() needs a connection attempt in progress; this connector is ${this.state}.`,
      );
    }
    const protocol = this.factory.buildProtocol(this.destination);
    if (protocol === null) {
      this.state = 'disconnected';
      return null;
    }
    // Real connectors tell the factory after the protocol hears of the loss; a relay does that here.
    const relay: IProtocol = {
      makeConnection: (transport) => protocol.makeConnection(transport),
      connectionMade: () => protocol.connectionMade(),
      dataReceived: (data) => protocol.dataReceived(data),
      connectionLost: (reason) => {
        protocol.connectionLost(reason);
        this.state = 'disconnected';
        this.factory.clientConnectionLost(this, reason);
      },
    };
    const transport = new StringTransport({ peer: this.destination, host, protocol: relay });
    this.state = 'connected';
    this.connection = { protocol, transport };
    protocol.makeConnection(transport);
    return this.connection;
  }

  /** Fail the attempt: the factory's clientConnectionFailed gets `reason` (default: refused). */
  fail(reason: unknown = new ConnectionRefusedError()): void {
    if (this.state !== 'connecting') {
      throw new Error(
        `fail() needs a connection attempt in progress; this connector is ${this.state}.`,
      );
    }
    this.state = 'disconnected';
    this.factory.clientConnectionFailed(this, Failure.from(reason));
  }
}

/** A datagram written by a protocol to a FakeUDPTransport. */
export interface SentDatagram {
  readonly data: Uint8Array;
  readonly addr: { host: string; port: number } | undefined;
}

/**
 * The UDP port a MemoryReactor's listenUDP returns: records what the protocol sends, and
 * receive() delivers a datagram to it.
 */
export class FakeUDPTransport implements IUDPTransport {
  readonly sent: SentDatagram[] = [];
  listening = true;
  broadcastAllowed = false;
  /** Set by connect(). */
  connectedTo: { host: string; port: number } | null = null;

  constructor(
    private readonly address: Address,
    readonly protocol: IDatagramProtocol,
    readonly maxPacketSize = 8192,
  ) {}

  write(data: Uint8Array, addr?: { host: string; port: number }): void {
    if (addr === undefined && this.connectedTo === null) {
      throw new Error(
        'write() on an unconnected UDP port needs an address: pass { host, port } or connect() first.',
      );
    }
    this.sent.push({ data: data.slice(), addr: addr ?? this.connectedTo ?? undefined });
  }

  connect(host: string, port: number): void {
    this.connectedTo = { host, port };
  }

  getHost(): Address {
    return this.address;
  }

  stopListening(): Deferred<void> {
    if (this.listening) {
      this.listening = false;
      this.protocol.stopProtocol();
    }
    return Deferred.succeed(undefined);
  }

  setBroadcastAllowed(enabled: boolean): void {
    this.broadcastAllowed = enabled;
  }

  /** Deliver a datagram to the protocol, as if it arrived from `from`. */
  receive(data: Uint8Array, from: Address): void {
    this.protocol.datagramReceived(data, from);
  }
}

/** The multicast port a MemoryReactor's listenMulticast returns; records group membership. */
export class FakeMulticastTransport extends FakeUDPTransport implements IMulticastTransport {
  readonly groups = new Set<string>();
  ttl = 1;
  loopback = true;
  outgoingInterface: string | null = null;

  joinGroup(address: string): void {
    this.groups.add(address);
  }

  leaveGroup(address: string): void {
    this.groups.delete(address);
  }

  setTTL(ttl: number): void {
    this.ttl = ttl;
  }

  setLoopbackMode(enabled: boolean): void {
    this.loopback = enabled;
  }

  setOutgoingInterface(iface: string): void {
    this.outgoingInterface = iface;
  }
}
