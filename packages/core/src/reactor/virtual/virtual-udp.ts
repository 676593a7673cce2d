import { ipv4Address } from '../../address/address.js';
import { Deferred } from '../../defer/deferred.js';
import type { Address } from '../../interfaces/address.js';
import type { IDatagramProtocol, IUDPTransport } from '../../interfaces/protocol.js';
import type { VirtualReactor } from './virtual-reactor.js';

/**
 * A UDP port on a simulated host. Datagrams meet the link's latency, jitter and bandwidth and
 * are dropped when lost or partitioned — nothing retransmits them. A datagram to a port nobody
 * listens on is dropped; on a connected port the sender hears connectionRefused(), as with ICMP
 * port unreachable.
 */
export class VirtualUDPPort implements IUDPTransport {
  readonly maxPacketSize: number;
  private connectedTo: { readonly host: VirtualReactor; readonly port: number } | null = null;
  private listening = true;

  constructor(
    private readonly reactor: VirtualReactor,
    readonly port: number,
    private readonly protocol: IDatagramProtocol,
    private readonly iface: string,
    maxPacketSize: number,
  ) {
    this.maxPacketSize = maxPacketSize;
  }

  /** The host this port is on. */
  reactorOf(): VirtualReactor {
    return this.reactor;
  }

  /** makeConnection() → startProtocol(), as a bound Node port does. */
  start(): void {
    this.protocol.makeConnection(this);
  }

  write(data: Uint8Array, addr?: { host: string; port: number }): void {
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(`write() takes a Uint8Array, got ${typeof data}: encode text first.`);
    }
    if (!this.listening) return;
    const limit = this.reactor.network.settings.maxDatagramSize;
    if (data.byteLength > limit) {
      throw new RangeError(
        `A datagram of ${data.byteLength} bytes is larger than the ${limit} bytes one may carry: split it.`,
      );
    }
    let target: VirtualReactor | undefined;
    let port: number;
    if (addr === undefined) {
      if (this.connectedTo === null) {
        throw new Error('write() without an address needs a connected port: connect() first.');
      }
      ({ host: target, port } = this.connectedTo);
    } else {
      target = this.reactor.network.lookup(this.reactor, addr.host);
      port = addr.port;
      if (target === undefined) return; // No route: a real stack drops it too.
    }
    const copy = data.slice();
    const to = target;
    this.reactor.network.sendPacket(this.reactor, to, copy.byteLength, () =>
      to.receiveDatagram(copy, this.sourceAddressFor(to), port, this),
    );
  }

  connect(host: string, port: number): void {
    const target = this.reactor.network.lookup(this.reactor, host);
    if (target === undefined) {
      throw new Error(
        `Cannot connect a UDP port to ${host}: no such host on the simulated network.`,
      );
    }
    this.connectedTo = { host: target, port };
  }

  getHost(): Address {
    return ipv4Address('UDP', this.iface, this.port);
  }

  stopListening(): Deferred<void> {
    if (this.listening) {
      this.listening = false;
      this.reactor.udpPorts.delete(this.port);
      try {
        this.protocol.stopProtocol();
      } catch (error) {
        this.reactor.network.report('A datagram protocol stopProtocol() threw', error);
      }
    }
    return Deferred.succeed(undefined);
  }

  setBroadcastAllowed(_enabled: boolean): void {
    // Broadcast addresses are not simulated; there is nothing to allow.
  }

  /** A datagram for this port arrived from `from` (on host `sender`). */
  deliver(
    data: Uint8Array,
    from: Address & { host: string; port: number },
    sender: VirtualReactor,
  ): void {
    if (!this.listening) return;
    const peer = this.connectedTo;
    if (peer !== null && (peer.host !== sender || peer.port !== from.port)) return;
    const bytes =
      data.byteLength > this.maxPacketSize ? data.subarray(0, this.maxPacketSize) : data;
    try {
      this.protocol.datagramReceived(bytes, from);
    } catch (error) {
      this.reactor.network.report('A datagram protocol datagramReceived() threw', error);
    }
  }

  /** The port we sent to was closed: a connected port hears connectionRefused(). */
  refused(): void {
    if (!this.listening || this.connectedTo === null) return;
    try {
      this.protocol.connectionRefused();
    } catch (error) {
      this.reactor.network.report('A datagram protocol connectionRefused() threw', error);
    }
  }

  private sourceAddressFor(target: VirtualReactor): Address & { host: string; port: number } {
    const host = target === this.reactor ? '127.0.0.1' : this.reactor.address;
    return ipv4Address('UDP', host, this.port);
  }
}
