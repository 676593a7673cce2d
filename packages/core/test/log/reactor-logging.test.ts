import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { ConnectionDone, ConnectionLost } from '../../src/errors/connection.js';
import { formatEvent, globalLogPublisher, type LogEvent } from '../../src/index.js';
import { capturedEvents, type CapturedLogEvents } from '../../src/testing/index.js';
import {
  Echo,
  Recorder,
  RecordingClientFactory,
  portOf,
  sendToExplodingServer,
  serverFactory,
  startReactor,
  stopReactors,
} from '../reactor/harness.js';

let capture: CapturedLogEvents | undefined;
let tempDir: string | undefined;

afterEach(async () => {
  await stopReactors();
  capture?.stop();
  capture = undefined;
  if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
  tempDir = undefined;
});

function inNamespace(events: readonly LogEvent[], namespace: string): LogEvent[] {
  return events.filter((event) => event.namespace === namespace);
}

describe('the Node reactor logs through the logger', () => {
  it('a protocol raising in dataReceived is logged at critical with its traceback', async () => {
    capture = capturedEvents(globalLogPublisher);
    const reactor = startReactor();
    const { serverReason } = await sendToExplodingServer(reactor);
    expect(serverReason.value).toBeInstanceOf(ConnectionLost);

    const critical = inNamespace(capture.events, 'tw.core.reactor').filter(
      (e) => e.level === 'critical',
    );
    expect(critical).toHaveLength(1);
    const [event] = critical;
    expect(event!.fields['what']).toBe(
      'ExplodingRecorder.dataReceived threw; aborting the connection',
    );
    expect(event!.failure?.getErrorMessage()).toBe('parser exploded');
    expect(event!.failure?.getTraceback()).toMatch(
      /Error: parser exploded\n\s+at ExplodingRecorder\.dataReceived/,
    );
  });

  it('connections opened and lost are logged at debug in tw.core.tcp with both addresses', async () => {
    capture = capturedEvents(globalLogPublisher);
    const reactor = startReactor();
    const server = serverFactory(() => new Echo());
    const port = await reactor.listenTCP(0, server, { interface: '127.0.0.1' });
    const serverPort = portOf(port.getHost());
    const client = new RecordingClientFactory(() => new Recorder());
    reactor.connectTCP('127.0.0.1', serverPort, client);
    const clientProtocol = await client.firstBuilt.promise;
    await clientProtocol.made.promise;
    clientProtocol.transport.loseConnection();
    await clientProtocol.lost.promise;
    await server.built[0]!.lost.promise;

    const events = inNamespace(capture.events, 'tw.core.tcp');
    expect(events.every((e) => e.level === 'debug')).toBe(true);
    const serverSide = events.filter((e) => e.fields['side'] === 'server');
    const clientSide = events.filter((e) => e.fields['side'] === 'client');
    const clientLocal = clientProtocol.transport.getHost();
    const clientPort = portOf(clientLocal);
    expect(serverSide.map((e) => formatEvent(e))).toEqual([
      `Connection from 127.0.0.1:${clientPort} on 127.0.0.1:${serverPort}`,
      `Connection with 127.0.0.1:${clientPort} lost: ${new ConnectionDone().message}`,
    ]);
    expect(serverSide[0]!.fields).toMatchObject({
      peerAddress: clientLocal,
      hostAddress: port.getHost(),
    });
    expect(clientSide.map((e) => e.format)).toEqual([
      'Connected to {peer} from {host}',
      'Connection with {peer} lost: {reason}',
    ]);
    expect(clientSide[1]!.fields['reasonType']).toBe('ConnectionDone');
  });

  it('unix connections are logged in tw.core.unix', async () => {
    capture = capturedEvents(globalLogPublisher);
    tempDir = mkdtempSync(join(tmpdir(), 'tw-log-'));
    const path = join(tempDir, 's.sock');
    const reactor = startReactor();
    const server = serverFactory(() => new Echo());
    await reactor.listenUNIX(path, server);
    const client = new RecordingClientFactory(() => new Recorder());
    reactor.connectUNIX(path, client);
    const clientProtocol = await client.firstBuilt.promise;
    await clientProtocol.made.promise;
    clientProtocol.transport.loseConnection();
    await server.built[0]!.lost.promise;
    const events = inNamespace(capture.events, 'tw.core.unix');
    expect(events.filter((e) => e.fields['side'] === 'server').map((e) => e.format)).toEqual([
      'Connection from {peer} on {host}',
      'Connection with {peer} lost: {reason}',
    ]);
    expect(events[0]!.fields['host']).toBe(`unix:${path}`);
  });
});
