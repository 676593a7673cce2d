import { constants, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

import {
  acceptDeflateOffer,
  acceptDeflateResponse,
  formatDeflateOffer,
} from '../../src/websocket/deflate-negotiation.js';
import { PerMessageDeflateCodec } from '../../src/websocket/deflate.js';
import { parseExtensionHeader } from '../../src/websocket/extension-header.js';
import { Opcode } from '../../src/websocket/frame.js';
import { ProtocolHarness, decode, encode } from './harness.js';

const offers = (value: string) => parseExtensionHeader([value])!;

describe('Sec-WebSocket-Extensions parsing', () => {
  it('splits extensions and parameters, unquoting values', () => {
    expect(
      parseExtensionHeader(['permessage-deflate; client_max_window_bits, foo; a="10"; b', 'bar']),
    ).toEqual([
      { name: 'permessage-deflate', params: [['client_max_window_bits', true]] },
      {
        name: 'foo',
        params: [
          ['a', '10'],
          ['b', true],
        ],
      },
      { name: 'bar', params: [] },
    ]);
  });

  it('rejects broken syntax', () => {
    expect(parseExtensionHeader(['permessage-deflate; =3'])).toBeNull();
    expect(parseExtensionHeader(['bad name'])).toBeNull();
    expect(parseExtensionHeader(['x; a="unterminated'])).toBeNull();
  });
});

describe('permessage-deflate negotiation (RFC 7692)', () => {
  it('accepts a plain offer', () => {
    expect(acceptDeflateOffer(offers('permessage-deflate'))?.responseHeader).toBe(
      'permessage-deflate',
    );
  });

  it('echoes the no_context_takeover requests and the server window limit', () => {
    const accepted = acceptDeflateOffer(
      offers(
        'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10',
      ),
    );
    expect(accepted).toEqual({
      ownMaxWindowBits: 10,
      peerNoContextTakeover: true,
      responseHeader:
        'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10',
    });
  });

  it('limits the client window only when the client said it understands the parameter', () => {
    expect(
      acceptDeflateOffer(offers('permessage-deflate'), { clientMaxWindowBits: 10 })?.responseHeader,
    ).toBe('permessage-deflate');
    expect(
      acceptDeflateOffer(offers('permessage-deflate; client_max_window_bits'), {
        clientMaxWindowBits: 10,
      })?.responseHeader,
    ).toBe('permessage-deflate; client_max_window_bits=10');
  });

  it.each([
    'permessage-deflate; server_max_window_bits',
    'permessage-deflate; server_max_window_bits=7',
    'permessage-deflate; server_max_window_bits=16',
    'permessage-deflate; client_max_window_bits=0',
    'permessage-deflate; server_no_context_takeover=1',
    'permessage-deflate; unknown_param',
    'permessage-deflate; server_no_context_takeover; server_no_context_takeover',
  ])('declines %s', (offer) => {
    expect(acceptDeflateOffer(offers(offer))).toBeNull();
  });

  it('falls back to the next acceptable offer', () => {
    expect(
      acceptDeflateOffer(
        offers('permessage-deflate; bogus, permessage-deflate; client_max_window_bits'),
      )?.responseHeader,
    ).toBe('permessage-deflate');
  });

  it('client: formats an offer and checks the response', () => {
    expect(formatDeflateOffer({ serverNoContextTakeover: true, serverMaxWindowBits: 12 })).toBe(
      'permessage-deflate; server_no_context_takeover; server_max_window_bits=12; client_max_window_bits',
    );
    const response = offers(
      'permessage-deflate; server_no_context_takeover; client_max_window_bits=9',
    )[0]!;
    expect(acceptDeflateResponse(response, {})).toMatchObject({
      ownMaxWindowBits: 9,
      peerNoContextTakeover: true,
    });
    expect(acceptDeflateResponse(offers('permessage-deflate; x=1')[0]!, {})).toBe(
      'unknown parameter x',
    );
    expect(
      typeof acceptDeflateResponse(offers('permessage-deflate; server_max_window_bits=15')[0]!, {
        serverMaxWindowBits: 10,
      }),
    ).toBe('string');
  });
});

describe('PerMessageDeflateCodec', () => {
  const negotiated = {
    ownMaxWindowBits: 15,
    peerNoContextTakeover: false,
    responseHeader: 'permessage-deflate',
  };

  it('strips the 00 00 ff ff tail and round-trips messages with context takeover', () => {
    const sender = new PerMessageDeflateCodec(negotiated, {
      maxMessageSize: 1 << 20,
      threshold: 0,
    });
    const receiver = new PerMessageDeflateCodec(negotiated, { maxMessageSize: 1 << 20 });
    const messages = ['Hello', 'Hello', '', 'x'.repeat(100_000), 'the end'];
    for (const message of messages) {
      const compressed = sender.compress(encode(message));
      expect(Buffer.from(compressed.subarray(-4)).equals(Buffer.from([0, 0, 0xff, 0xff]))).toBe(
        false,
      );
      expect(decode(receiver.decompress([compressed]))).toBe(message);
    }
  });

  it('inflates a peer that takes its context over (RFC 7692 §7.2.3.2 example)', () => {
    const receiver = new PerMessageDeflateCodec(negotiated, { maxMessageSize: 1000 });
    expect(decode(receiver.decompress([Buffer.from('f248cdc9c90700', 'hex')]))).toBe('Hello');
    // The second "Hello" refers back into the first message.
    expect(decode(receiver.decompress([Buffer.from('f200110000', 'hex')]))).toBe('Hello');
  });

  it('inflates a message split across frames', () => {
    const receiver = new PerMessageDeflateCodec(negotiated, { maxMessageSize: 1000 });
    expect(
      decode(receiver.decompress([Buffer.from('f248cd', 'hex'), Buffer.from('c9c90700', 'hex')])),
    ).toBe('Hello');
  });

  it('stops inflating at maxMessageSize (1009) and reports corrupt data (1007)', () => {
    const sender = new PerMessageDeflateCodec(negotiated, {
      maxMessageSize: 1 << 30,
      threshold: 0,
    });
    const bomb = sender.compress(new Uint8Array(10_000_000));
    expect(bomb.length).toBeLessThan(100_000);
    const receiver = new PerMessageDeflateCodec(negotiated, { maxMessageSize: 1000 });
    expect(() => receiver.decompress([bomb])).toThrow(expect.objectContaining({ closeCode: 1009 }));
    expect(() => receiver.decompress([Buffer.from('ffffffff', 'hex')])).toThrow(
      expect.objectContaining({ closeCode: 1007 }),
    );
  });

  it('with an 8-bit window, never refers further back than 256 bytes', () => {
    const sender = new PerMessageDeflateCodec(
      { ...negotiated, ownMaxWindowBits: 8 },
      { maxMessageSize: 1 << 20, threshold: 0 },
    );
    const message = encode('abcdefgh'.repeat(500));
    const compressed = sender.compress(message);
    // zlib itself, with a 256-byte window, rejects any distance "too far back".
    const inflated = inflateRawSync(Buffer.concat([compressed, Buffer.from([0, 0, 0xff, 0xff])]), {
      windowBits: 8,
      finishFlush: constants.Z_SYNC_FLUSH,
    });
    expect(decode(inflated)).toBe(decode(message));
    // Short messages are still compressed.
    expect(sender.compress(encode('abcdefgh'.repeat(30))).length).toBeLessThan(100);
  });
});

describe('WebSocketProtocol with permessage-deflate', () => {
  const negotiated = {
    ownMaxWindowBits: 15,
    peerNoContextTakeover: false,
    responseHeader: 'permessage-deflate',
  };
  const codec = () =>
    new PerMessageDeflateCodec(negotiated, { maxMessageSize: 1 << 20, threshold: 0 });

  it('inflates RSV1 messages (text validated after inflating) and compresses what it sends', () => {
    const ws = new ProtocolHarness('server', { deflate: codec(), echo: true });
    const peer = codec();
    ws.receive({
      fin: true,
      rsv1: true,
      opcode: Opcode.TEXT,
      payload: peer.compress(encode('compressed hello')),
    });
    const compressed = peer.compress(encode('second, fragmented'));
    ws.receive({ fin: false, rsv1: true, opcode: Opcode.TEXT, payload: compressed.subarray(0, 3) });
    ws.receive({ fin: true, opcode: Opcode.CONTINUATION, payload: compressed.subarray(3) });
    ws.receive({ fin: true, opcode: Opcode.BINARY, payload: encode('plain') });
    expect(ws.handler.texts()).toEqual(['compressed hello', 'second, fragmented', 'plain']);
    const sent = ws.sent();
    expect(sent.map((frame) => frame.rsv1)).toEqual([true, true, true]);
    const inflater = codec();
    expect(sent.map((frame) => decode(inflater.decompress([frame.payload])))).toEqual([
      'compressed hello',
      'second, fragmented',
      'plain',
    ]);
  });

  it('fails with 1002 on RSV1 on a continuation frame and 1007 on inflated invalid UTF-8', () => {
    const ws = new ProtocolHarness('server', { deflate: codec() });
    ws.receive({ fin: false, opcode: Opcode.TEXT, payload: encode('a') });
    ws.receive({ fin: true, rsv1: true, opcode: Opcode.CONTINUATION, payload: encode('b') });
    expect(ws.closeCode()).toBe(1002);
    const ws2 = new ProtocolHarness('server', { deflate: codec() });
    ws2.receive({
      fin: true,
      rsv1: true,
      opcode: Opcode.TEXT,
      payload: codec().compress(Buffer.from('c0af', 'hex')),
    });
    expect(ws2.closeCode()).toBe(1007);
  });
});
