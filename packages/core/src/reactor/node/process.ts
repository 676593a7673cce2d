import { spawn, type ChildProcess, type SpawnOptions, type StdioOptions } from 'node:child_process';

import { InvalidSpawnOptionsError } from '../../errors/process.js';
import type {
  ChildFDMapping,
  IProcessProtocol,
  SpawnProcessOptions,
} from '../../interfaces/process.js';
import type { IDelayedCall } from '../../interfaces/reactor.js';
import { ProcessTransport } from './process-transport.js';

const DEFAULT_CHILD_FDS: Readonly<Record<number, ChildFDMapping>> = { 0: 'w', 1: 'r', 2: 'r' };

/** What spawnProcess needs from the reactor it runs on. */
export interface ProcessReactorServices {
  callLater(delay: number, fn: () => unknown): IDelayedCall;
}

/**
 * Start `executable` and connect `protocol` to its pipes (the Node reactor's spawnProcess).
 * `args` is the whole argv as in Twisted — `args[0]` becomes the child's argv[0] — and no shell
 * is ever involved. Invalid options throw InvalidSpawnOptionsError; a child that cannot be
 * started is reported through processEnded() with ProcessSpawnError.
 */
export function spawnProcess(
  services: ProcessReactorServices,
  protocol: IProcessProtocol,
  executable: string,
  args: readonly string[] = [],
  options: SpawnProcessOptions = {},
): ProcessTransport {
  validate(executable, args, options);
  const childFDs = options.childFDs ?? DEFAULT_CHILD_FDS;
  const { stdio, pipes } = stdioFor(childFDs);
  const spawnOptions: SpawnOptions = {
    argv0: args[0] ?? executable,
    stdio,
    shell: false,
    windowsHide: true,
  };
  if (options.env !== undefined) spawnOptions.env = { ...options.env };
  if (options.cwd !== undefined) spawnOptions.cwd = options.cwd;

  let child: ChildProcess | null = null;
  let startError: unknown = undefined;
  try {
    child = spawn(executable, args.slice(1), spawnOptions);
  } catch (error) {
    // Node throws its own argument errors (ERR_*) at once: those are the caller's bug. An
    // operating-system error thrown here (E2BIG, …) is a failed start like ENOENT.
    if (isNodeArgumentError(error)) throw error;
    startError = error;
  }
  const transport = new ProcessTransport({
    child,
    protocol,
    pipes,
    executable,
    cwd: options.cwd,
    later: (fn) => {
      services.callLater(0, fn);
    },
  });
  transport.start();
  if (child === null) services.callLater(0, () => transport.failToStart(startError));
  return transport;
}

function isNodeArgumentError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof TypeError || (typeof code === 'string' && code.startsWith('ERR_'));
}

/** Node's stdio array for Twisted's childFDs, and which descriptors are pipes, which way. */
function stdioFor(childFDs: Readonly<Record<number, ChildFDMapping>>): {
  stdio: StdioOptions;
  pipes: Map<number, 'r' | 'w'>;
} {
  const pipes = new Map<number, 'r' | 'w'>();
  const fds = Object.keys(childFDs).map(Number);
  const count = Math.max(3, ...fds.map((fd) => fd + 1));
  const stdio: Array<'pipe' | 'ignore' | number> = [];
  for (let fd = 0; fd < count; fd++) {
    const mapping = childFDs[fd];
    if (mapping === 'r' || mapping === 'w') {
      pipes.set(fd, mapping);
      stdio.push('pipe');
    } else {
      stdio.push(mapping ?? 'ignore');
    }
  }
  return { stdio, pipes };
}

function validate(executable: string, args: readonly string[], options: SpawnProcessOptions): void {
  if (typeof executable !== 'string' || executable === '') {
    throw new InvalidSpawnOptionsError(
      'spawnProcess() needs the executable as a non-empty string (a path, or a name looked up in PATH).',
    );
  }
  if (!Array.isArray(args) || args.some((arg) => typeof arg !== 'string')) {
    throw new InvalidSpawnOptionsError(
      'spawnProcess() takes args as an array of strings, argv[0] first: ' +
        "spawnProcess(protocol, '/bin/ls', ['ls', '-l']).",
    );
  }
  if ((options.usePTY as boolean | undefined) === true) {
    throw new InvalidSpawnOptionsError(
      'usePTY is not supported: spawn the child with pipes (usePTY: false), or run it under ' +
        'a pseudo-terminal program such as script(1).',
    );
  }
  for (const [key, mapping] of Object.entries(options.childFDs ?? {})) {
    const fd = Number(key);
    if (!Number.isInteger(fd) || fd < 0 || fd > 1023) {
      throw new InvalidSpawnOptionsError(
        `childFDs key ${JSON.stringify(key)} is not a file descriptor number (0–1023).`,
      );
    }
    const inherited = typeof mapping === 'number' && Number.isInteger(mapping) && mapping >= 0;
    if (!inherited && mapping !== 'r' && mapping !== 'w') {
      throw new InvalidSpawnOptionsError(
        `childFDs[${fd}] is ${JSON.stringify(mapping)}: use 'r' (we read what the child ` +
          "writes), 'w' (we write what the child reads) or one of our descriptor numbers.",
      );
    }
    if (fd === 0 && mapping === 'r') {
      throw new InvalidSpawnOptionsError(
        "childFDs[0] cannot be 'r': the child's stdin is a pipe we write ('w'), or inherited.",
      );
    }
  }
}
