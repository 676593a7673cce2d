import { Clock, StringTransport } from '@tw/core/testing';
import { describe, expect, it } from 'vitest';

import { computeAcceptKey } from '../../src/websocket/accept-key.js';
import {
  checkServerHandshake,
  formatClientHandshake,
  parseWebSocketURL,
} from '../../src/websocket/client-handshake.js';
import { HandshakeHeadReader } from '../../src/websocket/handshake-head.js';
import { Opcode, encodeFrame } from '../../src/websocket/frame.js';
import { WebSocketServerFactory } from '../../src/websocket/server-factory.js';
import { negotiateServerHandshake } from '../../src/websocket/server-handshake.js';
import { MASK, RecordingHandler, decode, encode } from './harness.js';

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

function request(lines: string[]): string {
  return `${lines.join('\r\n')}\r\n\r\n`;
}

const GOOD = [
  'GET /chat HTTP/1.1',
  'Host: server.example.com',
  'Upgrade: websocket',
  'Connection: keep-alive, Upgrade',
  `Sec-WebSocket-Key: ${KEY}`,
  'Origin: http://example.com',
  'Sec-WebSocket-Protocol: chat, superchat',
  'Sec-WebSocket-Version: 13',
];

function serve(
  bytes: string | Uint8Array,
  options: Partial<ConstructorParameters<typeof WebSocketServerFactory>[1]> = {},
) {
  const clock = new Clock();
  const handler = new RecordingHandler(true);
  const sessions: unknown[] = [];
  const factory = new WebSocketServerFactory(
    (session) => {
      sessions.push(session);
      return handler;
    },
    { reactor: clock, ...options },
  );
  const protocol = factory.buildProtocol({
    family: 'IPv4',
    type: 'TCP',
    host: '127.0.0.1',
    port: 1,
  });
  const transport = new StringTransport();
  transport.connect(protocol);
  protocol.dataReceived(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  const response = Buffer.from(transport.value()).toString('latin1');
  const head = response.slice(0, response.indexOf('\r\n\r\n'));
  return {
    clock,
    transport,
    handler,
    sessions,
    protocol,
    response,
    head,
    status: Number(head.split(' ')[1]),
  };
}

describe('opening handshake: server', () => {
  it('computes the RFC 6455 §1.3 example accept key', () => {
    expect(computeAcceptKey(KEY)).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('answers 101 with the accept key and the chosen subprotocol, then speaks WebSocket', () => {
    const frame = encodeFrame({ fin: true, opcode: Opcode.TEXT, payload: encode('hi') }, MASK);
    // The first frame arrives in the same chunk as the request head.
    const result = serve(Buffer.concat([Buffer.from(request(GOOD), 'latin1'), frame]), {
      subprotocols: ['superchat', 'chat'],
    });
    expect(result.head.split('\r\n')).toEqual([
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
      'Sec-WebSocket-Protocol: superchat',
    ]);
    expect(result.handler.texts()).toEqual(['hi']);
    expect(result.sessions).toMatchObject([
      { path: '/chat', host: 'server.example.com', subprotocol: 'superchat', scheme: 'ws' },
    ]);
    // The echo follows the 101 response: an unmasked text frame.
    expect(result.response.endsWith('\r\n\r\n\x81\x02hi')).toBe(true);
  });

  it('accepts the request head split at every byte', () => {
    const bytes = Buffer.from(request(GOOD), 'latin1');
    const clock = new Clock();
    const handler = new RecordingHandler();
    const factory = new WebSocketServerFactory(() => handler, { reactor: clock });
    const protocol = factory.buildProtocol({
      family: 'IPv4',
      type: 'TCP',
      host: '127.0.0.1',
      port: 1,
    });
    const transport = new StringTransport();
    transport.connect(protocol);
    for (const byte of bytes) protocol.dataReceived(new Uint8Array([byte]));
    expect(transport.text().startsWith('HTTP/1.1 101 ')).toBe(true);
    expect(handler.connection).not.toBeNull();
  });

  it.each([
    [
      'a version other than 13',
      GOOD.map((l) => l.replace('Version: 13', 'Version: 8')),
      426,
      'Sec-WebSocket-Version: 13',
    ],
    ['no Upgrade header', GOOD.filter((l) => !l.startsWith('Upgrade')), 426, 'Upgrade: websocket'],
    [
      'no Connection: upgrade',
      GOOD.map((l) => l.replace('keep-alive, Upgrade', 'keep-alive')),
      400,
      '',
    ],
    ['a bad key', GOOD.map((l) => l.replace(KEY, 'short')), 400, ''],
    ['no Host', GOOD.filter((l) => !l.startsWith('Host')), 400, ''],
    ['POST', [GOOD[0]!.replace('GET', 'POST'), ...GOOD.slice(1)], 405, 'Allow: GET'],
    ['HTTP/1.0', [GOOD[0]!.replace('1.1', '1.0'), ...GOOD.slice(1)], 400, ''],
  ])('refuses %s with %i', (_name, lines, status, header) => {
    const result = serve(request(lines));
    expect(result.status).toBe(status);
    if (header !== '') expect(result.head).toContain(header);
    expect(result.transport.disconnecting).toBe(true);
    expect(result.handler.connection).toBeNull();
  });

  it('refuses an origin the check rejects with 403', () => {
    const result = serve(request(GOOD), {
      checkOrigin: (origin) => origin === 'https://good.example',
    });
    expect(result.status).toBe(403);
  });

  it('refuses an oversized head with 431 and a slow one with 408', () => {
    expect(serve(`GET / HTTP/1.1\r\nX: ${'a'.repeat(20_000)}`).status).toBe(431);
    const slow = serve('GET / HTTP/1.1\r\n');
    expect(slow.response).toBe('');
    slow.clock.advance(30);
    expect(slow.transport.text().startsWith('HTTP/1.1 408 ')).toBe(true);
  });

  it('negotiates permessage-deflate only when enabled', () => {
    const lines = [...GOOD, 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits'];
    expect(serve(request(lines)).head).not.toContain('Sec-WebSocket-Extensions');
    expect(serve(request(lines), { perMessageDeflate: true }).head).toContain(
      'Sec-WebSocket-Extensions: permessage-deflate',
    );
  });

  it('lets a function choose the subprotocol', () => {
    const result = negotiateServerHandshake(
      {
        method: 'GET',
        version: 'HTTP/1.1',
        path: '/',
        headers: new Map([
          ['host', ['h']],
          ['upgrade', ['websocket']],
          ['connection', ['Upgrade']],
          ['sec-websocket-key', [KEY]],
          ['sec-websocket-version', ['13']],
          ['sec-websocket-protocol', ['a, b']],
        ]),
      },
      { reactor: new Clock(), subprotocols: (offered) => offered[1] ?? null },
    );
    expect(result.ok && result.subprotocol).toBe('b');
  });
});

describe('opening handshake: client', () => {
  const url = parseWebSocketURL('ws://example.com:8080/chat?x=1');

  it('parses URLs and formats the request', () => {
    expect(url).toEqual({
      scheme: 'ws',
      host: 'example.com',
      port: 8080,
      resource: '/chat?x=1',
      hostHeader: 'example.com:8080',
    });
    expect(parseWebSocketURL('wss://[::1]/')).toMatchObject({
      host: '::1',
      port: 443,
      hostHeader: '[::1]',
    });
    expect(() => parseWebSocketURL('http://example.com/')).toThrow(TypeError);
    expect(() => parseWebSocketURL('ws://example.com/#frag')).toThrow(TypeError);
    const text = decode(
      formatClientHandshake(url, KEY, {
        subprotocols: ['chat'],
        origin: 'http://o',
        perMessageDeflate: true,
      }),
    );
    expect(text.split('\r\n')).toEqual([
      'GET /chat?x=1 HTTP/1.1',
      'Host: example.com:8080',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${KEY}`,
      'Sec-WebSocket-Version: 13',
      'Origin: http://o',
      'Sec-WebSocket-Protocol: chat',
      'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits',
      '',
      '',
    ]);
  });

  function response(lines: string[]) {
    const reader = new HandshakeHeadReader('response');
    const result = reader.feed(Buffer.from(request(lines), 'latin1'));
    if (result.kind !== 'head') throw new Error('incomplete');
    return result.head;
  }
  const OK = [
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
  ];

  it('accepts a correct 101', () => {
    expect(checkServerHandshake(response(OK), KEY, {})).toMatchObject({
      ok: true,
      subprotocol: null,
      deflate: null,
    });
  });

  it.each([
    ['a wrong accept key', OK.map((l) => l.replace('s3pP', 'xxxx'))],
    ['a 200 status', [OK[0]!.replace('101 Switching Protocols', '200 OK'), ...OK.slice(1)]],
    ['no Upgrade', OK.filter((l) => !l.startsWith('Upgrade'))],
    ['a subprotocol not offered', [...OK, 'Sec-WebSocket-Protocol: other']],
    ['an extension not offered', [...OK, 'Sec-WebSocket-Extensions: permessage-deflate']],
  ])('fails on %s', (_name, lines) => {
    expect(checkServerHandshake(response(lines), KEY, {}).ok).toBe(false);
  });
});
