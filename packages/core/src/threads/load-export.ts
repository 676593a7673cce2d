import { ThreadExportNotFoundError } from './errors.js';

/** A function that a thread may be asked to run by name. */
export type NamedFunction = (...args: unknown[]) => unknown;

/**
 * Import `moduleUrl` and return its export `exportName`, which must be a function. The module
 * system caches modules, so only the first call per thread pays for loading.
 */
export async function loadExport(moduleUrl: string, exportName: string): Promise<NamedFunction> {
  const module = (await import(moduleUrl)) as Record<string, unknown>;
  const fn = module[exportName];
  if (typeof fn !== 'function') throw new ThreadExportNotFoundError(moduleUrl, exportName);
  return fn as NamedFunction;
}
