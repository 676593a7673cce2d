/**
 * The worker side of ConnectionPool: each pool thread opens its own connection on first use and
 * keeps it for the thread's life. Runs as compiled JavaScript inside a worker thread only
 * (ThreadPool calls these exports by name); never import it on the reactor thread.
 */
import { Transaction } from './adbapi-transaction.js';
import { loadExport } from './load-export.js';
import {
  SqliteConnection,
  type ConnectionConfig,
  type SqlParameters,
} from './sqlite-connection.js';

/** Open connections by configuration: a thread serves one pool, but the key keeps that honest. */
const connections = new Map<string, Promise<SqliteConnection>>();

function connectionFor(config: ConnectionConfig): Promise<SqliteConnection> {
  const key = JSON.stringify(config);
  let connection = connections.get(key);
  if (connection === undefined) {
    connection = SqliteConnection.open(config);
    // A failed open (driver missing, bad path) must not be cached: the next call retries.
    connection.catch(() => connections.delete(key));
    connections.set(key, connection);
  }
  return connection;
}

export async function runQuery(
  config: ConnectionConfig,
  sql: string,
  params?: SqlParameters,
): Promise<unknown[]> {
  return (await connectionFor(config)).all(sql, params);
}

export async function runOperation(
  config: ConnectionConfig,
  sql: string,
  params?: SqlParameters,
): Promise<void> {
  (await connectionFor(config)).run(sql, params);
}

/**
 * BEGIN IMMEDIATE, call the named function with a Transaction, COMMIT; ROLLBACK if it throws.
 * IMMEDIATE takes the write lock up front: with several connections, a deferred transaction
 * that reads and then writes can fail with SQLITE_BUSY without waiting out busy_timeout.
 */
export async function runInteraction(
  config: ConnectionConfig,
  moduleUrl: string,
  exportName: string,
  args: readonly unknown[],
): Promise<unknown> {
  const [connection, fn] = await Promise.all([
    connectionFor(config),
    loadExport(moduleUrl, exportName),
  ]);
  const transaction = new Transaction(connection);
  connection.exec('BEGIN IMMEDIATE');
  try {
    const result = await fn(transaction, ...args);
    connection.exec('COMMIT');
    return result;
  } catch (error) {
    // SQLite may already have rolled back (e.g. after some errors); ROLLBACK then would throw.
    if (connection.inTransaction) connection.exec('ROLLBACK');
    throw error;
  } finally {
    transaction.close();
  }
}
