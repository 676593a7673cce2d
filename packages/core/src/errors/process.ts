import { TwError } from './tw-error.js';

/**
 * The child process exited with code 0: the reason given to `processExited()` and
 * `processEnded()` on success (Twisted's `ProcessDone`).
 */
export class ProcessDone extends TwError {
  /** Always 0. */
  readonly exitCode = 0;
  /** Always null: the process was not killed by a signal. */
  readonly signal = null;

  constructor(message = 'A process has ended without apparent errors: exit code 0.') {
    super('TW_PROCESS_DONE', message);
  }
}

export interface ProcessTerminatedDetails {
  /** The exit code, or null when a signal killed the process. */
  readonly exitCode: number | null;
  /** The signal's name (`'SIGTERM'`) when one killed the process, else null. */
  readonly signal: string | null;
  /** The signal's number on this platform (15 for SIGTERM), else null. */
  readonly signalNumber?: number | null;
}

/**
 * The child process exited with a non-zero code or was killed by a signal (Twisted's
 * `ProcessTerminated`): check `exitCode` and `signal`.
 */
export class ProcessTerminated extends TwError {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly signalNumber: number | null;

  constructor(
    details: ProcessTerminatedDetails,
    message?: string,
    options?: { cause?: unknown },
    code = 'TW_PROCESS_TERMINATED',
  ) {
    super(
      code,
      message ??
        (details.signal === null
          ? `A process has ended with a probable error condition: exit code ${String(details.exitCode)}.`
          : `A process was killed by signal ${details.signal}.`),
      options,
    );
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.signalNumber = details.signalNumber ?? null;
  }
}

/**
 * The process could not be started at all (missing executable, no permission, missing working
 * directory). It is reported through `processEnded()` like any other end, so it is a
 * ProcessTerminated with neither an exit code nor a signal; `cause` is the operating system's
 * error and `errno` its code (`'ENOENT'`, `'EACCES'`, …).
 */
export class ProcessSpawnError extends ProcessTerminated {
  readonly executable: string;
  readonly errno: string | undefined;

  constructor(executable: string, cause: unknown, cwd?: string) {
    const errno = (cause as { code?: unknown } | null)?.code;
    const errnoText = typeof errno === 'string' ? errno : undefined;
    const where = cwd === undefined ? '' : ` in working directory ${JSON.stringify(cwd)}`;
    super(
      { exitCode: null, signal: null },
      `Could not start ${JSON.stringify(executable)}${where}: ${errnoText ?? String(cause)}. ` +
        'Check that the executable exists and is executable (a bare name is looked up in the ' +
        "child's PATH; no shell is involved) and that the working directory exists.",
      { cause },
      'TW_PROCESS_SPAWN_FAILED',
    );
    this.executable = executable;
    this.errno = errnoText;
  }
}

/** signalProcess() was called on a process that has already exited (or never started). */
export class ProcessExitedAlready extends TwError {
  constructor(
    message = 'The process has already exited: it cannot be signalled. ' +
      'Check transport.pid (null once the process is gone) before signalling.',
  ) {
    super('TW_PROCESS_EXITED_ALREADY', message);
  }
}

/** spawnProcess() was given options it cannot honour; the message names the option. */
export class InvalidSpawnOptionsError extends TwError {
  constructor(message: string) {
    super('TW_PROCESS_INVALID_OPTIONS', message);
  }
}

/**
 * writeToChild(), write() or registerProducer() named a descriptor of the child that is not a
 * pipe we write: map it to `'w'` in spawnProcess()'s `childFDs`.
 */
export class ChildFDNotWritableError extends TwError {
  readonly childFD: number;

  constructor(childFD: number) {
    super(
      'TW_PROCESS_FD_NOT_WRITABLE',
      `The child's descriptor ${childFD} is not a pipe we write to: ` +
        `map it to 'w' in spawnProcess()'s childFDs (stdin, 0, is 'w' by default).`,
    );
    this.childFD = childFD;
  }
}
