import type { IPullProducer, IPushProducer, ITransport } from '@tw/core';

/**
 * The one producer slot of the channel's transport. The channel itself holds it (so the
 * transport pauses our reading when the client does not read our responses), except while a
 * request with a registered producer is answered: then that producer holds it, so the
 * transport pauses it directly, and the channel gets it back when the request unregisters.
 */
export class TransportProducerSlot {
  private holder: 'channel' | 'request' | null = null;

  constructor(private readonly channel: IPushProducer & { readonly transport: ITransport }) {}

  /** A request's producer holds the slot. */
  get heldByRequest(): boolean {
    return this.holder === 'request';
  }

  giveToChannel(): void {
    this.release();
    this.channel.transport.registerProducer(this.channel, true);
    this.holder = 'channel';
  }

  giveToRequest(producer: IPushProducer | IPullProducer, streaming: boolean): void {
    this.release();
    this.channel.transport.registerProducer(producer, streaming);
    this.holder = 'request';
  }

  release(): void {
    if (this.holder === null) return;
    this.channel.transport.unregisterProducer();
    this.holder = null;
  }
}
