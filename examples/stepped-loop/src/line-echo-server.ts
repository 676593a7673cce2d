import { Factory, LineReceiver } from '@tw/core';

/** Echoes each line back: the built-in peer when no --connect endpoint is given. */
export class LineEcho extends LineReceiver {
  override lineReceived(line: Uint8Array): void {
    this.sendLine(line);
  }
}

export function lineEchoFactory(): Factory<LineEcho> {
  return Factory.forProtocol(() => new LineEcho());
}
