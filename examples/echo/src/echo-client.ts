import { Deferred, Protocol } from '@tw/core';

/**
 * Sends `message`, collects the echo until as many bytes came back, then closes.
 * `done` fires with the echoed bytes.
 */
export class EchoClient extends Protocol {
  readonly done = new Deferred<Uint8Array>();
  private readonly received: Uint8Array[] = [];
  private receivedLength = 0;

  constructor(private readonly message: Uint8Array) {
    super();
  }

  override connectionMade(): void {
    this.transport.write(this.message);
  }

  override dataReceived(data: Uint8Array): void {
    this.received.push(data);
    this.receivedLength += data.byteLength;
    if (this.receivedLength >= this.message.byteLength) {
      this.transport.loseConnection();
      this.done.callback(Buffer.concat(this.received));
    }
  }
}
