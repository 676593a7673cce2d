// SFTP download benchmark: OpenSSH's `sftp` client fetches one 256 MiB file from our SSH
// server's SFTP subsystem and from OpenSSH's own sftp-server (a throwaway sshd), both on
// loopback with the same cipher forced, rounds interleaved. Prints MB/s for each and the
// ratio ours/OpenSSH. Run after `tsc -b` (the "bench" script does both).
//
//   node bench/run.js [--size-mib 256] [--rounds 3] [--cipher aes128-gcm@openssh.com]
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { InMemorySSHKeyDB, NodeReactor, Portal, SSHPublicKeyChecker, SimpleRealm } from '@tw/core';
import { LocalFilesystem } from '@tw/vfs';
import { SSHServerFactory, generateEd25519OpenSSHKey, sftpSubsystem } from '../dist/index.js';
import { generateKeyPair, startThrowawaySshd } from '../test/support/throwaway-sshd.js';

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}

const SIZE_MIB = Number(option('size-mib', '256'));
const ROUNDS = Number(option('rounds', '3'));
const CIPHER = option('cipher', 'aes128-gcm@openssh.com');
const ROUND_TIMEOUT_MS = 300_000;

/** Writes `mib` MiB of non-repeating-ish bytes (cheap to make, no compression involved anyway). */
async function makeFile(path, mib) {
  const out = createWriteStream(path);
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < mib; i += 1) {
    for (let j = 0; j < chunk.length; j += 4)
      chunk.writeUInt32LE(((i * 262144 + j) ^ 0x9e3779b9) >>> 0, j);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Our SSH server with the SFTP subsystem over `root`, on 127.0.0.1; resolves { port, stop }. */
async function startOurServer(root, publicKey) {
  const reactor = new NodeReactor({ installSignalHandlers: false, shutdownGracePeriod: 1 });
  void reactor.run();
  const portal = new Portal(new SimpleRealm({ 'ssh.avatar': (id) => ({ name: id }) }), [
    new SSHPublicKeyChecker(new InMemorySSHKeyDB({ bench: [publicKey] })),
  ]);
  const factory = new SSHServerFactory(reactor, {
    hostKeys: [generateEd25519OpenSSHKey('bench host').privateKey],
    portal,
    subsystems: [sftpSubsystem({ filesystemFor: () => new LocalFilesystem(root) })],
    keepaliveInterval: 0,
    idleTimeout: null,
  });
  const port = await reactor.listenTCP(0, factory, { interface: '127.0.0.1' });
  return {
    port: port.getHost().port,
    async stop() {
      await port.stopListening();
      await new Promise((resolve) => {
        reactor.addSystemEventTrigger('after', 'shutdown', () => resolve());
        reactor.stop();
      });
    },
  };
}

/** One `sftp -b` download; resolves the seconds it took. Killed (by process group) on timeout. */
function download(dir, keyPath, user, port, remotePath, localPath) {
  const batch = join(dir, 'batch');
  writeFileSync(batch, `get ${remotePath} ${localPath}\n`);
  const args = [
    '-F',
    '/dev/null',
    '-i',
    keyPath,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'IdentityAgent=none',
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'LogLevel=ERROR',
    '-o',
    'Compression=no',
    '-c',
    CIPHER,
    '-P',
    String(port),
    '-b',
    batch,
    `${user}@127.0.0.1`,
  ];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('sftp', args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }, ROUND_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) reject(new Error(`sftp exited ${code}: ${stderr.trim()}`));
      else resolve(seconds);
    });
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'tw-ssh-bench-'));
  const served = join(dir, 'served');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(served);
  const file = join(served, 'big.bin');
  const bytes = SIZE_MIB * 1024 * 1024;
  let ours;
  let openssh;
  try {
    await makeFile(file, SIZE_MIB);
    const key = generateKeyPair(join(dir, 'client_ed25519'));
    ours = await startOurServer(served, key.publicKey);
    openssh = await startThrowawaySshd({ authorizedKeys: [key.publicKey], logLevel: 'ERROR' });
    const target = join(dir, 'downloaded.bin');
    const peers = [
      { name: 'tw', port: ours.port, user: 'bench', path: '/big.bin', times: [] },
      { name: 'openssh', port: openssh.port, user: openssh.user, path: file, times: [] },
    ];
    // One warm-up download each (page cache, JIT), not counted.
    for (const peer of peers)
      await download(dir, key.privateKeyPath, peer.user, peer.port, peer.path, target);
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const peer of round % 2 === 0 ? peers : [...peers].reverse()) {
        const seconds = await download(
          dir,
          key.privateKeyPath,
          peer.user,
          peer.port,
          peer.path,
          target,
        );
        if (statSync(target).size !== bytes) throw new Error(`${peer.name}: short download`);
        rmSync(target);
        peer.times.push(seconds);
        console.log(
          `round ${round + 1} ${peer.name.padEnd(8)} ${(bytes / 1e6 / seconds).toFixed(1)} MB/s`,
        );
      }
    }
    const rate = (peer) => bytes / 1e6 / median(peer.times);
    const [tw, ossh] = peers;
    console.log('');
    console.log(`SFTP download, ${SIZE_MIB} MiB, cipher ${CIPHER}, ${ROUNDS} rounds (median):`);
    console.log(`  tw (sftpSubsystem + LocalFilesystem): ${rate(tw).toFixed(1)} MB/s`);
    console.log(`  OpenSSH sshd + sftp-server:            ${rate(ossh).toFixed(1)} MB/s`);
    console.log(`  ratio tw/OpenSSH:                      ${(rate(tw) / rate(ossh)).toFixed(2)}`);
  } finally {
    await ours?.stop();
    await openssh?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
