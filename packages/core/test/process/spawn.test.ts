import { fstatSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import {
  ChildFDNotWritableError,
  InvalidSpawnOptionsError,
  ProcessDone,
  ProcessExitedAlready,
  ProcessSpawnError,
  ProcessTerminated,
} from '../../src/errors/process.js';
import { isTwError } from '../../src/errors/tw-error.js';
import { ProcessProtocol } from '../../src/protocol/process-protocol.js';
import {
  RecordingProcessProtocol,
  decode,
  encode,
  killAll,
  reactor,
  spawn,
  spawnNode,
} from './harness.js';

afterEach(killAll);

describe('spawnProcess: stdin, stdout, stderr', () => {
  it('writes to the stdin of cat and reads it back from stdout; cat ends with ProcessDone', async () => {
    const protocol = new RecordingProcessProtocol();
    const transport = spawn(protocol, '/bin/cat', ['cat']);
    expect(protocol.events).toEqual(['connectionMade']);
    expect(transport.pid).toBeGreaterThan(0);
    transport.write(encode('hello, '));
    transport.writeSequence([encode('child'), encode('\n')]);
    transport.closeStdin();

    const reason = await protocol.ended;
    expect(protocol.text(1)).toBe('hello, child\n');
    expect(reason.check(ProcessDone)).toBe(ProcessDone);
    expect((reason.value as ProcessDone).exitCode).toBe(0);
    expect(transport.pid).toBeNull();
    // Every pipe is reported closed before processEnded, which comes last.
    expect(protocol.events.slice(-1)).toEqual(['processEnded']);
    for (const fd of [0, 1, 2]) expect(protocol.events).toContain(`childConnectionLost(${fd})`);
    expect(protocol.events).toContain('processExited');
    expect(protocol.connected).toBe(false);
  });

  it('routes stderr to errReceived and stdout to outReceived', async () => {
    const protocol = new RecordingProcessProtocol();
    spawnNode(protocol, "process.stderr.write('to err'); process.stdout.write('to out')");
    await protocol.ended;
    expect(protocol.text(1)).toBe('to out');
    expect(protocol.text(2)).toBe('to err');
    expect(protocol.events).toContain('outReceived');
    expect(protocol.events).toContain('errReceived');
  });

  it('passes args[0] as argv[0] and the rest as arguments, with no shell in between', async () => {
    const protocol = new RecordingProcessProtocol();
    spawnNode(
      protocol,
      'process.stdout.write(JSON.stringify([process.argv0, process.argv.slice(1)]))',
    );
    await protocol.ended;
    expect(JSON.parse(protocol.text(1))).toEqual(['node', []]);

    const echo = new RecordingProcessProtocol();
    spawn(echo, '/bin/echo', ['echo', '$HOME', '; ls', '*']);
    await echo.ended;
    expect(echo.text(1)).toBe('$HOME ; ls *\n');
  });

  it('gives the child the env and cwd asked for', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'tw-process-')));
    try {
      const protocol = new RecordingProcessProtocol();
      spawnNode(
        protocol,
        'process.stdout.write(JSON.stringify([process.cwd(), process.env.TW_TEST, process.env.HOME ?? null]))',
        { cwd: dir, env: { TW_TEST: 'yes' } },
      );
      await protocol.ended;
      expect(JSON.parse(protocol.text(1))).toEqual([dir, 'yes', null]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('closeStdin gives the child EOF while it keeps running', async () => {
    const protocol = new RecordingProcessProtocol();
    const transport = spawnNode(
      protocol,
      `let n = 0;
       process.stdin.on('data', (d) => { n += d.length; });
       process.stdin.on('end', () => { process.stdout.write('eof after ' + n); });`,
    );
    transport.write(encode('12345'));
    transport.closeStdin();
    transport.write(encode('dropped: written after closeStdin'));
    const reason = await protocol.ended;
    expect(protocol.text(1)).toBe('eof after 5');
    expect(reason.value).toBeInstanceOf(ProcessDone);
    expect(protocol.events.indexOf('childConnectionLost(0)')).toBeLessThan(
      protocol.events.indexOf('processEnded'),
    );
  });

  it('loseConnection closes stdin, stdout and stderr; the child sees EOF and exits', async () => {
    const protocol = new RecordingProcessProtocol();
    const transport = spawnNode(
      protocol,
      "process.stdin.resume(); process.stdin.on('end', () => process.exit(7));",
    );
    transport.loseConnection();
    expect(transport.disconnecting).toBe(true);
    const reason = await protocol.ended;
    expect(reason.value).toBeInstanceOf(ProcessTerminated);
    expect((reason.value as ProcessTerminated).exitCode).toBe(7);
  });
});

describe('spawnProcess: how the process ends', () => {
  it('reports a non-zero exit code as ProcessTerminated.exitCode', async () => {
    const protocol = new RecordingProcessProtocol();
    spawnNode(protocol, 'process.exit(3)');
    const reason = await protocol.ended;
    expect(reason.check(ProcessDone)).toBeNull();
    const error = reason.value as ProcessTerminated;
    expect(error).toBeInstanceOf(ProcessTerminated);
    expect(error.exitCode).toBe(3);
    expect(error.signal).toBeNull();
    expect(error.code).toBe('TW_PROCESS_TERMINATED');
    expect(protocol.exitedReason?.value).toBe(error);
  });

  it('reports a kill by signal as ProcessTerminated.signal; signalling again throws ProcessExitedAlready', async () => {
    const protocol = new RecordingProcessProtocol();
    const transport = spawn(protocol, '/bin/cat', ['cat']);
    transport.signalProcess('TERM');
    const reason = await protocol.ended;
    const error = reason.value as ProcessTerminated;
    expect(error).toBeInstanceOf(ProcessTerminated);
    expect(error.exitCode).toBeNull();
    expect(error.signal).toBe('SIGTERM');
    expect(error.signalNumber).toBe(15);
    expect(transport.pid).toBeNull();
    expect(() => transport.signalProcess('KILL')).toThrow(ProcessExitedAlready);
  });

  it('sends signals by number, and KILL ends a child that ignores TERM', async () => {
    const protocol = new RecordingProcessProtocol();
    const transport = spawnNode(
      protocol,
      "process.on('SIGTERM', () => process.stdout.write('ignored TERM\\n')); process.stdout.write('ready\\n'); setInterval(() => {}, 1000);",
    );
    await until(() => protocol.text(1).includes('ready'));
    transport.signalProcess(15);
    await until(() => protocol.text(1).includes('ignored TERM'));
    transport.signalProcess('KILL');
    const reason = await protocol.ended;
    expect((reason.value as ProcessTerminated).signal).toBe('SIGKILL');
  });

  it('reports a missing executable through processEnded with ProcessSpawnError, not a throw', async () => {
    const protocol = new RecordingProcessProtocol();
    const transport = spawn(protocol, '/nonexistent/tw-no-such-program', ['nope']);
    expect(transport.pid).toBeNull();
    transport.write(encode('goes nowhere'));
    const reason = await protocol.ended;
    const error = reason.value as ProcessSpawnError;
    expect(error).toBeInstanceOf(ProcessSpawnError);
    expect(error).toBeInstanceOf(ProcessTerminated);
    expect(error.errno).toBe('ENOENT');
    expect(error.exitCode).toBeNull();
    expect(isTwError(error, 'TW_PROCESS_SPAWN_FAILED')).toBe(true);
    expect(error.message).toContain('/nonexistent/tw-no-such-program');
    expect(protocol.events[0]).toBe('connectionMade');
    expect(protocol.events).toContain('processExited');
    expect(() => transport.signalProcess('TERM')).toThrow(ProcessExitedAlready);
  });

  it('reports a missing working directory the same way, naming it', async () => {
    const protocol = new RecordingProcessProtocol();
    spawn(protocol, '/bin/cat', ['cat'], { cwd: '/nonexistent/tw-no-such-dir' });
    const reason = await protocol.ended;
    expect(reason.value).toBeInstanceOf(ProcessSpawnError);
    expect((reason.value as Error).message).toContain('/nonexistent/tw-no-such-dir');
  });

  it('reports an operating-system error Node throws at once (E2BIG) through processEnded too', async () => {
    const protocol = new RecordingProcessProtocol();
    // One argument longer than Linux's per-string limit (128 KiB): execve refuses it.
    const transport = spawn(protocol, '/bin/echo', ['echo', 'x'.repeat(200_000)]);
    expect(protocol.events).toEqual(['connectionMade']);
    expect(transport.pid).toBeNull();
    const reason = await protocol.ended;
    expect(reason.value).toBeInstanceOf(ProcessSpawnError);
    expect((reason.value as ProcessSpawnError).errno).toBe('E2BIG');
  });

  it('rejects options it cannot honour with InvalidSpawnOptionsError', () => {
    const protocol = new ProcessProtocol();
    expect(() => reactor.spawnProcess(protocol, '', [])).toThrow(InvalidSpawnOptionsError);
    expect(() =>
      reactor.spawnProcess(protocol, '/bin/cat', ['cat'], { usePTY: true as unknown as false }),
    ).toThrow(/usePTY/);
    expect(() =>
      reactor.spawnProcess(protocol, '/bin/cat', ['cat'], { childFDs: { 0: 'r' } }),
    ).toThrow(InvalidSpawnOptionsError);
    expect(() =>
      reactor.spawnProcess(protocol, '/bin/cat', ['cat'], {
        childFDs: { 3: 'x' as unknown as 'r' },
      }),
    ).toThrow(/childFDs\[3\]/);
    expect(protocol.hasTransport).toBe(false);
  });

  it('keeps running when the protocol throws: the pipe is closed, the process still ends', async () => {
    class Throwing extends RecordingProcessProtocol {
      override outReceived(): void {
        throw new Error('boom in outReceived');
      }
    }
    const protocol = new Throwing();
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args.join(' '));
    try {
      spawnNode(protocol, "process.stdout.write('x'); process.stderr.write('still heard')");
      const reason = await protocol.ended;
      expect(reason.value).toBeInstanceOf(ProcessDone);
    } finally {
      console.error = original;
    }
    expect(protocol.text(2)).toBe('still heard');
    expect(String(errors[0])).toContain('boom in outReceived');
  });
});

describe('spawnProcess: childFDs', () => {
  it('reads an extra pipe on descriptor 3', async () => {
    const protocol = new RecordingProcessProtocol();
    spawnNode(protocol, "require('fs').writeSync(3, 'on fd 3'); process.stdout.write('on fd 1');", {
      childFDs: { 0: 'w', 1: 'r', 2: 'r', 3: 'r' },
    });
    await protocol.ended;
    expect(protocol.text(3)).toBe('on fd 3');
    expect(protocol.text(1)).toBe('on fd 1');
    expect(protocol.events).toContain('childConnectionLost(3)');
  });

  it('writes an extra pipe on descriptor 3 with writeToChild, and closeChildFD gives EOF', async () => {
    const protocol = new RecordingProcessProtocol();
    const transport = spawnNode(
      protocol,
      `const s = new (require('net').Socket)({ fd: 3, readable: true, writable: false });
       let text = ''; s.on('data', (d) => { text += d; });
       s.on('end', () => { process.stdout.write('fd 3 said: ' + text); process.exit(0); });`,
      { childFDs: { 1: 'r', 2: 'r', 3: 'w' } },
    );
    transport.writeToChild(3, encode('through '));
    transport.writeToChild(3, encode('fd 3'));
    transport.closeChildFD(3);
    await protocol.ended;
    expect(protocol.text(1)).toBe('fd 3 said: through fd 3');
    // Descriptor 0 was left out: the child's stdin is /dev/null, and there is no pipe to write.
    expect(() => transport.write(encode('x'))).toThrow(ChildFDNotWritableError);
    expect(() => transport.writeToChild(1, encode('x'))).toThrow(ChildFDNotWritableError);
  });

  it('hands the child one of our descriptors when mapped to a number', async () => {
    const protocol = new RecordingProcessProtocol();
    // The child's stdout is our own stderr (same file), so nothing reaches us on descriptor 1.
    spawnNode(
      protocol,
      "const s = require('fs').fstatSync(1); process.stderr.write(JSON.stringify([s.dev, s.ino]))",
      {
        childFDs: { 0: 'w', 1: 2, 2: 'r' },
      },
    );
    const reason = await protocol.ended;
    expect(reason.value).toBeInstanceOf(ProcessDone);
    expect(protocol.received.has(1)).toBe(false);
    const ours = fstatSync(2);
    expect(JSON.parse(protocol.text(2))).toEqual([ours.dev, ours.ino]);
    expect(protocol.events).not.toContain('childConnectionLost(1)');
  });
});

describe('spawnProcess: reading flow control', () => {
  it('pauseProducing stops delivering output until resumeProducing', async () => {
    const protocol = new RecordingProcessProtocol();
    const transport = spawnNode(
      protocol,
      "process.stdout.write('first\\n'); process.stdin.once('data', () => process.stdout.write('second\\n'));",
    );
    await until(() => protocol.text(1) === 'first\n');
    transport.pauseProducing();
    transport.write(encode('go'));
    transport.closeStdin();
    // The child answers and exits; while paused nothing more is delivered and the process has
    // not ended (its stdout is still open on our side).
    await until(() => protocol.events.includes('processExited'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(protocol.text(1)).toBe('first\n');
    expect(protocol.events).not.toContain('processEnded');
    transport.resumeProducing();
    await protocol.ended;
    expect(decode(Buffer.concat(protocol.received.get(1) ?? []))).toBe('first\nsecond\n');
  });
});

/** Wait (bounded) for `condition`, polling on the event loop. */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
