import type { ChildProcess } from 'node:child_process';
import { startExampleProcess } from '../../echo/test/run-example.js';

export interface RunningProgram {
  readonly child: ChildProcess;
  /** Everything printed so far (stdout and stderr, in order). */
  output(): string;
  /** Resolves once `pattern` matches the output (fails after 15 s or if the program exits). */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (fails after 20 s: the program must end on its own). */
  exited: Promise<number | null>;
}

/**
 * Start an example's compiled entry point the way its README says (`node dist/<entry>.js …`,
 * from the example's directory), building it first if dist is missing (CI builds first).
 */
export function startProgram(example: string, entry: string, args: string[]): RunningProgram {
  const peer = startExampleProcess(example, entry, args);
  const exited = new Promise<number | null>((resolveExit, reject) => {
    const timer = setTimeout(() => {
      peer.kill('SIGKILL');
      reject(new Error(`${example} did not exit within 20 s:\n${peer.output()}`));
    }, 20_000);
    void peer.exited.then((exit) => {
      clearTimeout(timer);
      resolveExit(exit.code);
    });
  });
  exited.catch(() => {});
  return {
    child: peer.child,
    output: () => peer.output(),
    waitFor: (pattern) => peer.waitForOutput(pattern, { timeout: 15_000 }),
    exited,
  };
}
