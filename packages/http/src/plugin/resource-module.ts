import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TwError, type IReactorTime } from '@tw/core';
import type { IResource } from '../interfaces.js';

/**
 * A `--resource` module could not give a resource: it did not load, exported nothing usable, or
 * its factory threw. `problem` says which, completing "The resource module <path> …".
 */
export class ResourceModuleError extends TwError {
  constructor(
    readonly path: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super('TW_HTTP_RESOURCE_MODULE', `The resource module ${path} ${problem}`, options);
  }
}

/** What a `--resource` module may export (as `default` or as `resource`). */
export type ResourceModuleExport =
  | IResource
  | ((reactor: IReactorTime) => IResource | PromiseLike<IResource>)
  | (new (reactor: IReactorTime) => IResource);

/**
 * Import the module at `path` (relative to the working directory) and make the root resource
 * from its `default` export, or else its `resource` export: a resource as it is, a class is
 * constructed with the reactor, a function is called with the reactor (and may return a
 * promise). This is twisted's `twist web --resource-script` / `--class` for ES modules.
 *
 * @throws ResourceModuleError when the module does not load or exports no resource.
 */
export async function loadResourceModule(path: string, reactor: IReactorTime): Promise<IResource> {
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ResourceModuleError(path, `could not be loaded: ${messageOf(error)}`, {
      cause: error,
    });
  }
  const exported = exports['default'] ?? exports['resource'];
  if (exported === undefined || exported === null) {
    throw new ResourceModuleError(
      path,
      'has neither a default export nor a `resource` export; export a resource, or a function (reactor) => resource.',
    );
  }
  const made = await makeResource(path, exported, reactor);
  if (!isResource(made)) {
    throw new ResourceModuleError(
      path,
      `exports ${describe(made)}, not a resource (an object with render() and getChildWithDefault()).`,
    );
  }
  return made;
}

async function makeResource(
  path: string,
  exported: unknown,
  reactor: IReactorTime,
): Promise<unknown> {
  if (typeof exported !== 'function') return exported;
  try {
    if (isClass(exported)) {
      return new (exported as new (reactor: IReactorTime) => unknown)(reactor);
    }
    return await (exported as (reactor: IReactorTime) => unknown)(reactor);
  } catch (error) {
    throw new ResourceModuleError(path, `failed making the resource: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

/** Duck-typed: a resource built against another copy of @tw/http is still a resource. */
export function isResource(value: unknown): value is IResource {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<IResource>;
  return (
    typeof candidate.render === 'function' &&
    typeof candidate.getChildWithDefault === 'function' &&
    typeof candidate.putChild === 'function'
  );
}

function isClass(fn: unknown): boolean {
  return /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'no class'})`;
  return `a ${typeof value}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
