import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { AsyncLocalStorage } from 'node:async_hooks';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Deferred, setAsyncContextPropagation, succeed } from '../../src/index.js';

const storage = new AsyncLocalStorage<string>();

describe('async context in Deferred callbacks', () => {
  afterEach(() => setAsyncContextPropagation(true));

  it('a callback added to a pending Deferred inside a store sees that store when fired from outside it', () => {
    const d = new Deferred<number>();
    let seen: string | undefined = 'unset';
    storage.run('request-1', () => {
      d.addCallback(() => {
        seen = storage.getStore();
      });
    });
    storage.run('someone-else', () => d.callback(1));
    expect(seen).toBe('request-1');
  });

  it('callbacks added from different contexts each run in their own', () => {
    const d = new Deferred<number>();
    const seen: (string | undefined)[] = [];
    const record = (): void => {
      seen.push(storage.getStore());
    };
    storage.run('a', () => d.addCallback(record));
    d.addCallback(record);
    storage.run('b', () => d.addCallback(record));
    d.callback(0);
    expect(seen).toEqual(['a', undefined, 'b']);
  });

  it('carries the context across a later turn of the event loop', async () => {
    const d = new Deferred<number>();
    const seen = storage.run('across-turns', () =>
      d.addCallback(() => storage.getStore()).asPromise(),
    );
    setTimeout(() => d.callback(1), 1);
    expect(await seen).toBe('across-turns');
  });

  it('callbacks added to a fired Deferred run at once in the caller context', () => {
    let seen: string | undefined;
    storage.run('caller', () => {
      succeed(1).addCallback(() => {
        seen = storage.getStore();
      });
    });
    expect(seen).toBe('caller');
  });

  it('setAsyncContextPropagation(false) makes callbacks run in the firing context instead', () => {
    setAsyncContextPropagation(false);
    const d = new Deferred<number>();
    let seen: string | undefined;
    storage.run('adder', () => {
      d.addCallback(() => {
        seen = storage.getStore();
      });
    });
    storage.run('firer', () => d.callback(1));
    expect(seen).toBe('firer');
  });

  it('a store entered with enterWith() is carried like one entered with run()', () => {
    const d = new Deferred<number>();
    let seen: string | undefined;
    // run() restores the outer store afterwards, so the enterWith() does not leak out of the test.
    storage.run('outer', () => {
      storage.enterWith('entered');
      d.addCallback(() => {
        seen = storage.getStore();
      });
    });
    storage.run('firer', () => d.callback(1));
    expect(seen).toBe('entered');
  });

  it('nested runs: each callback sees the innermost store current when it was added', () => {
    const d = new Deferred<number>();
    const seen: (string | undefined)[] = [];
    const record = (): void => {
      seen.push(storage.getStore());
    };
    storage.run('outer', () => {
      d.addCallback(record);
      storage.run('inner', () => d.addCallback(record));
      d.addCallback(record);
    });
    storage.run('firer', () => d.callback(0));
    expect(seen).toEqual(['outer', 'inner', 'outer']);
  });

  it('a callback added outside any store runs, and sees no store, even when fired inside one', () => {
    const d = new Deferred<number>();
    const late = new AsyncLocalStorage<string>(); // first enabled after the callback is added
    const seen: unknown[] = [];
    d.addCallback((n) => {
      seen.push(n, storage.getStore(), late.getStore());
      return n + 1;
    });
    storage.run('firer', () => late.run('late-firer', () => d.callback(1)));
    expect(seen).toEqual([1, undefined, undefined]);
  });
});

/**
 * The shortcut (no init hook → nothing to capture) can only be seen in a process where no
 * AsyncLocalStorage was ever enabled, so these run the Deferred in a fresh node process: the
 * TypeScript sources of the Deferred are transpiled to a temporary directory for it.
 */
describe('async context when no AsyncLocalStorage was ever enabled (fresh process)', () => {
  const srcRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
  const outRoot = mkdtempSync(join(tmpdir(), 'tw-defer-context-'));
  afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

  /** Transpile `file` and the modules it imports at run time (relative `./x.js` imports). */
  function transpile(file: string, done = new Set<string>()): void {
    if (done.has(file)) return;
    done.add(file);
    const output = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    }).outputText;
    const target = join(outRoot, relative(srcRoot, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, output);
    for (const match of output.matchAll(/from '(\.\.?\/[^']+)\.js'/g)) {
      transpile(resolve(dirname(file), `${match[1]!}.ts`), done);
    }
  }
  transpile(join(srcRoot, 'defer/deferred.ts'));

  /** Run `body` (an ES module body with Deferred, AsyncLocalStorage and captureMode in scope) in a new process; its stdout, parsed as JSON. */
  function inFreshProcess(body: string): unknown {
    const url = (path: string): string => pathToFileURL(join(outRoot, path)).href;
    const script = [
      `import { AsyncLocalStorage } from 'node:async_hooks';`,
      `import { Deferred } from '${url('defer/deferred.js')}';`,
      `import { captureMode } from '${url('defer/async-context.js')}';`,
      body,
    ].join('\n');
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.stderr).toBe('');
    return JSON.parse(child.stdout) as unknown;
  }

  it('captures nothing while no storage exists, and callbacks still run', () => {
    const result = inFreshProcess(`
      const modeBefore = captureMode();
      const d = new Deferred();
      const seen = [];
      d.addCallback((n) => { seen.push(n); return n + 1; });
      d.addCallback((n) => { seen.push(n); });
      d.callback(1);
      console.log(JSON.stringify({ modeBefore, seen }));
    `);
    expect(result).toEqual({ modeBefore: 'empty', seen: [1, 2] });
  });

  it('a callback added before any storage was enabled sees no store when fired inside one', () => {
    const result = inFreshProcess(`
      const storage = new AsyncLocalStorage();
      const d = new Deferred();
      let seen = 'unset';
      d.addCallback(() => { seen = storage.getStore() ?? null; });
      storage.run('firer', () => d.callback(1));
      console.log(JSON.stringify({ seen, modeAfter: captureMode() }));
    `);
    expect(result).toEqual({ seen: null, modeAfter: 'resource' });
  });

  it('once a storage is enabled, stores entered with run() and enterWith() are carried', () => {
    const result = inFreshProcess(`
      const storage = new AsyncLocalStorage();
      const d = new Deferred();
      const seen = [];
      const record = () => { seen.push(storage.getStore() ?? null); };
      d.addCallback(record);
      storage.run('first-run', () => {
        d.addCallback(record);
        storage.run('nested', () => d.addCallback(record));
      });
      storage.run('outer', () => {
        storage.enterWith('entered');
        d.addCallback(record);
      });
      d.addCallback(record);
      storage.run('firer', () => d.callback(0));
      console.log(JSON.stringify(seen));
    `);
    expect(result).toEqual([null, 'first-run', 'nested', 'entered', null]);
  });

  it('a store entered with enterWith() as the first use of any storage is carried', () => {
    const result = inFreshProcess(`
      const storage = new AsyncLocalStorage();
      const d = new Deferred();
      let seen = 'unset';
      setTimeout(() => {
        storage.enterWith('entered-first');
        d.addCallback(() => { seen = storage.getStore() ?? null; });
        setTimeout(() => {
          storage.run('firer', () => d.callback(1));
          console.log(JSON.stringify(seen));
        }, 1);
      }, 1);
    `);
    expect(result).toBe('entered-first');
  });
});
