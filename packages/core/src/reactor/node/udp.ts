import * as dgram from 'node:dgram';

import { ipAddress } from '../../address/address.js';
import { Deferred } from '../../defer/deferred.js';
import { CannotListenError } from '../../errors/connection.js';
import type { Address } from '../../interfaces/address.js';
import type {
  IDatagramProtocol,
  IMulticastTransport,
  IUDPTransport,
} from '../../interfaces/protocol.js';
import type { MulticastListenOptions, UDPListenOptions } from '../../interfaces/reactor.js';
import type { ReactorServices } from './open-resources.js';
import { reportError } from './report-error.js';

/** Twisted's default receive size for a datagram. */
export const DEFAULT_MAX_PACKET_SIZE = 8192;

/**
 * A bound UDP socket handed to a DatagramProtocol as its transport. Datagrams arrive in
 * datagramReceived(data, addr); ones longer than `maxPacketSize` are cut to that size, as the
 * OS would with a receive buffer of that size. Multicast methods work on IPv4 and IPv6 sockets.
 */
export class UDPPort implements IMulticastTransport {
  readonly maxPacketSize: number;
  private closed: Deferred<void> | null = null;
  private bound = false;
  private connectState: 'unconnected' | 'connecting' | 'connected' = 'unconnected';
  private pendingWrites: Uint8Array[] = [];

  constructor(
    private readonly services: ReactorServices,
    private readonly socket: dgram.Socket,
    private readonly protocol: IDatagramProtocol,
    maxPacketSize: number,
    private readonly description: string,
  ) {
    this.maxPacketSize = maxPacketSize;
    socket.on('message', (message, remote) => this.onMessage(message, remote));
    socket.on('error', (error) => this.onError(error));
  }

  /** Bind, then makeConnection() → startProtocol(); fires with this port. */
  bind(port: number, host: string): Deferred<UDPPort> {
    const result = new Deferred<UDPPort>();
    const onError = (error: Error): void => {
      result.errback(
        new CannotListenError(`Could not listen on ${this.description}: ${error.message}`, {
          cause: error,
        }),
      );
    };
    this.socket.once('error', onError);
    this.socket.bind({ port, address: host, exclusive: true }, () => {
      this.socket.off('error', onError);
      this.bound = true;
      this.services.resources.ports.add(this);
      try {
        this.protocol.makeConnection(this);
      } catch (error) {
        reportError(`${this.protocol.constructor.name}.startProtocol threw`, error);
      }
      result.callback(this);
    });
    return result;
  }

  write(data: Uint8Array, addr?: { host: string; port: number }): void {
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(`write() takes a Uint8Array, got ${typeof data}: encode text first.`);
    }
    if (this.closed !== null) return;
    const onSent = (error: Error | null): void => {
      if (error !== null) this.onError(error);
    };
    if (addr !== undefined) {
      this.socket.send(data, addr.port, addr.host, onSent);
    } else if (this.connectState === 'connected') {
      this.socket.send(data, onSent);
    } else if (this.connectState === 'connecting') {
      // Node rejects an address-less send until 'connect'; keep the order by queueing.
      this.pendingWrites.push(data);
    } else {
      throw new TypeError(
        'write() without an address needs a connected port: call connect(host, port) first.',
      );
    }
  }

  /** Talk to one peer only. Datagrams written before the connect completes are queued. */
  connect(host: string, port: number): void {
    if (this.connectState !== 'unconnected') {
      throw new Error(`${this.description} is already connected; a UDP port connects once.`);
    }
    this.connectState = 'connecting';
    this.socket.connect(port, host, () => {
      this.connectState = 'connected';
      const queued = this.pendingWrites;
      this.pendingWrites = [];
      for (const data of queued) this.write(data);
    });
  }

  getHost(): Address {
    const bound = this.socket.address();
    return ipAddress('UDP', bound.address, bound.port);
  }

  stopListening(): Deferred<void> {
    if (this.closed !== null) return this.closed;
    const closed = new Deferred<void>();
    this.closed = closed;
    this.services.resources.ports.delete(this);
    if (!this.bound) {
      closed.callback(undefined);
      return closed;
    }
    this.socket.close(() => {
      try {
        this.protocol.stopProtocol();
      } catch (error) {
        reportError(`${this.protocol.constructor.name}.stopProtocol threw`, error);
      }
      closed.callback(undefined);
    });
    return closed;
  }

  setBroadcastAllowed(enabled: boolean): void {
    this.socket.setBroadcast(enabled);
  }

  joinGroup(address: string, iface?: string): void {
    this.socket.addMembership(address, iface);
  }

  leaveGroup(address: string, iface?: string): void {
    this.socket.dropMembership(address, iface);
  }

  setTTL(ttl: number): void {
    this.socket.setMulticastTTL(ttl);
  }

  setLoopbackMode(enabled: boolean): void {
    this.socket.setMulticastLoopback(enabled);
  }

  setOutgoingInterface(iface: string): void {
    this.socket.setMulticastInterface(iface);
  }

  private onMessage(message: Buffer, remote: dgram.RemoteInfo): void {
    if (this.closed !== null) return;
    const data =
      message.byteLength > this.maxPacketSize ? message.subarray(0, this.maxPacketSize) : message;
    try {
      this.protocol.datagramReceived(data, ipAddress('UDP', remote.address, remote.port));
    } catch (error) {
      // Unlike a stream, a datagram port has no connection to drop: report and keep listening.
      reportError(`${this.protocol.constructor.name}.datagramReceived threw`, error);
    }
  }

  private onError(error: Error): void {
    if ((error as { code?: unknown }).code === 'ECONNREFUSED') {
      try {
        this.protocol.connectionRefused();
      } catch (thrown) {
        reportError(`${this.protocol.constructor.name}.connectionRefused threw`, thrown);
      }
      return;
    }
    if (this.bound) reportError(`Error on ${this.description}`, error);
  }
}

function createPort(
  services: ReactorServices,
  port: number,
  protocol: IDatagramProtocol,
  options: UDPListenOptions,
  reuseAddr: boolean,
  what: string,
): Deferred<UDPPort> {
  const host = options.interface ?? '0.0.0.0';
  const socket = dgram.createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', reuseAddr });
  const udpPort = new UDPPort(
    services,
    socket,
    protocol,
    options.maxPacketSize ?? DEFAULT_MAX_PACKET_SIZE,
    `${what} port ${port} on ${host}`,
  );
  return udpPort.bind(port, host);
}

/** listenUDP: bind `port` on `options.interface` (default '0.0.0.0'; '::' or '::1' for IPv6). */
export function listenUDP(
  services: ReactorServices,
  port: number,
  protocol: IDatagramProtocol,
  options: UDPListenOptions = {},
): Deferred<IUDPTransport> {
  return createPort(services, port, protocol, options, false, 'UDP') as Deferred<IUDPTransport>;
}

/**
 * listenMulticast: a UDP port with the multicast controls. To receive a group's datagrams bind
 * the wildcard address or the group address itself, then joinGroup(). `listenMultiple` lets
 * several sockets on this host share the port.
 */
export function listenMulticast(
  services: ReactorServices,
  port: number,
  protocol: IDatagramProtocol,
  options: MulticastListenOptions = {},
): Deferred<IMulticastTransport> {
  return createPort(
    services,
    port,
    protocol,
    options,
    options.listenMultiple ?? false,
    'multicast UDP',
  ) as Deferred<IMulticastTransport>;
}
