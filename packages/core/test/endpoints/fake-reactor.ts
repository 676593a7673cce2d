import {
  ConnectionRefusedError,
  Deferred,
  Failure,
  UserError,
  ipAddress,
  unixAddress,
  type Address,
  type IClientFactory,
  type IConnector,
  type IListeningPort,
  type IProtocol,
  type IProtocolFactory,
  type IReactor,
  type IResolver,
  type TCPConnectOptions,
  type TCPListenOptions,
  type TLSOptions,
  type UNIXListenOptions,
} from '../../src/index.js';
import { Clock, StringTransport } from '../../src/testing/index.js';

/**
 * A small fake reactor for endpoint tests: virtual time (Clock), recorded listen/connect calls,
 * connectors the test drives (succeed / fail), and a table resolver whose answers can be held.
 * Only what endpoints use is implemented; the rest throws.
 */
export class FakeReactor extends Clock {
  readonly listens: ListenCall[] = [];
  readonly connects: FakeConnector[] = [];
  readonly resolver = new FakeResolver();
  /** When set, the next listen call fails with it. */
  listenFailure: unknown = null;

  asReactor(): IReactor {
    return this as unknown as IReactor;
  }

  listenTCP(
    port: number,
    factory: IProtocolFactory,
    options?: TCPListenOptions,
  ): Deferred<IListeningPort> {
    return this.listen({ kind: 'tcp', port, factory, options });
  }

  listenTLS(
    port: number,
    factory: IProtocolFactory,
    tls: TLSOptions,
    options?: TCPListenOptions,
  ): Deferred<IListeningPort> {
    return this.listen({ kind: 'tls', port, factory, options, tls });
  }

  listenUNIX(
    path: string,
    factory: IProtocolFactory,
    options?: UNIXListenOptions,
  ): Deferred<IListeningPort> {
    return this.listen({ kind: 'unix', path, factory, unixOptions: options });
  }

  connectTCP(
    host: string,
    port: number,
    factory: IClientFactory,
    options?: TCPConnectOptions,
  ): FakeConnector {
    return this.connect(new FakeConnector('tcp', ipAddress('TCP', host, port), factory, options));
  }

  connectTLS(
    host: string,
    port: number,
    factory: IClientFactory,
    tls: TLSOptions,
    options?: TCPConnectOptions,
  ): FakeConnector {
    const connector = new FakeConnector('tls', ipAddress('TCP', host, port), factory, options);
    connector.tls = tls;
    return this.connect(connector);
  }

  connectUNIX(
    path: string,
    factory: IClientFactory,
    options?: { readonly timeout?: number },
  ): FakeConnector {
    return this.connect(new FakeConnector('unix', unixAddress(path), factory, options));
  }

  /** The connectors still connecting, in the order they were started. */
  connecting(): FakeConnector[] {
    return this.connects.filter((connector) => connector.state === 'connecting');
  }

  private connect(connector: FakeConnector): FakeConnector {
    this.connects.push(connector);
    connector.factory.doStart();
    connector.factory.startedConnecting(connector);
    return connector;
  }

  private listen(call: Omit<ListenCall, 'port'> & { port?: number }): Deferred<IListeningPort> {
    this.listens.push(call as ListenCall);
    if (this.listenFailure !== null) {
      const failure = this.listenFailure;
      this.listenFailure = null;
      return Deferred.fail(failure);
    }
    const host: Address =
      call.kind === 'unix'
        ? unixAddress(call.path ?? null)
        : ipAddress('TCP', call.options?.interface ?? '0.0.0.0', call.port ?? 0);
    return Deferred.succeed({
      getHost: () => host,
      stopListening: () => Deferred.succeed(undefined),
    });
  }
}

export interface ListenCall {
  readonly kind: 'tcp' | 'tls' | 'unix';
  readonly port?: number;
  readonly path?: string;
  readonly factory: IProtocolFactory;
  readonly options?: TCPListenOptions | undefined;
  readonly unixOptions?: UNIXListenOptions | undefined;
  readonly tls?: TLSOptions;
}

/** An outgoing attempt the test finishes with succeed() or fail(). */
export class FakeConnector implements IConnector {
  state: 'connecting' | 'connected' | 'failed' = 'connecting';
  tls: TLSOptions | null = null;
  protocol: IProtocol | null = null;
  transport: StringTransport | null = null;

  constructor(
    readonly kind: 'tcp' | 'tls' | 'unix',
    readonly destination: Address,
    readonly factory: IClientFactory,
    readonly options: TCPConnectOptions | { readonly timeout?: number } | undefined,
  ) {}

  get host(): string {
    return this.destination.family === 'UNIX'
      ? (this.destination.path ?? '')
      : (this.destination as { host: string }).host;
  }

  /** Connect: the factory builds a protocol, attached to a recording transport. */
  succeed(): IProtocol | null {
    this.state = 'connected';
    const protocol = this.factory.buildProtocol(this.destination);
    if (protocol === null) return null;
    const transport = new StringTransport({ peer: this.destination, protocol });
    this.protocol = protocol;
    this.transport = transport;
    protocol.makeConnection(transport);
    return protocol;
  }

  /** Fail the attempt with `error` (default ConnectionRefusedError). */
  fail(error: unknown = new ConnectionRefusedError()): void {
    this.state = 'failed';
    this.factory.clientConnectionFailed(this, Failure.from(error));
    this.factory.doStop();
  }

  stopConnecting(): void {
    if (this.state !== 'connecting') throw new Error('not connecting');
    this.fail(new UserError());
  }

  disconnect(): void {
    if (this.state === 'connecting') this.stopConnecting();
    else this.transport?.loseConnection();
  }

  connect(): void {
    throw new Error('FakeConnector.connect() is not used by endpoints');
  }

  getDestination(): Address {
    return this.destination;
  }
}

/** Answers from a table; `hold` makes lookups of a name wait until the test releases them. */
export class FakeResolver implements IResolver {
  readonly table = new Map<string, string[]>();
  readonly lookups: string[] = [];
  readonly held = new Map<string, Deferred<Address[]>>();
  holdNames = new Set<string>();

  resolveHostName(host: string, port: number): Deferred<Address[]> {
    this.lookups.push(host);
    if (this.holdNames.has(host)) {
      const d = new Deferred<Address[]>();
      this.held.set(host, d);
      return d;
    }
    const addresses = this.table.get(host);
    if (addresses === undefined) return Deferred.fail(new Error(`no such host ${host}`));
    return Deferred.succeed(addresses.map((address) => ipAddress('TCP', address, port)));
  }
}

/** What a Deferred has produced so far: `value` or `error` once it fired, neither while pending. */
export function outcome<T>(deferred: Deferred<T>): { value?: T; error?: unknown } {
  const result: { value?: T; error?: unknown } = {};
  deferred.addCallbacks(
    (value) => {
      result.value = value;
    },
    (failure) => {
      result.error = failure.value;
    },
  );
  return result;
}
