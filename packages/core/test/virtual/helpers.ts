import { ClientFactory, Deferred, Factory, Protocol, type Failure, type IProtocol } from '@tw/core';

export const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
export const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** Echoes what it receives. */
export class Echo extends Protocol {
  override dataReceived(data: Uint8Array): void {
    this.transport!.write(data);
  }
}

/** Records what arrives, when (virtual time), and how the connection ended. */
export class Recorder extends Protocol {
  text = '';
  readonly arrivals: Array<{ at: number; text: string }> = [];
  lost: Failure | null = null;
  readonly made = new Deferred<void>();
  /** Fires (with nothing: a Failure would take the errback path) once connectionLost ran. */
  readonly closed = new Deferred<void>();

  constructor(private readonly now: () => number = () => 0) {
    super();
  }

  override connectionMade(): void {
    this.made.callback(undefined);
  }

  override dataReceived(data: Uint8Array): void {
    const text = decode(data);
    this.text += text;
    this.arrivals.push({ at: this.now(), text });
  }

  override connectionLost(reason: Failure): void {
    this.lost = reason;
    this.closed.callback(undefined);
  }
}

/** A factory building the same protocol instance once. */
export function factoryOf<P extends IProtocol>(build: () => P): Factory<P> {
  return Factory.forProtocol(build);
}

/** A ClientFactory (for connectTCP/connectTLS) building protocols with `build`. */
export function clientFactoryOf<P extends IProtocol>(build: () => P): ClientFactory<P> {
  return new (class extends ClientFactory<P> {
    override buildProtocol(): P {
      return build();
    }
  })();
}
