import { maybeDeferred } from '../defer/helpers.js';
import type { Failure } from '../defer/failure.js';
import { reportError } from '../reactor/node/report-error.js';
import { serializeError } from './error-transfer.js';
import { ThreadDataCloneError } from './errors.js';
import { loadExport, type NamedFunction } from './load-export.js';
import type { CallOutcome, FromThreadCallMessage } from './messages.js';

/** The part of a reactor that worker → reactor-thread calls need. */
export interface FromThreadCallReactor {
  callFromThread(fn: () => unknown): void;
}

/**
 * Runs, on the reactor thread, the calls workers make with callFromThread() and
 * blockingCallFromThread(), and answers the blocking ones.
 *
 * Loading a module is asynchronous, so loads are queued: calls start in the order they arrived
 * even when an earlier one names a module that is not loaded yet.
 */
export class FromThreadCalls {
  private loads: Promise<unknown> = Promise.resolve();

  constructor(private readonly reactor: FromThreadCallReactor) {}

  handle(message: FromThreadCallMessage): void {
    const loaded = this.loads.then(() => loadExport(message.moduleUrl, message.exportName));
    this.loads = loaded.catch(() => undefined);
    loaded.then(
      (fn) => this.reactor.callFromThread(() => this.run(fn, message)),
      (error: unknown) => this.reactor.callFromThread(() => this.fail(message, error)),
    );
  }

  private run(fn: NamedFunction, message: FromThreadCallMessage): void {
    maybeDeferred(() => fn(...message.args)).addCallbacks(
      (value) => this.answer(message, { ok: true, value }),
      (failure: Failure) => this.fail(message, failure.value),
    );
  }

  private fail(message: FromThreadCallMessage, error: unknown): void {
    if (message.reply === null) {
      reportError(`callFromThread(${message.exportName}) from a worker failed`, error);
      return;
    }
    this.answer(message, { ok: false, error: serializeError(error) });
  }

  private answer(message: FromThreadCallMessage, outcome: CallOutcome): void {
    const reply = message.reply;
    if (reply === null) return;
    try {
      reply.port.postMessage(outcome);
    } catch (error) {
      const cloneError = new ThreadDataCloneError(`The result of ${message.exportName}()`, error);
      reply.port.postMessage({ ok: false, error: serializeError(cloneError) });
    }
    // Posting enqueues the reply on the worker's port at once; then wake the worker to read it.
    const flag = new Int32Array(reply.signal);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  }
}
