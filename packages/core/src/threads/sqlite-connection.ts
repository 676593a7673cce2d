/**
 * A database connection on a pool worker, over better-sqlite3 or a driver with its API. Only the
 * few methods used here are typed, so @tw/core needs no type package for an optional peer.
 */
import { DatabaseDriverNotInstalledError, UnsupportedDatabaseDriverError } from './errors.js';

/** Query parameters: positional (an array) or named (an object, `@name` / `:name` / `$name`). */
export type SqlParameters = readonly unknown[] | Readonly<Record<string, unknown>>;

/** What a write statement reports. */
export interface RunResult {
  /** Rows inserted, updated or deleted. */
  readonly changes: number;
  /** The rowid of the last inserted row. */
  readonly lastInsertRowid: number | bigint;
}

interface DriverStatement {
  readonly reader: boolean;
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): RunResult;
}

interface DriverDatabase {
  readonly inTransaction: boolean;
  prepare(sql: string): DriverStatement;
  exec(sql: string): unknown;
  pragma(source: string): unknown;
  close(): unknown;
}

type DriverDatabaseClass = new (
  filename: string,
  options: Record<string, unknown>,
) => DriverDatabase;

/** How a worker opens its connection; sent with every call, so it must stay small and plain. */
export interface ConnectionConfig {
  readonly driver: string;
  readonly filename: string;
  /** Passed to the driver's Database constructor (readonly, fileMustExist, timeout, …). */
  readonly driverOptions: Readonly<Record<string, unknown>>;
  /** PRAGMA journal_mode to set after opening, or null to leave the database's own. */
  readonly journalMode: string | null;
}

/** Prepared statements kept per connection; a busy pool repeats the same few queries. */
const STATEMENT_CACHE_SIZE = 64;

/** One open database plus a small cache of prepared statements. */
export class SqliteConnection {
  private readonly statements = new Map<string, DriverStatement>();

  private constructor(private readonly db: DriverDatabase) {}

  /** Load the driver and open `config.filename`, with WAL unless told otherwise. */
  static async open(config: ConnectionConfig): Promise<SqliteConnection> {
    const Database = await loadDriver(config.driver);
    const db = new Database(config.filename, { ...config.driverOptions });
    const readonly = config.driverOptions.readonly === true;
    if (config.journalMode !== null && !readonly) db.pragma(`journal_mode = ${config.journalMode}`);
    return new SqliteConnection(db);
  }

  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  statement(sql: string): DriverStatement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE_SIZE) {
        // Maps iterate in insertion order: drop the oldest entry.
        this.statements.delete(this.statements.keys().next().value as string);
      }
      this.statements.set(sql, statement);
    }
    return statement;
  }

  all(sql: string, params?: SqlParameters): unknown[] {
    return this.statement(sql).all(...spread(params));
  }

  get(sql: string, params?: SqlParameters): unknown {
    return this.statement(sql).get(...spread(params));
  }

  run(sql: string, params?: SqlParameters): RunResult {
    const { changes, lastInsertRowid } = this.statement(sql).run(...spread(params));
    return { changes, lastInsertRowid };
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  close(): void {
    this.statements.clear();
    this.db.close();
  }
}

/** The driver's arguments for `params`: positional values spread, a named object as is. */
function spread(params: SqlParameters | undefined): unknown[] {
  if (params === undefined) return [];
  return Array.isArray(params) ? params : [params];
}

async function loadDriver(driver: string): Promise<DriverDatabaseClass> {
  let module: { default?: unknown };
  try {
    module = (await import(driver)) as { default?: unknown };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : '';
    if (code === 'ERR_MODULE_NOT_FOUND' && message.includes(`'${driver}'`)) {
      throw new DatabaseDriverNotInstalledError(driver);
    }
    throw error;
  }
  const Database = module.default ?? module;
  if (typeof Database !== 'function') throw new UnsupportedDatabaseDriverError(driver);
  return Database as DriverDatabaseClass;
}
