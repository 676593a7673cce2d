import type { MessagePort } from 'node:worker_threads';

import type { SerializedError } from './error-transfer.js';

/** What the reactor thread sends a pool worker: which function to run, with what. */
export interface ThreadTask {
  readonly moduleUrl: string;
  readonly exportName: string;
  readonly args: readonly unknown[];
}

/**
 * How a call on the other thread ended. Errors travel flattened (see error-transfer.ts), so a
 * worker's task always "succeeds" as far as piscina is concerned.
 */
export type CallOutcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: SerializedError };

/** Tags a worker → reactor-thread message posted on the worker's parentPort. */
export const FROM_THREAD_CALL = 'tw.threads.fromThreadCall';

/** Where the reactor thread answers a blockingCallFromThread(). */
export interface ReplyChannel {
  /** The reply (a CallOutcome) is posted here… */
  readonly port: MessagePort;
  /** …then slot 0 of this Int32 view is set to 1 and notified, waking the blocked worker. */
  readonly signal: SharedArrayBuffer;
}

/** A worker asks the reactor thread to run a named function. */
export interface FromThreadCallMessage {
  readonly type: typeof FROM_THREAD_CALL;
  readonly moduleUrl: string;
  readonly exportName: string;
  readonly args: readonly unknown[];
  /** Null for callFromThread (fire and forget); set for blockingCallFromThread. */
  readonly reply: ReplyChannel | null;
}

export function isFromThreadCall(message: unknown): message is FromThreadCallMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === FROM_THREAD_CALL
  );
}

/** Set on globalThis by pool-worker.js, so worker-api knows it runs on a pool thread. */
export const POOL_WORKER_FLAG = Symbol.for('tw.threads.poolWorker');
