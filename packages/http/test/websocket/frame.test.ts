import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitrarySplits, splitAt } from '@tw/core/testing/split-feeder';

import { FrameParser } from '../../src/websocket/frame-parser.js';
import { Opcode, encodeFrame, encodeFrameHeader } from '../../src/websocket/frame.js';
import { applyMask } from '../../src/websocket/mask.js';
import { FrameCollector } from './frame-collector.js';

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const MASK = bytes(0x37, 0xfa, 0x21, 0x3d);

function parse(
  data: Uint8Array,
  role: 'server' | 'client',
  chunks: Uint8Array[] = [data],
): FrameCollector {
  const collector = new FrameCollector();
  const parser = new FrameParser(collector, { role, allowRsv1: true });
  for (const chunk of chunks) parser.feed(chunk);
  return collector;
}

// RFC 6455 §5.7 examples.
const RFC_VECTORS = [
  {
    name: 'a single-frame unmasked text message',
    wire: bytes(0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f),
    frames: [{ fin: true, opcode: Opcode.TEXT, payload: text('Hello') }],
    mask: undefined,
  },
  {
    name: 'a single-frame masked text message',
    wire: bytes(0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58),
    frames: [{ fin: true, opcode: Opcode.TEXT, payload: text('Hello') }],
    mask: MASK,
  },
  {
    name: 'a fragmented unmasked text message',
    wire: bytes(0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f),
    frames: [
      { fin: false, opcode: Opcode.TEXT, payload: text('Hel') },
      { fin: true, opcode: Opcode.CONTINUATION, payload: text('lo') },
    ],
    mask: undefined,
  },
  {
    name: 'an unmasked ping',
    wire: bytes(0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f),
    frames: [{ fin: true, opcode: Opcode.PING, payload: text('Hello') }],
    mask: undefined,
  },
  {
    name: 'a masked pong',
    wire: bytes(0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58),
    frames: [{ fin: true, opcode: Opcode.PONG, payload: text('Hello') }],
    mask: MASK,
  },
];

describe('frame codec: RFC 6455 §5.7 examples', () => {
  for (const vector of RFC_VECTORS) {
    it(`encodes and parses ${vector.name}`, () => {
      const encoded = vector.frames.map((frame) => encodeFrame(frame, vector.mask));
      expect(Buffer.concat(encoded)).toEqual(Buffer.from(vector.wire));
      const collector = parse(vector.wire, vector.mask === undefined ? 'client' : 'server');
      expect(collector.errors).toEqual([]);
      expect(
        collector.frames.map(({ fin, opcode, payload }) => ({ fin, opcode, payload })),
      ).toEqual(vector.frames);
    });
  }

  it('uses the 16-bit length for a 256-byte binary message', () => {
    const payload = new Uint8Array(256).fill(7);
    const wire = encodeFrame({ fin: true, opcode: Opcode.BINARY, payload });
    expect([...wire.subarray(0, 4)]).toEqual([0x82, 0x7e, 0x01, 0x00]);
    expect(parse(wire, 'client').frames[0]!.payload).toEqual(payload);
  });

  it('uses the 64-bit length for a 64 KiB binary message', () => {
    const payload = new Uint8Array(65536).fill(9);
    const wire = encodeFrame({ fin: true, opcode: Opcode.BINARY, payload });
    expect([...wire.subarray(0, 10)]).toEqual([0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect(Buffer.from(parse(wire, 'client').frames[0]!.payload).equals(payload)).toBe(true);
  });

  it('encodes a header alone exactly as the start of the whole frame', () => {
    const payload = new Uint8Array(300);
    const header = encodeFrameHeader({
      fin: true,
      opcode: Opcode.BINARY,
      length: 300,
      maskKey: MASK,
    });
    expect(
      encodeFrame({ fin: true, opcode: Opcode.BINARY, payload }, MASK).subarray(0, header.length),
    ).toEqual(header);
  });
});

const frameArbitrary = fc.oneof(
  fc.record({
    fin: fc.boolean(),
    rsv1: fc.boolean(),
    opcode: fc.constantFrom(Opcode.CONTINUATION, Opcode.TEXT, Opcode.BINARY),
    payload: fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.uint8Array({ minLength: 126, maxLength: 400 }),
      fc.integer({ min: 65536, max: 65600 }).map((n) => new Uint8Array(n).fill(n & 0xff)),
    ),
  }),
  fc.record({
    fin: fc.constant(true),
    rsv1: fc.constant(false),
    opcode: fc.constantFrom(Opcode.PING, Opcode.PONG, Opcode.CLOSE),
    payload: fc.uint8Array({ maxLength: 125 }),
  }),
);

describe('frame parser: any split gives the same frames', () => {
  /** Frames in a form vitest compares quickly (payloads as base64). */
  const summary = (
    frames: ReadonlyArray<{ fin: boolean; rsv1?: boolean; opcode: number; payload: Uint8Array }>,
  ) =>
    frames.map(({ fin, rsv1, opcode, payload }) => ({
      fin,
      rsv1: rsv1 ?? false,
      opcode,
      payload: Buffer.from(payload).toString('base64'),
    }));

  it('for masked (client → server) and unmasked (server → client) streams', () => {
    fc.assert(
      fc.property(
        fc.array(frameArbitrary, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.array(fc.integer({ min: 1, max: 70000 }), { maxLength: 30 }),
        (frames, masked, mask, cuts) => {
          const role = masked ? 'server' : 'client';
          const wire = Buffer.concat(
            frames.map((frame) => encodeFrame(frame, masked ? mask : undefined)),
          );
          const whole = parse(wire, role);
          expect(whole.errors).toEqual([]);
          expect(summary(whole.frames)).toEqual(summary(frames));
          const chunks = splitAt(wire, cuts);
          expect(summary(parse(wire, role, chunks).frames)).toEqual(summary(frames));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('byte by byte', () => {
    const frames = [
      { fin: false, opcode: Opcode.TEXT, payload: text('Hel') },
      { fin: true, opcode: Opcode.PING, payload: text('ping') },
      { fin: true, opcode: Opcode.CONTINUATION, payload: new Uint8Array(300).fill(65) },
    ];
    const wire = Buffer.concat(frames.map((frame) => encodeFrame(frame, MASK)));
    fc.assert(
      fc.property(arbitrarySplits(wire), (chunks) => {
        expect(summary(parse(wire, 'server', chunks).frames)).toEqual(summary(frames));
      }),
      { numRuns: 50 },
    );
    const single = [...wire].map((byte) => bytes(byte));
    expect(summary(parse(wire, 'server', single).frames)).toEqual(summary(frames));
  });

  it('does not modify the bytes it is fed', () => {
    const wire = encodeFrame(
      { fin: true, opcode: Opcode.BINARY, payload: new Uint8Array(100).fill(1) },
      MASK,
    );
    const copy = wire.slice();
    parse(wire, 'server');
    expect(wire).toEqual(copy);
  });
});

describe('frame parser: violations visible in one frame', () => {
  const cases: Array<[string, Uint8Array, 'server' | 'client', boolean?]> = [
    ['an unmasked frame from a client', bytes(0x81, 0x00), 'server'],
    ['a masked frame from a server', bytes(0x81, 0x80, 1, 2, 3, 4), 'client'],
    ['RSV1 without an extension', bytes(0xc1, 0x00), 'client', false],
    ['RSV2', bytes(0xa1, 0x00), 'client'],
    ['RSV3', bytes(0x91, 0x00), 'client'],
    ['RSV1 on a control frame', bytes(0xc9, 0x00), 'client'],
    ['reserved data opcode 3', bytes(0x83, 0x00), 'client'],
    ['reserved control opcode 0xB', bytes(0x8b, 0x00), 'client'],
    ['a fragmented ping', bytes(0x09, 0x00), 'client'],
    ['a 126-byte ping', bytes(0x89, 0x7e, 0x00, 0x7e), 'client'],
    [
      'a 64-bit length with the top bit set',
      bytes(0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 1),
      'client',
    ],
  ];
  for (const [name, wire, role, allowRsv1] of cases) {
    it(`fails on ${name} with 1002`, () => {
      const collector = new FrameCollector();
      const parser = new FrameParser(collector, { role, allowRsv1: allowRsv1 ?? true });
      parser.feed(wire);
      parser.feed(bytes(0x81, 0x00)); // ignored after the failure
      expect(collector.errors.map((error) => error.closeCode)).toEqual([1002]);
      expect(collector.frames).toEqual([]);
      expect(parser.failed).toBe(true);
    });
  }

  it('fails with 1009 as soon as a header declares more than maxPayloadLength', () => {
    const collector = new FrameCollector();
    const parser = new FrameParser(collector, { role: 'client', maxPayloadLength: 1000 });
    parser.feed(bytes(0x82, 0x7e, 0x03, 0xe9));
    expect(collector.errors.map((error) => error.closeCode)).toEqual([1009]);
  });
});

describe('applyMask', () => {
  it('equals a bytewise XOR for any offsets, alignments and mask phase', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 7 }),
        (data, mask, phase, sourcePad, targetPad) => {
          const source = new Uint8Array(data.length + sourcePad);
          source.set(data, sourcePad);
          const target = new Uint8Array(data.length + targetPad);
          applyMask(source, mask, phase, target, targetPad, sourcePad);
          const expected = data.map((byte, i) => byte ^ mask[(phase + i) & 3]!);
          expect(target.subarray(targetPad)).toEqual(expected);
          expect(source.subarray(sourcePad)).toEqual(data);
        },
      ),
    );
  });

  it('masks in place', () => {
    const data = new Uint8Array(100).map((_, i) => i);
    const original = data.slice();
    applyMask(data, MASK, 0, data);
    applyMask(data, MASK, 0, data);
    expect(data).toEqual(original);
  });
});
