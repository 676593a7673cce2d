/**
 * A small ssh2 Server run over any @tw transport (through TransportDuplexProtocol), for client
 * tests that do not need OpenSSH: password demo/demo, one public key, optionally
 * keyboard-interactive only, and a few commands.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';

import ssh2 from 'ssh2';
import type { AuthContext, Connection, ServerChannel } from 'ssh2';

import { TransportDuplexProtocol } from '../../src/stream/transport-duplex.js';
import { hostKeyFromPublicKeyLine } from '../../src/client/host-key.js';
import {
  generateEd25519OpenSSHKey,
  type OpenSSHKeyPair,
} from '../../src/server/openssh-key-format.js';

// Not ssh2.utils.generateKeyPairSync: one ed25519 key in 256 it makes has a truncated public key.
export const TEST_HOST_KEY = ssh2Pair(generateEd25519OpenSSHKey('test host'));
export const TEST_USER_KEY = ssh2Pair(generateEd25519OpenSSHKey('test user'));

/** A key pair in the { private, public } shape ssh2's own generator returns. */
export function ssh2Pair(pair: OpenSSHKeyPair): { private: string; public: string } {
  return { private: pair.privateKey, public: pair.publicKey };
}
/** The test host key as the client sees it (fingerprint, blob). */
export const TEST_HOST_KEY_INFO = hostKeyFromPublicKeyLine(TEST_HOST_KEY.public)!;

export interface TestServerOptions {
  /** Only keyboard-interactive (answer: demo) is accepted, as on a PAM-only server. */
  readonly keyboardOnly?: boolean;
}

const USER_PUBLIC = ssh2.utils.parseKey(TEST_USER_KEY.public);

function checkPublicKey(ctx: AuthContext & { method: 'publickey' }): boolean {
  if (USER_PUBLIC instanceof Error || ctx.username !== 'demo') return false;
  const expected = USER_PUBLIC.getPublicSSH();
  if (ctx.key.algo !== USER_PUBLIC.type || ctx.key.data.length !== expected.length) return false;
  if (!timingSafeEqual(ctx.key.data, expected)) return false;
  if (ctx.signature === undefined) return true;
  return USER_PUBLIC.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true;
}

function authenticate(ctx: AuthContext, options: TestServerOptions): void {
  if (options.keyboardOnly === true) {
    if (ctx.method !== 'keyboard-interactive') {
      ctx.reject(['keyboard-interactive']);
      return;
    }
    ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => {
      if (ctx.username === 'demo' && answers[0] === 'demo') ctx.accept();
      else ctx.reject();
    });
    return;
  }
  if (ctx.method === 'password' && ctx.username === 'demo' && ctx.password === 'demo') {
    ctx.accept();
  } else if (ctx.method === 'publickey' && checkPublicKey(ctx)) {
    ctx.accept();
  } else {
    ctx.reject(['password', 'publickey']);
  }
}

/** How many `hang` commands have started (they write "started" and never end). */
export const hangingCommands = { started: 0 };

/**
 * Commands: `echo TEXT`, `fail` (stderr + exit 2), `cat` (echo until EOF), `big N` (N bytes),
 * `hang` (writes, never exits).
 */
function runCommand(command: string, stream: ServerChannel): void {
  if (command === 'hang') {
    hangingCommands.started += 1;
    stream.write('started\n');
  } else if (command.startsWith('echo ')) {
    stream.write(command.slice(5) + '\n');
    stream.exit(0);
    stream.end();
  } else if (command === 'fail') {
    stream.stderr.write('it failed\n');
    stream.exit(2);
    stream.end();
  } else if (command === 'cat') {
    stream.on('data', (data: Buffer) => stream.write(data));
    stream.on('end', () => {
      stream.exit(0);
      stream.end();
    });
  } else if (command.startsWith('big ')) {
    stream.write(Buffer.alloc(Number(command.slice(4)), 'x'));
    stream.exit(0);
    stream.end();
  } else {
    stream.stderr.write(`unknown command: ${command}\n`);
    stream.exit(127);
    stream.end();
  }
}

function serve(client: Connection, options: TestServerOptions): void {
  client.on('authentication', (ctx) => authenticate(ctx, options));
  client.on('error', () => {});
  client.on('ready', () => {
    client.on('session', (accept) => {
      const session = accept();
      session.on('exec', (acceptExec, _reject, info) => runCommand(info.command, acceptExec()));
      session.on('pty', (acceptPty) => acceptPty?.());
      session.on('shell', (acceptShell) => runCommand('cat', acceptShell()));
    });
  });
}

/** The server side of one connection: attach to a transport like any protocol. */
export class SSH2ServerProtocol extends TransportDuplexProtocol {
  constructor(options: TestServerOptions = {}) {
    super((duplex) => {
      const server = new ssh2.Server({ hostKeys: [TEST_HOST_KEY.private] }, (client) =>
        serve(client, options),
      );
      server.injectSocket(duplex as unknown as Socket);
    });
  }
}
