import { Factory, Protocol } from '@tw/core';

/** Sends every byte it receives straight back. Knows nothing of sockets: any transport will do. */
export class Echo extends Protocol {
  override dataReceived(data: Uint8Array): void {
    this.transport.write(data);
  }
}

export const echoFactory = (): Factory<Echo> => new Factory(Echo);
