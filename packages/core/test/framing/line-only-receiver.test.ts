import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineOnlyReceiver } from '../../src/index.js';
import { StringTransport } from '../../src/testing/index.js';
import { anyCuts, decode, encode, splitAt } from './split-chunks.js';

class Recorder extends LineOnlyReceiver {
  readonly lines: string[] = [];
  readonly exceeded: string[] = [];
  override lineReceived(line: Uint8Array): void {
    this.lines.push(decode(line));
  }
  override lineLengthExceeded(line: Uint8Array): void {
    this.exceeded.push(decode(line));
    super.lineLengthExceeded(line);
  }
}

function connected(): { protocol: Recorder; transport: StringTransport } {
  const protocol = new Recorder();
  const transport = new StringTransport();
  transport.connect(protocol);
  return { protocol, transport };
}

describe('LineOnlyReceiver', () => {
  it('gives the same lines for any split of the stream', () => {
    const words = fc.array(
      fc.stringMatching(/^[a-z\r\n ]{0,10}$/).filter((w) => !w.includes('\r\n')),
      {
        maxLength: 8,
      },
    );
    fc.assert(
      fc.property(words, anyCuts, (lines, cuts) => {
        const { protocol } = connected();
        for (const chunk of splitAt(encode(lines.map((l) => `${l}\r\n`).join('') + 'tail'), cuts)) {
          protocol.dataReceived(chunk);
        }
        expect(protocol.lines).toEqual(lines);
      }),
    );
  });

  it('closes the connection on a line over MAX_LENGTH, complete or not', () => {
    const complete = connected();
    complete.protocol.MAX_LENGTH = 4;
    complete.protocol.dataReceived(encode('abcd\r\nabcde\r\nlater\r\n'));
    expect(complete.protocol.lines).toEqual(['abcd']);
    expect(complete.protocol.exceeded).toEqual(['abcde\r\nlater\r\n']);
    expect(complete.transport.disconnecting).toBe(true);

    const partial = connected();
    partial.protocol.MAX_LENGTH = 4;
    partial.protocol.dataReceived(encode('abcd\r'));
    expect(partial.protocol.exceeded).toEqual([]);
    partial.protocol.dataReceived(encode('x'));
    expect(partial.protocol.exceeded).toEqual(['abcd\rx']);
    expect(partial.transport.disconnecting).toBe(true);
  });

  it('sendLine appends the delimiter', () => {
    const { protocol, transport } = connected();
    protocol.delimiter = encode('\n');
    protocol.sendLine('hi');
    expect(transport.text()).toBe('hi\n');
  });
});
