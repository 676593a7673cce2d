import type { Failure } from '../../src/defer/failure.js';
import type { Address } from '../../src/interfaces/address.js';
import type { IConnector, IProtocol } from '../../src/interfaces/protocol.js';
import type { IListeningPort } from '../../src/interfaces/reactor.js';
import { ClientFactory, Factory } from '../../src/protocol/factory.js';
import type { NodeReactor, NodeReactorOptions } from '../../src/reactor/node/node-reactor.js';
import { NodeReactorHarness, Recorder, signal } from '../../src/testing/index.js';

export { Echo, Recorder, signal, type Signal } from '../../src/testing/index.js';

/**
 * The reactor tests' helpers: the shared kit (@tw/core/testing: Recorder, Echo, signal, a
 * NodeReactorHarness) plus the factories these tests inspect.
 */
const reactors = new NodeReactorHarness();

/** A running reactor for one test; stop them all with stopReactors() in afterEach. */
export function startReactor(options: NodeReactorOptions = {}): NodeReactor {
  return reactors.start(options);
}

export function stopReactors(): Promise<void> {
  return reactors.stopAll();
}

export const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

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
  /** Resolves with the first protocol built. */
  readonly firstBuilt = signal<P>();
  readonly failed = signal<Failure>();
  readonly lostConnection = signal<Failure>();
  readonly events: string[] = [];

  constructor(private readonly build: () => P | null) {
    super();
  }

  override buildProtocol(_addr: Address): P | null {
    const protocol = this.build();
    if (protocol !== null) {
      this.built.push(protocol);
      this.firstBuilt.resolve(protocol);
    }
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

/** A protocol whose dataReceived throws ('parser exploded'): what the reactor must survive. */
export class ExplodingRecorder extends Recorder {
  override dataReceived(): void {
    throw new Error('parser exploded');
  }
}

/**
 * Listen on a loopback TCP port of `reactor` with protocols from `buildServer`, and connect to
 * it from `connectFrom` (default: the same reactor) with protocols from `buildClient`.
 */
export async function listenAndConnectTCP<S extends IProtocol, C extends IProtocol>(
  reactor: NodeReactor,
  buildServer: () => S | null,
  buildClient: () => C | null,
  connectFrom: NodeReactor = reactor,
): Promise<{
  server: Factory<S> & { built: S[] };
  port: IListeningPort;
  client: RecordingClientFactory<C>;
  connector: IConnector;
}> {
  const server = serverFactory(buildServer);
  const port = await reactor.listenTCP(0, server, { interface: '127.0.0.1' });
  const client = new RecordingClientFactory(buildClient);
  const connector = connectFrom.connectTCP('127.0.0.1', portOf(port.getHost()), client);
  return { server, port, client, connector };
}

/**
 * Connect to a server of {@link ExplodingRecorder}s and send it 'boom'; resolves once the
 * server side is lost, with its reason and the client protocol.
 */
export async function sendToExplodingServer(
  reactor: NodeReactor,
): Promise<{ serverReason: Failure; client: Recorder }> {
  const { server, client } = await listenAndConnectTCP(
    reactor,
    () => new ExplodingRecorder(),
    () => new Recorder(),
  );
  const protocol = await client.firstBuilt.promise;
  await protocol.made.promise;
  protocol.transport.write(encode('boom'));
  return { serverReason: await server.built[0]!.lost.promise, client: protocol };
}
