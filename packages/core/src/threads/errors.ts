import { TwError } from '../errors/tw-error.js';

/** Work was handed to a ThreadPool (or ConnectionPool) after close() or reactor shutdown. */
export class ThreadPoolClosedError extends TwError {
  constructor(what = 'thread pool') {
    super(
      'TW_THREADS_POOL_CLOSED',
      `The ${what} is closed (close() was called or its reactor shut down): create a new one, ` +
        'or submit work before shutdown starts.',
    );
  }
}

/** getThreadPool(reactor, options) was given options after the reactor's pool already existed. */
export class ThreadPoolAlreadyCreatedError extends TwError {
  constructor() {
    super(
      'TW_THREADS_POOL_ALREADY_CREATED',
      "This reactor's thread pool already exists, so its options cannot change: call " +
        'getThreadPool(reactor, options) once, before the first deferToThread(), or create a ' +
        'separate ThreadPool for work that needs other limits.',
    );
  }
}

/** A ThreadPool option is out of range. */
export class InvalidThreadPoolOptionError extends TwError {
  constructor(option: string, value: unknown, expected: string) {
    super(
      'TW_THREADS_INVALID_OPTION',
      `ThreadPool option "${option}" must be ${expected}, got ${String(value)}.`,
    );
  }
}

/** A module named as work for a thread has no function exported under the given name. */
export class ThreadExportNotFoundError extends TwError {
  constructor(moduleUrl: string, exportName: string) {
    super(
      'TW_THREADS_EXPORT_NOT_FOUND',
      `Module ${moduleUrl} has no exported function "${exportName}": export it by that name ` +
        '(work for a thread is named by module URL and export name, never passed as a closure).',
    );
  }
}

/** callFromThread()/blockingCallFromThread() from @tw/core/threads/worker used off a pool thread. */
export class NotOnWorkerThreadError extends TwError {
  constructor(what: string) {
    super(
      'TW_THREADS_NOT_ON_WORKER',
      `${what}() from @tw/core/threads/worker only works inside a function run by a ThreadPool ` +
        '(deferToThread); on the reactor thread call the function directly, or use ' +
        'reactor.callFromThread(fn).',
    );
  }
}

/** The database driver module named in a ConnectionPool cannot be found. */
export class DatabaseDriverNotInstalledError extends TwError {
  constructor(driver: string) {
    super(
      'TW_THREADS_DRIVER_NOT_INSTALLED',
      `The database driver "${driver}" is not installed: it is an optional peer dependency of ` +
        `@tw/core. Install it next to @tw/core (e.g. \`pnpm add ${driver}\`; for SQLite: ` +
        '`pnpm add better-sqlite3`).',
    );
  }
}

/** The driver module was found but does not look like better-sqlite3's API. */
export class UnsupportedDatabaseDriverError extends TwError {
  constructor(driver: string) {
    super(
      'TW_THREADS_DRIVER_UNSUPPORTED',
      `The module "${driver}" does not export a better-sqlite3 style Database class: ` +
        'ConnectionPool supports better-sqlite3 and drivers with the same API.',
    );
  }
}

/** A value passed between the reactor thread and a worker could not be structured-cloned. */
export class ThreadDataCloneError extends TwError {
  constructor(what: string, cause: unknown) {
    super(
      'TW_THREADS_DATA_CLONE',
      `${what} could not be sent between threads: arguments and results must be ` +
        'structured-clonable (no functions, class instances lose their prototype, no Deferreds). ' +
        `Cause: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/** A Transaction was used after its interaction returned (the transaction is over by then). */
export class TransactionClosedError extends TwError {
  constructor() {
    super(
      'TW_THREADS_TRANSACTION_CLOSED',
      'This Transaction is over (its interaction function returned or threw): do all database ' +
        'work inside the function, and await any Promise before returning.',
    );
  }
}
