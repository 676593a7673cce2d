import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NetstringParseError } from '../../src/index.js';
import { NetstringReceiver } from '../../src/index.js';
import { StringTransport } from '../../src/testing/index.js';
import { anyCuts, concat, decode, encode, splitAt } from './split-chunks.js';

class Recorder extends NetstringReceiver {
  readonly strings: string[] = [];
  readonly errors: NetstringParseError[] = [];
  override stringReceived(data: Uint8Array): void {
    this.strings.push(decode(data));
  }
  override handleParseError(error: NetstringParseError): void {
    this.errors.push(error);
    super.handleParseError(error);
  }
}

function connected(): { protocol: Recorder; transport: StringTransport } {
  const protocol = new Recorder();
  const transport = new StringTransport();
  transport.connect(protocol);
  return { protocol, transport };
}

function netstring(bytes: Uint8Array): Uint8Array {
  return concat([encode(`${bytes.length}:`), bytes, encode(',')]);
}

describe('NetstringReceiver', () => {
  it('parses the djb example and the empty netstring', () => {
    const { protocol } = connected();
    protocol.dataReceived(encode('12:hello world!,0:,'));
    expect(protocol.strings).toEqual(['hello world!', '']);
  });

  it('gives the same strings for any split of the stream', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 15 }), { maxLength: 6 }),
        anyCuts,
        (strings, cuts) => {
          const { protocol, transport } = connected();
          const stream = concat(strings.map((s) => netstring(encode(s))));
          for (const chunk of splitAt(stream, cuts)) protocol.dataReceived(chunk);
          expect(protocol.strings).toEqual(strings);
          expect(transport.disconnecting).toBe(false);
        },
      ),
    );
  });

  it.each([
    ['a leading zero', '01:a,'],
    ['a non-digit in the length', '1x:a,'],
    ['an empty length', ':a,'],
    ['a missing comma', '3:abcX'],
    ['a space before the colon', '3 :abc,'],
  ])('closes the connection on %s', (_what, input) => {
    const { protocol, transport } = connected();
    protocol.dataReceived(encode(`2:ok,${input}`));
    expect(protocol.strings).toEqual(['ok']);
    expect(protocol.errors).toHaveLength(1);
    expect(protocol.errors[0]!.code).toBe('TW_FRAMING_NETSTRING_PARSE');
    expect(transport.disconnecting).toBe(true);
    expect(protocol.brokenPeer).toBe(true);
    protocol.dataReceived(encode('2:no,'));
    expect(protocol.strings).toEqual(['ok']);
  });

  it('rejects a length over MAX_LENGTH as soon as its digits show it', () => {
    const { protocol, transport } = connected();
    protocol.MAX_LENGTH = 100;
    protocol.dataReceived(encode('10'));
    expect(protocol.errors).toEqual([]);
    protocol.dataReceived(encode('1'));
    expect(protocol.errors[0]!.message).toContain('MAX_LENGTH');
    expect(transport.disconnecting).toBe(true);
  });

  it('accepts a string of exactly MAX_LENGTH bytes', () => {
    const { protocol } = connected();
    protocol.MAX_LENGTH = 5;
    protocol.dataReceived(encode('5:abcde,'));
    expect(protocol.strings).toEqual(['abcde']);
  });

  it('sendString frames bytes and text', () => {
    const { protocol, transport } = connected();
    protocol.sendString('hello world!');
    protocol.sendString(new Uint8Array(0));
    expect(transport.text()).toBe('12:hello world!,0:,');
  });

  it('holds strings while paused', () => {
    class Pausing extends Recorder {
      override stringReceived(data: Uint8Array): void {
        super.stringReceived(data);
        this.pauseProducing();
      }
    }
    const protocol = new Pausing();
    new StringTransport().connect(protocol);
    protocol.dataReceived(encode('1:a,1:b,'));
    expect(protocol.strings).toEqual(['a']);
    protocol.resumeProducing();
    expect(protocol.strings).toEqual(['a', 'b']);
  });
});
