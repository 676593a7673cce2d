import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
  ConnectionPool,
  DatabaseDriverNotInstalledError,
  NodeReactor,
  ThreadPoolClosedError,
  TransactionClosedError,
  isTwError,
  type ConnectionPoolOptions,
} from '../../src/index.js';
import { ensureWorkerScriptsBuilt, failureOf, interactionsFixture } from './helpers.js';

beforeAll(() => ensureWorkerScriptsBuilt(), 180_000);

// :memory: databases are per connection and every pool thread has its own: use a file.
let directory: string;
const pools: ConnectionPool[] = [];

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'tw-adbapi-'));
});

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close().asPromise()));
  rmSync(directory, { recursive: true, force: true });
});

function openPool(options: Partial<ConnectionPoolOptions> = {}): ConnectionPool {
  const pool = new ConnectionPool(
    new NodeReactor({ installSignalHandlers: false }),
    'better-sqlite3',
    {
      filename: join(directory, 'test.db'),
      max: 2,
      ...options,
    },
  );
  pools.push(pool);
  return pool;
}

async function withPeopleTable(): Promise<ConnectionPool> {
  const pool = openPool();
  await pool.runOperation('CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT UNIQUE)');
  return pool;
}

describe('ConnectionPool.runQuery / runOperation', () => {
  it('writes with runOperation and reads rows back with runQuery', async () => {
    const pool = await withPeopleTable();
    expect(await pool.runOperation('INSERT INTO people (name) VALUES (?)', ['ada'])).toBe(
      undefined,
    );
    await pool.runOperation('INSERT INTO people (name) VALUES (@name)', { name: 'grace' });
    const rows = await pool.runQuery<{ id: number; name: string }>(
      'SELECT id, name FROM people WHERE id >= ? ORDER BY id',
      [1],
    );
    expect(rows).toEqual([
      { id: 1, name: 'ada' },
      { id: 2, name: 'grace' },
    ]);
  });

  it("fails with the driver's error, code included", async () => {
    const pool = await withPeopleTable();
    await pool.runOperation('INSERT INTO people (name) VALUES (?)', ['ada']);
    const failure = await failureOf(
      pool.runOperation('INSERT INTO people (name) VALUES (?)', ['ada']),
    );
    expect((failure.value as Error).name).toBe('SqliteError');
    expect((failure.value as { code?: string }).code).toBe('SQLITE_CONSTRAINT_UNIQUE');
    const syntax = await failureOf(pool.runQuery('SELEKT 1'));
    expect(syntax.getErrorMessage()).toMatch(/syntax error/);
  });

  it('opens every connection in WAL mode', async () => {
    const pool = openPool();
    expect(await pool.runQuery('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
  });

  it('closes with close(): later calls fail with ThreadPoolClosedError', async () => {
    const pool = await withPeopleTable();
    await pool.close();
    expect(pool.closed).toBe(true);
    expect(pool.connectionCount).toBe(0);
    const failure = await failureOf(pool.runQuery('SELECT 1'));
    expect(failure.check(ThreadPoolClosedError)).toBe(ThreadPoolClosedError);
  });

  it('fails with DatabaseDriverNotInstalledError, saying what to install, when the driver is missing', async () => {
    const pool = new ConnectionPool(
      new NodeReactor({ installSignalHandlers: false }),
      'better-sqlite3-not-installed',
      { filename: join(directory, 'never.db') },
    );
    pools.push(pool);
    const failure = await failureOf(pool.runQuery('SELECT 1'));
    expect(failure.check(DatabaseDriverNotInstalledError)).toBe(DatabaseDriverNotInstalledError);
    expect(isTwError(failure.value, 'TW_THREADS_DRIVER_NOT_INSTALLED')).toBe(true);
    expect(failure.getErrorMessage()).toContain('pnpm add better-sqlite3');
  });
});

describe('ConnectionPool.runInteraction', () => {
  it('commits what the function did when it returns, and fires with its result', async () => {
    const pool = await withPeopleTable();
    const result = await pool.runInteraction(interactionsFixture, 'insertNames', ['ada', 'bob']);
    expect(result).toEqual({ lastRowId: 2, rowcount: -1, names: ['ada', 'bob'] });
    expect(await pool.runQuery('SELECT name FROM people ORDER BY id')).toEqual([
      { name: 'ada' },
      { name: 'bob' },
    ]);
  });

  it('rolls everything back when the function throws, and fails with its error', async () => {
    const pool = await withPeopleTable();
    await pool.runOperation('INSERT INTO people (name) VALUES (?)', ['ada']);
    const failure = await failureOf(
      pool.runInteraction(interactionsFixture, 'insertThenThrow', 'eve'),
    );
    // The function saw its own insert inside the transaction…
    expect(failure.getErrorMessage()).toBe('changed my mind after seeing 1 row(s)');
    expect((failure.value as { code?: string }).code).toBe('E_CHANGED_MIND');
    // …and nobody sees it afterwards.
    expect(await pool.runQuery('SELECT name FROM people')).toEqual([{ name: 'ada' }]);
  });

  it('rolls back when a statement inside the transaction fails', async () => {
    const pool = await withPeopleTable();
    await pool.runOperation('INSERT INTO people (name) VALUES (?)', ['bob']);
    const failure = await failureOf(
      pool.runInteraction(interactionsFixture, 'insertNames', ['ada', 'bob']),
    );
    expect((failure.value as { code?: string }).code).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(await pool.runQuery('SELECT name FROM people')).toEqual([{ name: 'bob' }]);
  });

  it('waits for an async function before committing', async () => {
    const pool = await withPeopleTable();
    expect(await pool.runInteraction(interactionsFixture, 'insertAsync', 'ada')).toBe(1);
    expect(await pool.runQuery('SELECT name FROM people')).toEqual([{ name: 'ada' }]);
  });

  it('reads rows one by one with fetchone()', async () => {
    const pool = await withPeopleTable();
    await pool.runInteraction(interactionsFixture, 'insertNames', ['x', 'y', 'z']);
    expect(await pool.runInteraction(interactionsFixture, 'fetchEachName')).toEqual({
      names: ['x', 'y', 'z'],
      after: true,
    });
  });

  it('refuses a Transaction used after its interaction ended', async () => {
    const pool = openPool({ max: 1 });
    expect(await pool.runInteraction(interactionsFixture, 'leakTransaction')).toBe('kept');
    const failure = await failureOf(
      pool.runInteraction(interactionsFixture, 'useLeakedTransaction'),
    );
    expect(failure.check(TransactionClosedError)).toBe(TransactionClosedError);
  });

  it('shows committed work to every connection in the pool', async () => {
    const pool = await withPeopleTable();
    await pool.runInteraction(interactionsFixture, 'insertNames', ['ada']);
    const counts = await Promise.all(
      Array.from({ length: 6 }, () =>
        pool.runQuery<{ n: number }>('SELECT COUNT(*) AS n FROM people'),
      ),
    );
    expect(counts.map((rows) => rows[0]!.n)).toEqual([1, 1, 1, 1, 1, 1]);
  });
});
