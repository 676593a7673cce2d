import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';

import { LineReceiver } from '../../src/framing/line-receiver.js';
import { StandardIO } from '../../src/reactor/node/stdio.js';
import { closeReactors, decode, drive, makeReactor, turnNodeLoop } from './harness.js';

afterEach(closeReactors);

describe('SteppedReactor.steppedProtocol', () => {
  it('makes a transport the reactor did not create (StandardIO) deliver inside iterate()', async () => {
    const reactor = makeReactor();
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let written = '';
    stdout.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const commands: string[] = [];
    let outsideIterate = 0;
    let lost = false;
    class Commands extends LineReceiver {
      override connectionMade(): void {
        if (!reactor.iterating) outsideIterate++;
      }
      override lineReceived(line: Uint8Array): void {
        if (!reactor.iterating) outsideIterate++;
        commands.push(decode(line));
        this.sendLine(`ok ${decode(line)}`);
      }
      override connectionLost(): void {
        lost = true;
      }
    }
    new StandardIO(reactor.steppedProtocol(new Commands()), reactor, { stdin, stdout });
    stdin.write('up\r\ndown\r\n');
    await turnNodeLoop(30);
    expect(commands).toEqual([]);
    await drive(reactor, () => commands.length === 2, 'two commands', 40);
    expect(commands).toEqual(['up', 'down']);
    stdin.end('quit\r\n');
    await drive(reactor, () => lost, 'stdin to close', 40);
    expect(commands).toEqual(['up', 'down', 'quit']);
    expect(outsideIterate).toBe(0);
    expect(written).toBe('ok up\r\nok down\r\nok quit\r\n');
  });
});
