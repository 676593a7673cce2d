import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Where work for a thread lives: a `file:` URL (e.g. `new URL('./work.js', import.meta.url)`),
 * an absolute path, or a bare package specifier (resolved from @tw/core's own location, so only
 * packages @tw/core can see — prefer URLs for your own modules).
 */
export type ModuleReference = string | URL;

/** The string form of `module` that a worker (and the reactor thread) can import(). */
export function moduleHref(module: ModuleReference): string {
  if (module instanceof URL) return module.href;
  if (isAbsolute(module)) return pathToFileURL(module).href;
  if (module.startsWith('./') || module.startsWith('../')) {
    throw new TypeError(
      `Relative module path "${module}" is ambiguous for a worker thread: pass ` +
        "new URL('" +
        module +
        "', import.meta.url) or an absolute path.",
    );
  }
  return module;
}

/**
 * The URL of one of @tw/core's own worker scripts (`pool-worker`, `adbapi-worker`).
 *
 * Worker threads run plain JavaScript: on Node 20 a worker cannot load TypeScript. Built, this
 * module sits in dist/threads next to the scripts. When it runs from src (vitest runs the
 * TypeScript sources), the compiled scripts are taken from dist/threads — build with `tsc -b`
 * first (the thread tests do that when dist is missing or stale).
 */
export function ownWorkerScript(name: string): URL {
  const here = new URL(import.meta.url);
  if (here.pathname.endsWith('.ts')) return new URL(`../../dist/threads/${name}.js`, here);
  return new URL(`./${name}.js`, here);
}

/** The export condition this workspace uses to resolve @tw packages to their TypeScript sources. */
const SOURCE_CONDITION = '@tw/source';

/**
 * The Node options a pool worker starts with: the reactor thread's own (workers inherit them),
 * minus the workspace-only `@tw/source` export condition. Test runners in this repository add
 * it so the reactor thread runs TypeScript sources; a worker on Node 20 cannot load those, so
 * in workers `@tw/*` imports resolve to the compiled dist/ files instead.
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if ((arg === '--conditions' || arg === '-C') && execArgv[i + 1] === SOURCE_CONDITION) {
      i++;
      continue;
    }
    if (arg === `--conditions=${SOURCE_CONDITION}` || arg === `-C=${SOURCE_CONDITION}`) continue;
    kept.push(arg);
  }
  return kept;
}
