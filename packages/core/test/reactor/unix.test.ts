import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { CannotListenError, ConnectError, ConnectionDone } from '../../src/errors/connection.js';
import {
  Echo,
  RecordingClientFactory,
  Recorder,
  encode,
  serverFactory,
  signal,
  startReactor,
  stopReactors,
} from './harness.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tw-unix-'));
});
afterEach(async () => {
  await stopReactors();
  rmSync(dir, { recursive: true, force: true });
});

describe('NodeReactor Unix sockets', () => {
  it('echoes over a Unix socket, applies the mode, and removes the file on stopListening', async () => {
    const reactor = startReactor();
    const path = join(dir, 'echo.sock');
    const server = serverFactory(() => new Echo());
    const port = await reactor.listenUNIX(path, server, { mode: 0o600 });
    expect(port.getHost()).toEqual({ family: 'UNIX', path });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const built = signal<Recorder>();
    const client = new RecordingClientFactory(() => {
      const protocol = new Recorder();
      built.resolve(protocol);
      return protocol;
    });
    reactor.connectUNIX(path, client);
    const protocol = await built.promise;
    await protocol.made.promise;
    expect(protocol.transport.getPeer()).toEqual({ family: 'UNIX', path });
    const enough = protocol.waitForBytes(5);
    protocol.transport.write(encode('hello'));
    await enough;
    expect(protocol.text()).toBe('hello');
    expect(server.built[0]!.transport.getHost()).toEqual({ family: 'UNIX', path });
    protocol.transport.loseConnection();
    expect((await server.built[0]!.lost.promise).check(ConnectionDone)).toBe(ConnectionDone);
    await port.stopListening();
    expect(existsSync(path)).toBe(false);
  });

  it('removes a stale socket file left by a dead process, but not a live one', async () => {
    const reactor = startReactor();
    const path = join(dir, 'stale.sock');
    // A process that listens and is killed before it can clean up leaves the file behind.
    const child = spawn(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`,
    ]);
    await new Promise((resolve) => child.once('exit', resolve));
    expect(statSync(path).isSocket()).toBe(true);
    const port = await reactor.listenUNIX(
      path,
      serverFactory(() => new Echo()),
    );
    await expect(
      reactor.listenUNIX(
        path,
        serverFactory(() => new Echo()),
      ),
    ).rejects.toBeInstanceOf(CannotListenError);
    await port.stopListening();
  });

  it('connecting to a missing path fails with ConnectError', async () => {
    const reactor = startReactor();
    const client = new RecordingClientFactory(() => new Recorder());
    reactor.connectUNIX(join(dir, 'nobody.sock'), client);
    expect((await client.failed.promise).value).toBeInstanceOf(ConnectError);
  });
});
