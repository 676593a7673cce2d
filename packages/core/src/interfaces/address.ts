/**
 * Typed addresses, as returned by `transport.getPeer()` / `getHost()` and handed to
 * `factory.buildProtocol(addr)`. Plain data: compare by fields, print with `formatAddress`.
 */
export interface IPv4Address {
  readonly family: 'IPv4';
  readonly type: 'TCP' | 'UDP';
  readonly host: string;
  readonly port: number;
}

export interface IPv6Address {
  readonly family: 'IPv6';
  readonly type: 'TCP' | 'UDP';
  readonly host: string;
  readonly port: number;
  readonly flowInfo?: number;
  readonly scopeId?: string;
}

/** A Unix domain socket; `path` is null for an unnamed (client-side) socket. */
export interface UNIXAddress {
  readonly family: 'UNIX';
  readonly path: string | null;
}

/** An in-memory endpoint (test pipes, the virtual network). */
export interface MemoryAddress {
  readonly family: 'memory';
  readonly name: string;
}

/** The other end of a child process's pipes, or this process's own stdio. */
export interface ProcessAddress {
  readonly family: 'process';
  readonly pid?: number;
}

/**
 * An address defined by another package (an SSH channel, a WebSocket URL, …).
 * `scheme` names the kind, `description` is what logs print.
 */
export interface CustomAddress {
  readonly family: 'custom';
  readonly scheme: string;
  readonly description: string;
}

export type Address =
  IPv4Address | IPv6Address | UNIXAddress | MemoryAddress | ProcessAddress | CustomAddress;
