import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import {
  EndpointDescriptionError,
  Factory,
  HAProxyServerEndpoint,
  UnknownEndpointSchemeError,
  formatProxyHeaderV1,
  formatProxyHeaderV2,
  ipv4Address,
  ipv6Address,
  quoteStringArgument,
  serverFromString,
  type IListeningPort,
} from '../../src/index.js';
import { NodeReactorHarness, Recorder } from '../../src/testing/index.js';

const reactors = new NodeReactorHarness();
const ports: IListeningPort[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'tw-haproxy-'));

afterEach(async () => {
  for (const port of ports.splice(0)) await port.stopListening();
  await reactors.stopAll();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Listen on `description`; each connection gets a Recorder; `built` waits for the first. */
async function listenRecording(description: string) {
  const reactor = reactors.start();
  const recorders: Recorder[] = [];
  let firstBuilt!: (recorder: Recorder) => void;
  const first = new Promise<Recorder>((resolve) => (firstBuilt = resolve));
  const port = await serverFromString(reactor, description).listen(
    Factory.forProtocol(() => {
      const recorder = new Recorder();
      recorders.push(recorder);
      firstBuilt(recorder);
      return recorder;
    }),
  );
  ports.push(port);
  const built = async (): Promise<Recorder> => {
    const recorder = await first;
    await recorder.made.promise;
    return recorder;
  };
  return { port, recorders, built };
}

function send(socket: Socket, ...chunks: (Uint8Array | string)[]): void {
  for (const chunk of chunks) socket.write(chunk);
}

function tcpPortOf(port: IListeningPort): number {
  const host = port.getHost();
  if (!('port' in host)) throw new Error('not a TCP port');
  return host.port;
}

describe('haproxy: server endpoint', () => {
  it('parses as a wrapper around any server endpoint description', () => {
    const reactor = reactors.start();
    const endpoint = serverFromString(reactor, 'haproxy:tcp:0:interface=127.0.0.1');
    expect(endpoint).toBeInstanceOf(HAProxyServerEndpoint);
    expect(() => serverFromString(reactor, 'haproxy:')).toThrow(EndpointDescriptionError);
    expect(() => serverFromString(reactor, 'haproxy:nope:1')).toThrow(UnknownEndpointSchemeError);
  });

  it('over TCP: the protocol sees the client a v1 header names, and the bytes after it', async () => {
    const { port, built } = await listenRecording('haproxy:tcp:0:interface=127.0.0.1');
    const socket = connect(tcpPortOf(port), '127.0.0.1');
    const client = ipv4Address('TCP', '203.0.113.7', 51234);
    send(
      socket,
      formatProxyHeaderV1({ source: client, destination: ipv4Address('TCP', '192.0.2.1', 6667) }),
      'NICK alice\r\n',
    );
    const recorder = await built();
    expect(await recorder.waitForText('NICK alice\r\n')).toBe('NICK alice\r\n');
    expect(recorder.transport.getPeer()).toEqual(client);
    expect(recorder.text()).toBe('NICK alice\r\n');
    socket.destroy();
  });

  it('over a Unix socket (mode 600): v2 headers carry IPv6 clients', async () => {
    const path = join(scratch, 'bridge.sock');
    const { built } = await listenRecording(`haproxy:unix:${quoteStringArgument(path)}:mode=600`);
    const socket = connect(path);
    const client = ipv6Address('TCP', '2001:db8::7', 40000);
    send(
      socket,
      formatProxyHeaderV2({ source: client, destination: ipv6Address('TCP', '2001:db8::1', 443) }),
      'hello',
    );
    const recorder = await built();
    await recorder.waitForText('hello');
    expect(recorder.transport.getPeer()).toEqual(client);
    socket.destroy();
  });

  it('drops a connection that does not start with a PROXY header; nothing is built for it', async () => {
    const { port, recorders } = await listenRecording('haproxy:tcp:0:interface=127.0.0.1');
    const socket = connect(tcpPortOf(port), '127.0.0.1');
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
    send(socket, 'NICK mallory\r\nUSER m 0 * :m\r\n');
    await closed;
    expect(recorders).toEqual([]);
  });
});
