import {
  Protocol,
  type Failure,
  type IHalfCloseableTransport,
  type ILogger,
  type IReactor,
} from '@tw/core';
import type { ServerChannel } from 'ssh2';

import { pausingProducerFor } from '../channel/pausing-producer.js';

/**
 * One side of a port-forwarding relay: what it reads goes to its peer's transport. Each side's
 * transport is registered as the streaming producer of the other, so a slow side pauses the
 * reading of the fast one (Twisted's portforward.Proxy).
 */
export class RelayProtocol extends Protocol {
  peer: RelayProtocol | null = null;
  /** This side's peer sent EOF (its reading is over). */
  readDone = false;

  override connectionMade(): void {
    const peer = this.peer;
    if (peer?.hasTransport === true) {
      peer.transport.registerProducer(pausingProducerFor(this.transport), true);
      this.transport.registerProducer(pausingProducerFor(peer.transport), true);
    }
  }

  override dataReceived(data: Uint8Array): void {
    this.peer?.transport.write(data);
  }

  /** Half-close: pass the EOF on, and close both once both directions are done. */
  readConnectionLost(): void {
    this.readDone = true;
    const peer = this.peer;
    if (peer === null || !peer.hasTransport) {
      this.transport.loseConnection();
      return;
    }
    if (peer.readDone) {
      this.transport.loseConnection();
      peer.transport.loseConnection();
      return;
    }
    const target = peer.transport as Partial<IHalfCloseableTransport>;
    if (typeof target.writeEOF === 'function') target.writeEOF();
    else peer.transport.loseConnection();
  }

  writeConnectionLost(): void {}

  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    const peer = this.peer;
    this.peer = null;
    if (peer?.hasTransport === true) {
      try {
        peer.transport.unregisterProducer();
      } catch {
        // nothing registered
      }
      peer.transport.loseConnection();
      peer.peer = null;
    }
  }
}

/** What a forwarding, either way, needs from its SSH connection. */
export interface ForwardingContext {
  readonly reactor: IReactor;
  /** The name the user authenticated as, and the realm's avatar for them. */
  readonly username: string;
  readonly avatar: unknown;
  readonly log: ILogger;
  /** Whether another channel may be opened now (the per-connection channel limit). */
  readonly mayOpenChannel: () => boolean;
  readonly channelOpened: (channel: ServerChannel) => void;
}
