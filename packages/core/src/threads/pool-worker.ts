/**
 * The script every ThreadPool worker runs (piscina's `filename`): it imports the named module,
 * calls the named export with the task's arguments, and reports how the call ended as a
 * CallOutcome — so errors keep their class name, code and the worker's stack.
 *
 * Runs as compiled JavaScript inside a worker thread only; never import it elsewhere.
 */
import { serializeError } from './error-transfer.js';
import { ThreadDataCloneError } from './errors.js';
import { loadExport } from './load-export.js';
import { POOL_WORKER_FLAG, type CallOutcome, type ThreadTask } from './messages.js';

(globalThis as Record<symbol, unknown>)[POOL_WORKER_FLAG] = true;

export default async function runThreadTask(task: ThreadTask): Promise<CallOutcome> {
  try {
    const fn = await loadExport(task.moduleUrl, task.exportName);
    const value = await fn(...task.args);
    checkCloneable(value, task.exportName);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  }
}

/**
 * A result that cannot be cloned would make piscina's postMessage throw outside the task, which
 * kills the worker and loses the reason; trying the clone here turns it into a clear error.
 * Primitives and byte arrays always clone, so they skip the trial copy.
 */
function checkCloneable(value: unknown, exportName: string): void {
  if (value === null || value === undefined) return;
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean' || type === 'bigint') return;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return;
  try {
    structuredClone(value);
  } catch (error) {
    throw new ThreadDataCloneError(`The result of ${exportName}()`, error);
  }
}
