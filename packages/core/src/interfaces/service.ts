import type { Deferred } from '../defer/deferred.js';

/**
 * Something that starts and stops with the application (Twisted's IService): a listening
 * port, a client connection kept up, a database pool. Services form a tree under MultiServices;
 * the root is started when the reactor runs and stopped (children in reverse order) on shutdown.
 */
export interface IService {
  /** Unique among its siblings when set; `getServiceNamed(name)` finds it. */
  readonly name: string | null;
  readonly running: boolean;
  readonly parent: IServiceCollection | null;
  setName(name: string): void;
  /** Attach to `parent` (adding it to parent's children). */
  setServiceParent(parent: IServiceCollection): void;
  disownServiceParent(): Deferred<void> | void;
  /**
   * Optional: work that needs the privileges the process starts with (binding a port below
   * 1024), run before startService() and before privileges are dropped.
   */
  privilegedStartService?(): void;
  /** Start. A returned Deferred means "started once this fires" (e.g. the port is bound). */
  startService(): Deferred<void> | void;
  /** Stop. A returned Deferred delays the reactor's shutdown until it fires. */
  stopService(): Deferred<void> | void;
}

export interface IServiceCollection extends IService {
  getServiceNamed(name: string): IService;
  addService(service: IService): void;
  removeService(service: IService): Deferred<void> | void;
  [Symbol.iterator](): Iterator<IService>;
}
