import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Int16StringReceiver,
  Int32StringReceiver,
  Int8StringReceiver,
  StringTooLongError,
  type IntNStringReceiver,
} from '../../src/index.js';
import { StringTransport } from '../../src/testing/index.js';
import { anyCuts, concat, splitAt } from './split-chunks.js';

type ReceiverClass = new () => IntNStringReceiver;

function recording(Base: ReceiverClass): {
  protocol: IntNStringReceiver & { strings: number[][]; limits: number[] };
  transport: StringTransport;
} {
  const protocol = Object.assign(new Base(), { strings: [] as number[][], limits: [] as number[] });
  protocol.stringReceived = (data) => protocol.strings.push([...data]);
  const original = protocol.lengthLimitExceeded.bind(protocol);
  protocol.lengthLimitExceeded = (length) => {
    protocol.limits.push(length);
    original(length);
  };
  const transport = new StringTransport();
  transport.connect(protocol);
  return { protocol, transport };
}

function frame(prefixLength: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(prefixLength + payload.length);
  let length = payload.length;
  for (let i = prefixLength - 1; i >= 0; i--) {
    out[i] = length & 0xff;
    length = Math.floor(length / 256);
  }
  out.set(payload, prefixLength);
  return out;
}

const kinds: Array<[string, ReceiverClass, number]> = [
  ['Int8StringReceiver', Int8StringReceiver, 1],
  ['Int16StringReceiver', Int16StringReceiver, 2],
  ['Int32StringReceiver', Int32StringReceiver, 4],
];

describe.each(kinds)('%s', (_name, Receiver, prefixLength) => {
  it('gives the same strings for any split of the stream', () => {
    const payloads = fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 6 });
    fc.assert(
      fc.property(payloads, anyCuts, (strings, cuts) => {
        const { protocol } = recording(Receiver);
        const stream = concat(strings.map((s) => frame(prefixLength, s)));
        for (const chunk of splitAt(stream, cuts)) protocol.dataReceived(chunk);
        expect(protocol.strings).toEqual(strings.map((s) => [...s]));
      }),
    );
  });

  it('sendString writes a big-endian length prefix', () => {
    const { protocol, transport } = recording(Receiver);
    protocol.sendString(new Uint8Array([7, 8, 9]));
    expect([...transport.value()]).toEqual([...frame(prefixLength, new Uint8Array([7, 8, 9]))]);
  });

  it('refuses a string announced longer than MAX_LENGTH before buffering it, then drops the input', () => {
    const { protocol, transport } = recording(Receiver);
    protocol.MAX_LENGTH = 3;
    protocol.dataReceived(
      concat([
        frame(prefixLength, new Uint8Array([1, 2, 3])),
        frame(prefixLength, new Uint8Array(4)),
      ]),
    );
    expect(protocol.strings).toEqual([[1, 2, 3]]);
    expect(protocol.limits).toEqual([4]);
    expect(transport.disconnecting).toBe(true);
    protocol.dataReceived(frame(prefixLength, new Uint8Array([5])));
    expect(protocol.strings).toEqual([[1, 2, 3]]);
  });

  it('holds strings while paused', () => {
    const { protocol, transport } = recording(Receiver);
    protocol.stringReceived = (data) => {
      protocol.strings.push([...data]);
      protocol.pauseProducing();
    };
    protocol.dataReceived(
      concat([frame(prefixLength, new Uint8Array([1])), frame(prefixLength, new Uint8Array([2]))]),
    );
    expect(protocol.strings).toEqual([[1]]);
    expect(transport.producerState).toBe('paused');
    protocol.resumeProducing();
    expect(protocol.strings).toEqual([[1], [2]]);
  });
});

describe('IntNStringReceiver.sendString', () => {
  it('throws StringTooLongError when the length does not fit the prefix', () => {
    const { protocol, transport } = recording(Int8StringReceiver);
    expect(() => protocol.sendString(new Uint8Array(256))).toThrow(StringTooLongError);
    protocol.sendString(new Uint8Array(255));
    expect(transport.value().length).toBe(256);
  });

  it('sends text as UTF-8', () => {
    const { protocol, transport } = recording(Int16StringReceiver);
    protocol.sendString('é');
    expect([...transport.value()]).toEqual([0, 2, 0xc3, 0xa9]);
  });
});
