import type { Failure } from '../../src/defer/failure.js';
import type { Address } from '../../src/interfaces/address.js';
import type { IConnector, IProtocol } from '../../src/interfaces/protocol.js';
import { ClientFactory, Factory } from '../../src/protocol/factory.js';
import { Protocol } from '../../src/protocol/protocol.js';
import { NodeReactor, type NodeReactorOptions } from '../../src/reactor/node/node-reactor.js';

/** A promise with its resolver outside (Promise.withResolvers is Node 22). */
export interface Signal<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  readonly fired: boolean;
}

export function signal<T = void>(): Signal<T> {
  let resolveFn!: (value: T) => void;
  let fired = false;
  const promise = new Promise<T>((resolve) => {
    resolveFn = resolve;
  });
  return {
    promise,
    resolve(value: T) {
      fired = true;
      resolveFn(value);
    },
    get fired() {
      return fired;
    },
  };
}

const running: NodeReactor[] = [];

/** A running reactor for one test; stop them all with stopReactors() in afterEach. */
export function startReactor(options: NodeReactorOptions = {}): NodeReactor {
  const reactor = new NodeReactor({
    installSignalHandlers: false,
    shutdownGracePeriod: 1,
    ...options,
  });
  void reactor.run();
  running.push(reactor);
  return reactor;
}

export async function stopReactors(): Promise<void> {
  const reactors = running.splice(0);
  for (const reactor of reactors) {
    if (!reactor.running) continue;
    const stopped = signal();
    reactor.addSystemEventTrigger('after', 'shutdown', () => stopped.resolve());
    try {
      reactor.stop();
    } catch {
      // already stopping: the trigger still fires
    }
    await stopped.promise;
  }
}

const decoder = new TextDecoder();
export const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Records what happens to it; `made`/`lost` resolve at connectionMade/connectionLost. */
export class Recorder extends Protocol {
  readonly chunks: Uint8Array[] = [];
  received = 0;
  readonly made = signal();
  readonly lost = signal<Failure>();
  /** Resolves once `received` reaches `expecting` (set before data arrives). */
  expecting = Infinity;
  readonly enough = signal();

  override connectionMade(): void {
    this.made.resolve();
  }

  override dataReceived(data: Uint8Array): void {
    this.chunks.push(data);
    this.received += data.byteLength;
    if (this.received >= this.expecting) this.enough.resolve();
  }

  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    this.lost.resolve(reason);
  }

  text(): string {
    return this.chunks.map((chunk) => decoder.decode(chunk, { stream: true })).join('');
  }
}

export class Echo extends Recorder {
  override dataReceived(data: Uint8Array): void {
    super.dataReceived(data);
    this.transport.write(data);
  }
}

/** A server factory that remembers every protocol it built. */
export function serverFactory<P extends IProtocol>(
  build: () => P | null,
): Factory<P> & { built: P[] } {
  const built: P[] = [];
  const factory = Factory.forProtocol<P>(() => {
    const protocol = build();
    if (protocol !== null) built.push(protocol);
    return protocol;
  }) as Factory<P> & { built: P[] };
  factory.built = built;
  return factory;
}

/** A client factory recording the connector callbacks. */
export class RecordingClientFactory<P extends IProtocol> extends ClientFactory<P> {
  readonly built: P[] = [];
  readonly failed = signal<Failure>();
  readonly lostConnection = signal<Failure>();
  readonly events: string[] = [];

  constructor(private readonly build: () => P | null) {
    super();
  }

  override buildProtocol(_addr: Address): P | null {
    const protocol = this.build();
    if (protocol !== null) this.built.push(protocol);
    return protocol;
  }

  override startFactory(): void {
    this.events.push('startFactory');
  }

  override stopFactory(): void {
    this.events.push('stopFactory');
  }

  override startedConnecting(_connector: IConnector): void {
    this.events.push('startedConnecting');
  }

  override clientConnectionFailed(_connector: IConnector, reason: Failure): void {
    this.events.push('clientConnectionFailed');
    this.failed.resolve(reason);
  }

  override clientConnectionLost(_connector: IConnector, reason: Failure): void {
    this.events.push('clientConnectionLost');
    this.lostConnection.resolve(reason);
  }
}

/** The port a listening port was bound to. */
export function portOf(address: Address): number {
  if (address.family !== 'IPv4' && address.family !== 'IPv6')
    throw new Error(`not an IP address: ${address.family}`);
  return address.port;
}
