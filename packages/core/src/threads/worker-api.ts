/**
 * What code running on a ThreadPool worker uses to reach the reactor thread. Import it as
 * `@tw/core/threads/worker` inside worker modules: it loads nothing but this and a few errors.
 *
 * As with work sent to a thread, the function to run is named by module URL and export name,
 * and arguments and results must be structured-clonable.
 */
import {
  MessageChannel,
  parentPort,
  receiveMessageOnPort,
  type TransferListItem,
} from 'node:worker_threads';

import { rebuildError } from './error-transfer.js';
import { NotOnWorkerThreadError, ThreadDataCloneError } from './errors.js';
import {
  FROM_THREAD_CALL,
  POOL_WORKER_FLAG,
  type CallOutcome,
  type FromThreadCallMessage,
} from './messages.js';
import { moduleHref, type ModuleReference } from './module-url.js';

/** True inside a function run by a ThreadPool (deferToThread, ConnectionPool). */
export function isPoolWorkerThread(): boolean {
  return parentPort !== null && (globalThis as Record<symbol, unknown>)[POOL_WORKER_FLAG] === true;
}

/**
 * Ask the reactor thread to run `moduleUrl`'s export `exportName` with `args`, and go on at
 * once without waiting (Twisted's reactor.callFromThread). It runs on a later turn of the
 * reactor; if it throws, the error is reported there. Calls from one worker run in the order
 * they were made, but not necessarily before the Deferred of the task making them fires.
 */
export function callFromThread(
  moduleUrl: ModuleReference,
  exportName: string,
  ...args: unknown[]
): void {
  const port = requirePoolWorker('callFromThread');
  post(port, message(moduleUrl, exportName, args, null), []);
}

/**
 * Run `moduleUrl`'s export `exportName` with `args` on the reactor thread and block this worker
 * until it finishes; return its result (a returned Deferred or Promise is waited for) or throw
 * its error (Twisted's threads.blockingCallFromThread).
 *
 * The worker is blocked meanwhile (Atomics.wait), so the function must not wait for work on
 * the same pool that needs this worker — with every worker blocked that way, it deadlocks.
 */
export function blockingCallFromThread<T = unknown>(
  moduleUrl: ModuleReference,
  exportName: string,
  ...args: unknown[]
): T {
  const port = requirePoolWorker('blockingCallFromThread');
  const signal = new SharedArrayBuffer(4);
  const channel = new MessageChannel();
  try {
    post(port, message(moduleUrl, exportName, args, { port: channel.port1, signal }), [
      channel.port1,
    ]);
    const flag = new Int32Array(signal);
    // Atomics.wait returns early on spurious wake-ups too; the flag says when the reply is in.
    while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0);
    const received = receiveMessageOnPort(channel.port2);
    if (received === undefined) {
      throw new Error('blockingCallFromThread: woken without a reply (reactor thread closed it).');
    }
    const outcome = received.message as CallOutcome;
    if (outcome.ok) return outcome.value as T;
    throw rebuildError(outcome.error);
  } finally {
    channel.port2.close();
  }
}

function requirePoolWorker(what: string): NonNullable<typeof parentPort> {
  if (!isPoolWorkerThread()) throw new NotOnWorkerThreadError(what);
  return parentPort!;
}

function message(
  moduleUrl: ModuleReference,
  exportName: string,
  args: unknown[],
  reply: FromThreadCallMessage['reply'],
): FromThreadCallMessage {
  return { type: FROM_THREAD_CALL, moduleUrl: moduleHref(moduleUrl), exportName, args, reply };
}

function post(
  port: NonNullable<typeof parentPort>,
  value: FromThreadCallMessage,
  transfer: TransferListItem[],
): void {
  try {
    port.postMessage(value, transfer);
  } catch (error) {
    throw new ThreadDataCloneError(`The arguments of ${value.exportName}()`, error);
  }
}
