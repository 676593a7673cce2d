import type { Address } from '../interfaces/address.js';
import { Protocol } from '../protocol/protocol.js';
import { toBytes } from '../framing/byte-buffer.js';

/**
 * What a limiting factory sends to a connection it refuses before closing it, e.g.
 * `'421 Too many connections\r\n'`: bytes, text (sent as UTF-8), or a function of the peer's
 * address that returns one (or null to close without a word).
 */
export type RefusalMessage = Uint8Array | string | ((addr: Address) => Uint8Array | string | null);

/**
 * The protocol given to a refused connection that has a refusal message: it writes the message
 * and closes. Without a message the factory returns null and the port drops the connection.
 */
export class RefusedConnectionProtocol extends Protocol {
  constructor(private readonly message: Uint8Array) {
    super();
  }

  override connectionMade(): void {
    this.transport.write(this.message);
    this.transport.loseConnection();
  }

  /** Input from a refused peer is ignored. */
  override dataReceived(_data: Uint8Array): void {}
}

/** The protocol for a refused connection from `addr`: a RefusedConnectionProtocol or null. */
export function refuseConnection(
  addr: Address,
  refusalMessage: RefusalMessage | undefined,
): RefusedConnectionProtocol | null {
  const message = typeof refusalMessage === 'function' ? refusalMessage(addr) : refusalMessage;
  if (message === undefined || message === null) return null;
  return new RefusedConnectionProtocol(toBytes(message));
}
