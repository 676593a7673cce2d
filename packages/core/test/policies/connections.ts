import type { Address, IProtocol, IProtocolFactory } from '../../src/index.js';
import { Factory, Protocol } from '../../src/index.js';
import { StringTransport } from '../../src/testing/index.js';

/** A protocol that records what it sees through its transport. */
export class Probe extends Protocol {
  readonly received: Uint8Array[] = [];
  lost = false;
  peerAtConnect: Address | null = null;
  hostAtConnect: Address | null = null;

  override connectionMade(): void {
    this.peerAtConnect = this.transport.getPeer();
    this.hostAtConnect = this.transport.getHost();
  }

  override dataReceived(data: Uint8Array): void {
    this.received.push(data.slice());
  }

  override connectionLost(): void {
    this.lost = true;
  }

  text(): string {
    return this.received.map((c) => new TextDecoder().decode(c)).join('');
  }
}

/** A factory of Probes that remembers every address it was asked to build for. */
export function probeFactory(): Factory<Probe> & { built: Probe[]; addresses: Address[] } {
  const factory = Object.assign(new Factory<Probe>(Probe), {
    built: [] as Probe[],
    addresses: [] as Address[],
  });
  const build = factory.buildProtocol.bind(factory);
  factory.buildProtocol = (addr: Address) => {
    factory.addresses.push(addr);
    const protocol = build(addr);
    if (protocol !== null) factory.built.push(protocol);
    return protocol;
  };
  return factory;
}

/** What a listening port does: build a protocol for `peer` and connect it to a transport. */
export function accept(
  factory: IProtocolFactory,
  peer: Address,
): { protocol: IProtocol | null; transport: StringTransport } {
  const transport = new StringTransport({ peer });
  const protocol = factory.buildProtocol(peer);
  if (protocol !== null) transport.connect(protocol);
  return { protocol, transport };
}
