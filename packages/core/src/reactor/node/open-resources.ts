import { Deferred } from '../../defer/deferred.js';
import type { IDelayedCall } from '../../interfaces/reactor.js';
import { reportError } from './report-error.js';

/** Anything the reactor can close at shutdown. */
export interface ClosableConnection {
  loseConnection(): void;
  abortConnection(): void;
}

export interface ClosablePort {
  stopListening(): Deferred<void>;
}

export interface ClosableConnector {
  stopConnecting(): void;
}

/** What the listen/connect code needs from the reactor it runs on. */
export interface ReactorServices {
  callLater(delay: number, fn: () => unknown): IDelayedCall;
  readonly resources: OpenResources;
}

/**
 * Every port, pending connector and connection a Node reactor owns. Twisted disconnects them
 * all when the reactor stops; tracking them is also what lets a server process exit cleanly on
 * SIGTERM instead of being held open by sockets nobody remembers.
 */
export class OpenResources {
  readonly ports = new Set<ClosablePort>();
  readonly connectors = new Set<ClosableConnector>();
  private readonly connections = new Set<ClosableConnection>();
  private emptyWaiters: Array<() => void> = [];

  addConnection(connection: ClosableConnection): void {
    this.connections.add(connection);
  }

  removeConnection(connection: ClosableConnection): void {
    this.connections.delete(connection);
    if (this.connections.size === 0 && this.emptyWaiters.length > 0) {
      const waiters = this.emptyWaiters;
      this.emptyWaiters = [];
      for (const waiter of waiters) waiter();
    }
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Stop every port, abandon every pending connection attempt, and close every connection
   * cleanly (buffered data is sent); connections still open after `graceSeconds` are aborted.
   * Fires once all of them are closed.
   */
  closeAll(graceSeconds: number, callLater: ReactorServices['callLater']): Deferred<void> {
    const done = new Deferred<void>();
    let remaining = 1; // the connections, counted as one
    const settle = (): void => {
      if (--remaining === 0) done.callback(undefined);
    };
    for (const connector of [...this.connectors]) {
      try {
        connector.stopConnecting();
      } catch (error) {
        reportError('Stopping a connection attempt at shutdown failed', error);
      }
    }
    for (const port of [...this.ports]) {
      remaining++;
      port.stopListening().addCallbacks(settle, (failure) => {
        reportError('Closing a port at shutdown failed', failure.value);
        settle();
      });
    }
    if (this.connections.size === 0) {
      settle();
      return done;
    }
    const grace = callLater(graceSeconds, () => {
      for (const connection of [...this.connections]) connection.abortConnection();
    });
    this.emptyWaiters.push(() => {
      if (grace.active()) grace.cancel();
      settle();
    });
    for (const connection of [...this.connections]) connection.loseConnection();
    return done;
  }
}
