import type { Deferred } from '../defer/deferred.js';
import type { IService, IServiceCollection } from '../interfaces/service.js';
import { ServiceRenameError } from './errors.js';

/**
 * The base of every service (Twisted's twisted.application.service.Service): a name, a parent,
 * and a `running` flag that startService()/stopService() keep. Subclass it and override
 * startService()/stopService() — call `super` so `running` stays true to what happened — and
 * return a Deferred from them when starting or stopping takes time (binding a port, draining
 * connections); a parent waits for it.
 *
 * Lifecycle: setServiceParent(parent) → privilegedStartService() → startService() →
 * stopService() → disownServiceParent(). A service started by its parent's startService() is
 * stopped by its parent's stopService().
 */
export class Service implements IService {
  name: string | null = null;
  parent: IServiceCollection | null = null;
  running = false;

  /** Name the service (unique among its siblings). Only before it has a parent. */
  setName(name: string): void {
    if (this.parent !== null) throw new ServiceRenameError(this.name, name);
    this.name = name;
  }

  /**
   * Make this service a child of `parent` (moving it out of its current parent first). The
   * parent starts it now if the parent is already running.
   */
  setServiceParent(parent: IServiceCollection): void {
    if (this.parent !== null) void this.disownServiceParent();
    this.parent = parent;
    try {
      parent.addService(this);
    } catch (error) {
      // A refused child (a duplicate name) must not believe it has a parent.
      this.parent = null;
      throw error;
    }
  }

  /**
   * Leave the parent. If the parent is running this stops the service, and the returned
   * Deferred (if any) fires once it has stopped. Without a parent it does nothing.
   */
  disownServiceParent(): Deferred<void> | void {
    const parent = this.parent;
    if (parent === null) return undefined;
    const stopped = parent.removeService(this);
    this.parent = null;
    return stopped;
  }

  /** Runs before startService() while the process still has its initial privileges. */
  privilegedStartService(): void {}

  startService(): Deferred<void> | void {
    this.running = true;
  }

  stopService(): Deferred<void> | void {
    this.running = false;
  }
}
