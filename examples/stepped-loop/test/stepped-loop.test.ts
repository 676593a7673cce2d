import { afterEach, describe, expect, it } from 'vitest';

import { startProgram, type RunningProgram } from './run-program.js';

const started: RunningProgram[] = [];

function start(example: string, entry: string, args: string[]): RunningProgram {
  const program = startProgram(example, entry, args);
  started.push(program);
  return program;
}

afterEach(async () => {
  for (const program of started.splice(0)) {
    if (program.child.exitCode === null && program.child.signalCode === null) {
      program.child.kill('SIGTERM');
      await program.exited.catch(() => {});
    }
  }
});

/** The "[tick N] …" status lines, in order. */
function statusLines(output: string): Array<{ tick: number; echoed: number }> {
  return [...output.matchAll(/^\[tick (\d+)\] \w+: sent \d+\/\d+, echoed (\d+)\//gm)].map(
    (match) => ({ tick: Number(match[1]), echoed: Number(match[2]) }),
  );
}

describe('the stepped-loop example', () => {
  it('talks to its built-in echo server from its own tick loop, then stops and exits 0', async () => {
    const program = start('stepped-loop', 'main', ['--lines', '4', '--fps', '100', '--every', '2']);
    expect(await program.exited).toBe(0);
    const output = program.output();
    expect(output).toMatch(/^stepped-loop: built-in echo server on 127\.0\.0\.1:\d+$/m);
    expect(output).toMatch(/^stepped-loop: connected to tcp:host=127\.0\.0\.1:port=\d+$/m);
    for (let i = 1; i <= 4; i++) expect(output).toContain(`last "line ${i} of 4"`);
    // The UI was redrawn tick by tick while the conversation progressed.
    const lines = statusLines(output);
    expect(lines.map((line) => line.echoed)).toContain(4);
    for (let i = 1; i < lines.length; i++) {
      expect(lines[i]!.tick).toBeGreaterThan(lines[i - 1]!.tick);
      expect(lines[i]!.echoed).toBeGreaterThanOrEqual(lines[i - 1]!.echoed);
    }
    const summary = output.match(/^stepped-loop: 4\/4 lines echoed in (\d+) ticks at 100 fps$/m);
    expect(summary).not.toBeNull();
    expect(Number(summary![1])).toBeGreaterThan(lines.at(-1)!.tick);
    expect(output).not.toMatch(/threw|failed|Error/); // nothing was reported on stderr
  });

  it('talks to the echo example server given with --connect', async () => {
    const server = start('echo', 'server', ['tcp:0:interface=127.0.0.1']);
    const [, port] = await server.waitFor(/listening on 127\.0\.0\.1:(\d+)/);
    const program = start('stepped-loop', 'main', [
      '--connect',
      `tcp:host=127.0.0.1:port=${port}`,
      '--lines',
      '3',
      '--fps',
      '100',
    ]);
    expect(await program.exited).toBe(0);
    expect(program.output()).not.toContain('built-in echo server');
    expect(program.output()).toMatch(/^stepped-loop: 3\/3 lines echoed in \d+ ticks at 100 fps$/m);
  });

  it('reports a server it cannot reach and exits 1', async () => {
    // A port from a server that has gone: listen, learn the port, stop it.
    const server = start('echo', 'server', ['tcp:0:interface=127.0.0.1']);
    const [, port] = await server.waitFor(/listening on 127\.0\.0\.1:(\d+)/);
    server.child.kill('SIGTERM');
    await server.exited;
    const program = start('stepped-loop', 'main', ['--connect', `tcp:host=127.0.0.1:port=${port}`]);
    expect(await program.exited).toBe(1);
    expect(program.output()).toMatch(
      /^stepped-loop: stopped after \d+ ticks, 0\/5 lines echoed \(could not connect to tcp:host=127\.0\.0\.1:port=\d+: .+\)$/m,
    );
  });

  it('SIGTERM stops the reactor gracefully between ticks; the loop ends and reports', async () => {
    const program = start('stepped-loop', 'main', ['--lines', '1000', '--every', '30']);
    await program.waitFor(/^\[tick \d+\] connected: sent 1\/1000/m);
    program.child.kill('SIGTERM');
    expect(await program.exited).toBe(1);
    expect(program.output()).toMatch(
      /^stepped-loop: stopped after \d+ ticks, \d+\/1000 lines echoed \(interrupted\)$/m,
    );
    expect(program.output()).not.toMatch(/threw|failed|Error/);
  });
});
