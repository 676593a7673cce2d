import { TransactionClosedError } from './errors.js';
import type { RunResult, SqlParameters, SqliteConnection } from './sqlite-connection.js';

/**
 * What a runInteraction() function receives: one connection inside one transaction, on a pool
 * worker (Twisted's adbapi Transaction, a DB-API cursor). The pool began the transaction before
 * calling the function, commits when it returns, and rolls back when it throws.
 *
 * Two styles: DB-API's `execute(sql, params)` then `fetchall()` / `fetchone()` with `rowcount`
 * and `lastRowId`; or better-sqlite3's `all` / `get` / `run`, which return directly.
 *
 * ```js
 * // transfer.mjs (runs on a worker)
 * export function transfer(txn, from, to, amount) {
 *   txn.run('UPDATE account SET balance = balance - ? WHERE id = ?', [amount, from]);
 *   txn.run('UPDATE account SET balance = balance + ? WHERE id = ?', [amount, to]);
 *   const { balance } = txn.get('SELECT balance FROM account WHERE id = ?', [from]);
 *   if (balance < 0) throw new Error('insufficient funds'); // rolls both updates back
 *   return balance;
 * }
 * ```
 */
export class Transaction {
  /** Rows changed by the last execute() of a write statement; -1 after a query. */
  rowcount = -1;
  /** The rowid of the last row inserted by execute(), or null. */
  lastRowId: number | bigint | null = null;
  private rows: unknown[] = [];
  private cursor = 0;
  private open = true;

  constructor(private readonly connection: SqliteConnection) {}

  /** Run one statement; a query's rows are then read with fetchall() / fetchone(). */
  execute(sql: string, params?: SqlParameters): this {
    const statement = this.usable().statement(sql);
    if (statement.reader) {
      this.rows = this.connection.all(sql, params);
      this.rowcount = -1;
    } else {
      const result = this.connection.run(sql, params);
      this.rows = [];
      this.rowcount = result.changes;
      this.lastRowId = result.lastInsertRowid;
    }
    this.cursor = 0;
    return this;
  }

  /** The rows of the last query not fetched yet. */
  fetchall<Row = Record<string, unknown>>(): Row[] {
    this.usable();
    const rest = this.rows.slice(this.cursor);
    this.cursor = this.rows.length;
    return rest as Row[];
  }

  /** The next row of the last query, or undefined when none is left. */
  fetchone<Row = Record<string, unknown>>(): Row | undefined {
    this.usable();
    if (this.cursor >= this.rows.length) return undefined;
    return this.rows[this.cursor++] as Row;
  }

  /** Every row of a query. */
  all<Row = Record<string, unknown>>(sql: string, params?: SqlParameters): Row[] {
    return this.usable().all(sql, params) as Row[];
  }

  /** The first row of a query, or undefined. */
  get<Row = Record<string, unknown>>(sql: string, params?: SqlParameters): Row | undefined {
    return this.usable().get(sql, params) as Row | undefined;
  }

  /** Run a write statement. */
  run(sql: string, params?: SqlParameters): RunResult {
    return this.usable().run(sql, params);
  }

  /** Called by the pool when the interaction is over. */
  close(): void {
    this.open = false;
    this.rows = [];
  }

  private usable(): SqliteConnection {
    if (!this.open) throw new TransactionClosedError();
    return this.connection;
  }
}
