import { describe, expect, it } from 'vitest';

import { Opcode } from '../../src/websocket/frame.js';
import { ProtocolHarness, closePayload, decode, encode } from './harness.js';

const hex = (s: string): Uint8Array => Buffer.from(s, 'hex');

describe('WebSocketProtocol: messages', () => {
  it('delivers text and binary messages and echoes them unmasked', () => {
    const ws = new ProtocolHarness('server', { echo: true });
    ws.receive({ fin: true, opcode: Opcode.TEXT, payload: encode('hello') });
    ws.receive({ fin: true, opcode: Opcode.BINARY, payload: new Uint8Array([0, 1, 255]) });
    ws.receive({ fin: true, opcode: Opcode.TEXT, payload: new Uint8Array(0) });
    expect(ws.handler.messages).toEqual([
      { payload: encode('hello'), isBinary: false },
      { payload: new Uint8Array([0, 1, 255]), isBinary: true },
      { payload: new Uint8Array(0), isBinary: false },
    ]);
    expect(ws.sent().map((f) => [f.opcode, f.masked, decode(f.payload)])).toEqual([
      [Opcode.TEXT, false, 'hello'],
      [Opcode.BINARY, false, '\u0000\u0001\ufffd'],
      [Opcode.TEXT, false, ''],
    ]);
  });

  it('reassembles a fragmented message with control frames in between', () => {
    const ws = new ProtocolHarness();
    ws.receive({ fin: false, opcode: Opcode.TEXT, payload: encode('frag') });
    ws.receive({ fin: true, opcode: Opcode.PING, payload: encode('p') });
    ws.receive({ fin: false, opcode: Opcode.CONTINUATION, payload: encode('men') });
    ws.receive({ fin: false, opcode: Opcode.CONTINUATION, payload: new Uint8Array(0) });
    ws.receive({ fin: true, opcode: Opcode.CONTINUATION, payload: encode('ted') });
    expect(ws.handler.texts()).toEqual(['fragmented']);
    expect(ws.sent().map((f) => [f.opcode, decode(f.payload)])).toEqual([[Opcode.PONG, 'p']]);
  });

  it('client side masks every frame it sends', () => {
    const ws = new ProtocolHarness('client');
    ws.protocol.sendText('hi');
    ws.protocol.ping(encode('x'));
    expect(ws.sent().map((f) => [f.opcode, f.masked, decode(f.payload)])).toEqual([
      [Opcode.TEXT, true, 'hi'],
      [Opcode.PING, true, 'x'],
    ]);
  });

  it('splits outgoing messages into frames of fragmentSize', () => {
    const ws = new ProtocolHarness('server', { fragmentSize: 4 });
    ws.protocol.sendText('abcdefghij');
    expect(ws.sent().map((f) => [f.fin, f.opcode, decode(f.payload)])).toEqual([
      [false, Opcode.TEXT, 'abcd'],
      [false, Opcode.CONTINUATION, 'efgh'],
      [true, Opcode.CONTINUATION, 'ij'],
    ]);
  });
});

describe('WebSocketProtocol: ping and pong', () => {
  it('answers a ping with a pong carrying the same payload', () => {
    const ws = new ProtocolHarness();
    const payload = new Uint8Array(125).map((_, i) => i);
    ws.receive({ fin: true, opcode: Opcode.PING, payload });
    expect(ws.sent()).toMatchObject([{ opcode: Opcode.PONG, payload }]);
    expect(ws.handler.pings).toEqual([payload]);
  });

  it('ignores an unsolicited pong (reports it, sends nothing)', () => {
    const ws = new ProtocolHarness();
    ws.receive({ fin: true, opcode: Opcode.PONG, payload: encode('unasked') });
    expect(ws.sent()).toEqual([]);
    expect(ws.handler.pongs.map(decode)).toEqual(['unasked']);
    expect(ws.protocol.readyState).toBe('open');
  });

  it('keepalive: pings every interval and drops a peer that does not answer', () => {
    const ws = new ProtocolHarness('server', { pingInterval: 10, pingTimeout: 5 });
    ws.clock.advance(10);
    expect(ws.sent().map((f) => f.opcode)).toEqual([Opcode.PING]);
    ws.receive({ fin: true, opcode: Opcode.PONG, payload: new Uint8Array(0) });
    ws.clock.advance(5);
    ws.clock.advance(10);
    expect(ws.sent().map((f) => f.opcode)).toEqual([Opcode.PING, Opcode.PING]);
    expect(ws.transport.aborted).toBe(false);
    ws.clock.advance(5);
    expect(ws.transport.aborted).toBe(true);
    expect(ws.handler.closed).toEqual({ code: 1006, reason: '', wasClean: false });
  });
});

describe('WebSocketProtocol: close handshake', () => {
  it('echoes the peer close code and the server closes TCP', () => {
    const ws = new ProtocolHarness();
    ws.receive({ fin: true, opcode: Opcode.CLOSE, payload: closePayload(1000, 'bye') });
    expect(ws.sentClose()).toEqual([1000, '']);
    expect(ws.transport.disconnecting).toBe(true);
    expect(ws.handler.closed).toEqual({ code: 1000, reason: 'bye', wasClean: true });
  });

  it('answers an empty close with an empty close and reports 1005', () => {
    const ws = new ProtocolHarness();
    ws.receive({ fin: true, opcode: Opcode.CLOSE, payload: new Uint8Array(0) });
    expect(ws.sentClose()).toEqual([null]);
    expect(ws.handler.closed).toEqual({ code: 1005, reason: '', wasClean: true });
  });

  it('close() sends the code and reason, waits for the echo, then closes', () => {
    const ws = new ProtocolHarness();
    ws.protocol.close(4001, 'done');
    expect(ws.sentClose()).toEqual([4001, 'done']);
    expect(ws.protocol.readyState).toBe('closing');
    expect(ws.transport.disconnecting).toBe(false);
    expect(ws.protocol.sendText('late')).toBe(false);
    ws.receive({ fin: true, opcode: Opcode.CLOSE, payload: closePayload(4001) });
    expect(ws.sent().filter((f) => f.opcode === Opcode.CLOSE)).toHaveLength(1);
    expect(ws.transport.disconnecting).toBe(true);
    expect(ws.handler.closed).toEqual({ code: 4001, reason: '', wasClean: true });
  });

  it('drops the connection when the peer never answers the close', () => {
    const ws = new ProtocolHarness();
    ws.protocol.close();
    ws.clock.advance(4.9);
    expect(ws.transport.aborted).toBe(false);
    ws.clock.advance(0.2);
    expect(ws.transport.aborted).toBe(true);
    expect(ws.handler.closed?.wasClean).toBe(false);
  });

  it('a client waits for the server to close TCP after the handshake, then closes itself', () => {
    const ws = new ProtocolHarness('client');
    ws.receive({ fin: true, opcode: Opcode.CLOSE, payload: closePayload(1001) });
    expect(ws.sentClose()).toEqual([1001, '']);
    expect(ws.transport.disconnecting).toBe(false);
    ws.clock.advance(5);
    expect(ws.transport.disconnecting).toBe(true);
    expect(ws.handler.closed).toEqual({ code: 1001, reason: '', wasClean: true });
  });

  it('refuses to send invalid close codes and over-long reasons', () => {
    const ws = new ProtocolHarness();
    for (const code of [999, 1004, 1005, 1006, 1015, 1016, 2999, 5000]) {
      expect(() => ws.protocol.close(code)).toThrow(RangeError);
    }
    expect(() => ws.protocol.close(1000, 'x'.repeat(124))).toThrow(RangeError);
    expect(ws.sent()).toEqual([]);
  });

  it.each([
    1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999,
  ])('accepts close code %i and echoes it', (code) => {
    const ws = new ProtocolHarness();
    ws.receive({ fin: true, opcode: Opcode.CLOSE, payload: closePayload(code) });
    expect(ws.closeCode()).toBe(code);
  });

  it.each([0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535])(
    'fails with 1002 on close code %i',
    (code) => {
      const ws = new ProtocolHarness();
      ws.receive({ fin: true, opcode: Opcode.CLOSE, payload: closePayload(code) });
      expect(ws.closeCode()).toBe(1002);
      expect(ws.transport.disconnecting).toBe(true);
    },
  );
});

describe('WebSocketProtocol: every violation gets the right close code', () => {
  const violations: Array<[string, (ws: ProtocolHarness) => void, number]> = [
    [
      'a 1-byte close payload',
      (ws) => ws.receive({ fin: true, opcode: Opcode.CLOSE, payload: new Uint8Array([3]) }),
      1002,
    ],
    [
      'a close reason that is not UTF-8',
      (ws) =>
        ws.receive({
          fin: true,
          opcode: Opcode.CLOSE,
          payload: Buffer.concat([closePayload(1000), hex('cebae1bdb9cf83cebcceb5eda080')]),
        }),
      1007,
    ],
    [
      'a continuation without a message',
      (ws) => ws.receive({ fin: true, opcode: Opcode.CONTINUATION, payload: encode('x') }),
      1002,
    ],
    [
      'a text frame inside a fragmented message',
      (ws) => {
        ws.receive({ fin: false, opcode: Opcode.TEXT, payload: encode('a') });
        ws.receive({ fin: true, opcode: Opcode.TEXT, payload: encode('b') });
      },
      1002,
    ],
    [
      'a binary frame inside a fragmented message',
      (ws) => {
        ws.receive({ fin: false, opcode: Opcode.BINARY, payload: encode('a') });
        ws.receive({ fin: true, opcode: Opcode.BINARY, payload: encode('b') });
      },
      1002,
    ],
    [
      'invalid UTF-8 in a text message',
      (ws) => ws.receive({ fin: true, opcode: Opcode.TEXT, payload: hex('c0af') }),
      1007,
    ],
    [
      'a text message ending mid-character',
      (ws) => ws.receive({ fin: true, opcode: Opcode.TEXT, payload: hex('e282') }),
      1007,
    ],
    [
      'RSV1 without permessage-deflate',
      (ws) => ws.receive({ fin: true, rsv1: true, opcode: Opcode.TEXT, payload: encode('x') }),
      1002,
    ],
    [
      'a reserved opcode',
      (ws) => ws.receive({ fin: true, opcode: 5, payload: new Uint8Array(0) }),
      1002,
    ],
    [
      'a fragmented ping',
      (ws) => ws.receive({ fin: false, opcode: Opcode.PING, payload: new Uint8Array(0) }),
      1002,
    ],
    ['an unmasked client frame', (ws) => ws.receiveBytes(hex('810548656c6c6f')), 1002],
    [
      'a message over maxMessageSize',
      (ws) => ws.receive({ fin: true, opcode: Opcode.BINARY, payload: new Uint8Array(101) }),
      1009,
    ],
    [
      'fragments adding up to more than maxMessageSize',
      (ws) => {
        ws.receive({ fin: false, opcode: Opcode.BINARY, payload: new Uint8Array(60) });
        ws.receive({ fin: true, opcode: Opcode.CONTINUATION, payload: new Uint8Array(60) });
      },
      1009,
    ],
  ];
  for (const [name, act, code] of violations) {
    it(`${name} → ${code}`, () => {
      const ws = new ProtocolHarness('server', { maxMessageSize: 100 });
      act(ws);
      expect(ws.closeCode()).toBe(code);
      expect(ws.transport.disconnecting).toBe(true);
      expect(ws.handler.messages).toEqual([]);
      // Nothing after the failure is processed.
      ws.receive({ fin: true, opcode: Opcode.TEXT, payload: encode('after') });
      expect(ws.handler.messages).toEqual([]);
    });
  }

  it('a masked server frame fails the client with 1002', () => {
    const ws = new ProtocolHarness('client');
    ws.receiveBytes(hex('818537fa213d7f9f4d5158'));
    expect(ws.closeCode()).toBe(1002);
  });

  it('fails fast: invalid UTF-8 in the second of three fragments closes before the third', () => {
    const ws = new ProtocolHarness();
    ws.receive({ fin: false, opcode: Opcode.TEXT, payload: hex('cebae1bdb9cf83cebcceb5') });
    expect(ws.transport.disconnecting).toBe(false);
    ws.receive({ fin: false, opcode: Opcode.CONTINUATION, payload: hex('eda080') });
    expect(ws.closeCode()).toBe(1007);
  });

  it('fails fast inside one frame, before the rest of it arrives', () => {
    const ws = new ProtocolHarness();
    // A masked 20-byte text frame; deliver header + the first 13 payload bytes (valid, then ED A0).
    const payload = Buffer.concat([hex('cebae1bdb9cf83cebcceb5eda080'), encode('edited')]);
    const wire = Buffer.concat([hex('8194'), Buffer.from([0x37, 0xfa, 0x21, 0x3d])]);
    const masked = payload.map((byte, i) => byte ^ [0x37, 0xfa, 0x21, 0x3d][i & 3]!);
    ws.receiveBytes(Buffer.concat([wire, masked.subarray(0, 11)]));
    expect(ws.transport.disconnecting).toBe(false);
    ws.receiveBytes(masked.subarray(11, 13));
    expect(ws.closeCode()).toBe(1007);
  });

  it('valid UTF-8 split across fragments at every byte is accepted', () => {
    const text = 'κόσμε 😀 ok';
    const bytes = encode(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const ws = new ProtocolHarness();
      ws.receive({ fin: false, opcode: Opcode.TEXT, payload: bytes.subarray(0, cut) });
      ws.receive({ fin: true, opcode: Opcode.CONTINUATION, payload: bytes.subarray(cut) });
      expect(ws.handler.texts()).toEqual([text]);
    }
  });

  it('a handler that throws closes with 1011', () => {
    const ws = new ProtocolHarness();
    ws.handler.onMessage = () => {
      throw new Error('boom');
    };
    ws.receive({ fin: true, opcode: Opcode.TEXT, payload: encode('x') });
    expect(ws.closeCode()).toBe(1011);
  });
});
