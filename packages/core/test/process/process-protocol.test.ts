import { describe, expect, it } from 'vitest';

import type { ProcessTerminated } from '../../src/errors/process.js';
import {
  ChildFDNotWritableError,
  ProcessDone,
  ProcessExitedAlready,
} from '../../src/errors/process.js';
import { MemoryReactor } from '../../src/testing/memory-reactor.js';
import { decode } from './harness.js';
import { RecordingProcessProtocol } from './harness.js';
import { ProcessProtocol } from '../../src/protocol/process-protocol.js';

describe('ProcessProtocol', () => {
  it('routes descriptor 1 to outReceived, 2 to errReceived, and lost pipes 0/1/2 to their callbacks', () => {
    const calls: string[] = [];
    class Routed extends ProcessProtocol {
      override outReceived(data: Uint8Array): void {
        calls.push(`out:${decode(data)}`);
      }
      override errReceived(data: Uint8Array): void {
        calls.push(`err:${decode(data)}`);
      }
      override inConnectionLost(): void {
        calls.push('in lost');
      }
      override outConnectionLost(): void {
        calls.push('out lost');
      }
      override errConnectionLost(): void {
        calls.push('err lost');
      }
    }
    const protocol = new Routed();
    const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
    protocol.childDataReceived(1, bytes('a'));
    protocol.childDataReceived(2, bytes('b'));
    protocol.childDataReceived(3, bytes('ignored by default'));
    protocol.childConnectionLost(0);
    protocol.childConnectionLost(1);
    protocol.childConnectionLost(2);
    protocol.childConnectionLost(3);
    expect(calls).toEqual(['out:a', 'err:b', 'in lost', 'out lost', 'err lost']);
  });

  it('explains that there is no transport before spawnProcess', () => {
    expect(() => new ProcessProtocol().transport).toThrow(/spawnProcess/);
  });
});

describe('MemoryReactor.spawnProcess', () => {
  it('records the call and lets the test play the child', () => {
    const reactor = new MemoryReactor();
    const protocol = new RecordingProcessProtocol();
    const transport = reactor.spawnProcess(protocol, '/usr/bin/tool', ['tool', '-v'], {
      cwd: '/tmp',
    });
    expect(reactor.processes).toHaveLength(1);
    expect(reactor.processes[0]).toMatchObject({
      executable: '/usr/bin/tool',
      args: ['tool', '-v'],
      options: { cwd: '/tmp' },
    });
    expect(protocol.events).toEqual(['connectionMade']);

    transport.write(new TextEncoder().encode('input'));
    expect(decode(transport.writtenTo(0))).toBe('input');
    expect(() => transport.writeToChild(1, new Uint8Array(1))).toThrow(ChildFDNotWritableError);

    transport.receive(1, 'output');
    transport.receive(2, 'warning');
    expect(protocol.text(1)).toBe('output');
    expect(protocol.text(2)).toBe('warning');

    transport.signalProcess('TERM');
    expect(transport.signals).toEqual(['TERM']);
    transport.terminate('SIGTERM');
    expect(protocol.events.slice(-5)).toEqual([
      'processExited',
      'childConnectionLost(0)',
      'childConnectionLost(1)',
      'childConnectionLost(2)',
      'processEnded',
    ]);
    expect((protocol.exitedReason?.value as ProcessTerminated).signal).toBe('SIGTERM');
    expect(transport.pid).toBeNull();
    expect(() => transport.signalProcess('KILL')).toThrow(ProcessExitedAlready);
  });

  it('ends with ProcessDone on exit(0) once the pipes the protocol closed are gone', () => {
    const reactor = new MemoryReactor();
    const protocol = new RecordingProcessProtocol();
    const transport = reactor.spawnProcess(protocol, 'cat', ['cat']);
    transport.loseConnection();
    expect([...transport.closedByParent]).toEqual([0, 1, 2]);
    expect(protocol.events).not.toContain('processEnded');
    transport.exit(0);
    expect(protocol.events.slice(-2)).toEqual(['processExited', 'processEnded']);
    expect(protocol.exitedReason?.value).toBeInstanceOf(ProcessDone);
  });
});
