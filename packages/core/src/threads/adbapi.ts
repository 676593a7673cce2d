import type { Deferred } from '../defer/deferred.js';
import type { ConnectionConfig, SqlParameters } from './sqlite-connection.js';
import { moduleHref, ownWorkerScript, type ModuleReference } from './module-url.js';
import { ThreadPool, type ThreadPoolReactor } from './thread-pool.js';

export interface ConnectionPoolOptions {
  /** The database file. `:memory:` gives every connection its own empty database. */
  readonly filename: string;
  /** Connections (threads) kept open even when idle (default 0: opened on demand). */
  readonly min?: number;
  /** Most connections (threads) at once (default 4). SQLite still allows one writer at a time. */
  readonly max?: number;
  /** Seconds an idle connection above `min` stays open (default 30). */
  readonly idleTimeout?: number;
  /** Seconds close() and reactor shutdown wait for running work (default 30). */
  readonly closeTimeout?: number;
  /** PRAGMA journal_mode set on each connection (default 'WAL'); null leaves it alone. */
  readonly journalMode?: string | null;
  /** Open read-only (driver option). */
  readonly readonly?: boolean;
  /** Fail instead of creating a missing database file (driver option). */
  readonly fileMustExist?: boolean;
  /** Milliseconds to wait on a locked database before SQLITE_BUSY (busy_timeout; default 5000). */
  readonly timeout?: number;
  /** Any other option is handed to the driver's Database constructor (it must be clonable). */
  readonly [driverOption: string]: unknown;
}

const DEFAULT_MAX_CONNECTIONS = 4;
const POOL_OPTIONS = new Set([
  'filename',
  'min',
  'max',
  'idleTimeout',
  'closeTimeout',
  'journalMode',
]);

/**
 * A pool of database connections, each on its own worker thread, for a synchronous driver —
 * Twisted's adbapi.ConnectionPool. The reactor thread never blocks on the database.
 *
 * `driver` names the module: 'better-sqlite3' (an optional peer dependency of @tw/core — install
 * it yourself) or a driver with the same API. A missing driver makes the first call fail with
 * DatabaseDriverNotInstalledError. Every thread opens its own connection, in WAL mode by default
 * so readers do not block the writer; SQL errors arrive with the driver's `code`
 * (e.g. 'SQLITE_CONSTRAINT_UNIQUE').
 *
 * ```ts
 * const db = new ConnectionPool(reactor, 'better-sqlite3', { filename: 'app.db', max: 4 });
 * await db.runOperation('INSERT INTO users (name) VALUES (?)', ['alice']);
 * const rows = await db.runQuery<{ name: string }>('SELECT name FROM users');
 * ```
 *
 * The pool closes with the reactor (work in progress is waited for), or with close().
 */
export class ConnectionPool {
  private readonly pool: ThreadPool;
  private readonly config: ConnectionConfig;
  private readonly worker = ownWorkerScript('adbapi-worker');

  constructor(reactor: ThreadPoolReactor, driver: string, options: ConnectionPoolOptions) {
    const driverOptions: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options)) {
      if (!POOL_OPTIONS.has(key) && value !== undefined) driverOptions[key] = value;
    }
    this.config = {
      driver,
      filename: options.filename,
      driverOptions,
      journalMode: options.journalMode === undefined ? 'WAL' : options.journalMode,
    };
    const min = options.min ?? 0;
    this.pool = new ThreadPool(reactor, {
      minThreads: min,
      maxThreads: options.max ?? Math.max(min, DEFAULT_MAX_CONNECTIONS),
      ...(options.idleTimeout === undefined ? {} : { idleTimeout: options.idleTimeout }),
      ...(options.closeTimeout === undefined ? {} : { closeTimeout: options.closeTimeout }),
      description: `${driver} connection pool`,
    });
  }

  /** Connections open (one per thread). */
  get connectionCount(): number {
    return this.pool.threadCount;
  }

  get closed(): boolean {
    return this.pool.closed;
  }

  /** Run a query; fires with its rows (objects keyed by column name). */
  runQuery<Row = Record<string, unknown>>(sql: string, params?: SqlParameters): Deferred<Row[]> {
    return this.pool.run<Row[]>(this.worker, 'runQuery', this.config, sql, params);
  }

  /** Run a statement that returns no rows (INSERT, UPDATE, DDL, …); fires with undefined. */
  runOperation(sql: string, params?: SqlParameters): Deferred<void> {
    return this.pool.run<void>(this.worker, 'runOperation', this.config, sql, params);
  }

  /**
   * Run `moduleUrl`'s export `exportName` on a pool thread as `fn(transaction, ...args)` inside
   * one transaction: committed when it returns (or its Promise resolves), rolled back when it
   * throws. Fires with what it returned. See Transaction for what it can do.
   */
  runInteraction<T = unknown>(
    moduleUrl: ModuleReference,
    exportName: string,
    ...args: unknown[]
  ): Deferred<T> {
    return this.pool.run<T>(
      this.worker,
      'runInteraction',
      this.config,
      moduleHref(moduleUrl),
      exportName,
      args,
    );
  }

  /** Stop taking work, let running work finish, close every connection. */
  close(): Deferred<void> {
    return this.pool.close();
  }
}
