import { succeed, type Deferred } from '../defer/deferred.js';
import type { Failure } from '../defer/failure.js';
import { DeferredList, maybeDeferred } from '../defer/helpers.js';
import type { IService, IServiceCollection } from '../interfaces/service.js';
import {
  ChildServicesFailedError,
  DuplicateServiceNameError,
  ServiceNotFoundError,
} from './errors.js';
import { Service } from './service.js';

/**
 * A service made of child services (Twisted's MultiService): starting it starts the children
 * in the order they were added, stopping it stops them in reverse order, so a service added
 * later may rely on the ones added before it.
 *
 * Both startService() and stopService() return a Deferred that fires once every child's own
 * Deferred (if it returned one) has fired. If one child fails, the Deferred fails with that
 * child's error; if several fail, with ChildServicesFailedError listing them. A failing child
 * never stops its siblings from being started or stopped.
 *
 * ```ts
 * const root = new MultiService();
 * new StreamServerEndpointService(serverFromString(reactor, 'tcp:8080'), factory).setServiceParent(root);
 * runService(reactor, root);
 * ```
 */
export class MultiService extends Service implements IServiceCollection {
  private readonly children: IService[] = [];
  private readonly namedChildren = new Map<string, IService>();

  override privilegedStartService(): void {
    super.privilegedStartService();
    for (const child of [...this.children]) child.privilegedStartService?.();
  }

  override startService(): Deferred<void> {
    super.startService();
    const started = [...this.children].map((child) => maybeDeferred(() => child.startService()));
    return settleAll('start', started);
  }

  override stopService(): Deferred<void> {
    super.stopService();
    const stopped = [...this.children]
      .reverse()
      .map((child) => maybeDeferred(() => child.stopService()));
    return settleAll('stop', stopped);
  }

  /** The child named `name`; throws ServiceNotFoundError when there is none. */
  getServiceNamed(name: string): IService {
    const child = this.namedChildren.get(name);
    if (child === undefined) {
      throw new ServiceNotFoundError(`No child service is named ${JSON.stringify(name)}.`);
    }
    return child;
  }

  /**
   * Add a child (the collection side of setServiceParent(), which is what applications call).
   * If this service is running the child is started at once. A second child with the same
   * name is refused with DuplicateServiceNameError.
   */
  addService(service: IService): void {
    if (this.children.includes(service)) return;
    if (service.name !== null) {
      if (this.namedChildren.has(service.name)) throw new DuplicateServiceNameError(service.name);
      this.namedChildren.set(service.name, service);
    }
    this.children.push(service);
    if (this.running) {
      // Late, but the best we can do (as in Twisted); a failed start is reported as an
      // unhandled Deferred failure since addService() has no Deferred to carry it.
      service.privilegedStartService?.();
      void service.startService();
    }
  }

  /** Remove a child; if this service is running the child is stopped (wait on the result). */
  removeService(service: IService): Deferred<void> | void {
    const index = this.children.indexOf(service);
    if (index < 0) {
      throw new ServiceNotFoundError(
        `removeService() was given ${describeService(service)}, which is not a child of this MultiService.`,
      );
    }
    this.children.splice(index, 1);
    if (service.name !== null && this.namedChildren.get(service.name) === service) {
      this.namedChildren.delete(service.name);
    }
    return this.running ? service.stopService() : undefined;
  }

  /** The children, in the order they were added (a snapshot: changing the tree is safe). */
  *[Symbol.iterator](): Iterator<IService> {
    yield* [...this.children];
  }
}

function describeService(service: IService): string {
  return service.name === null
    ? 'an unnamed service'
    : `the service ${JSON.stringify(service.name)}`;
}

/** Wait for every Deferred; fail with the single failure, or with all of them grouped. */
function settleAll(phase: 'start' | 'stop', deferreds: Deferred<void>[]): Deferred<void> {
  if (deferreds.length === 0) return succeed(undefined);
  return new DeferredList(deferreds, { consumeErrors: true }).addCallback((entries) => {
    const failures: Failure[] = [];
    for (const [ok, result] of entries) if (!ok) failures.push(result);
    if (failures.length === 0) return undefined;
    // Returning a Failure moves the chain to its errback path with the child's own error.
    if (failures.length === 1) return failures[0];
    throw new ChildServicesFailedError(phase, failures);
  }) as Deferred<void>;
}
