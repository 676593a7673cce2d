// Our SFTP server alone, for profiling (`node --cpu-prof bench/profile-server.js <root> <pubkey-file>`):
// prints `port <n>`, serves <root> to any user with the key; on SIGTERM/SIGINT prints the CPU
// time it used and exits.
import { readFileSync } from 'node:fs';
import { InMemorySSHKeyDB, NodeReactor, Portal, SSHPublicKeyChecker, SimpleRealm } from '@tw/core';
import { LocalFilesystem } from '@tw/vfs';
import { SSHServerFactory, generateEd25519OpenSSHKey, sftpSubsystem } from '../dist/index.js';

const [root, keyFile] = process.argv.slice(2);
const reactor = new NodeReactor({ installSignalHandlers: false, shutdownGracePeriod: 1 });
const portal = new Portal(new SimpleRealm({ 'ssh.avatar': (id) => ({ name: id }) }), [
  new SSHPublicKeyChecker(new InMemorySSHKeyDB({ bench: [readFileSync(keyFile, 'utf8').trim()] })),
]);
const factory = new SSHServerFactory(reactor, {
  hostKeys: [generateEd25519OpenSSHKey('bench host').privateKey],
  portal,
  subsystems: [sftpSubsystem({ filesystemFor: () => new LocalFilesystem(root) })],
  keepaliveInterval: 0,
  idleTimeout: null,
});
const port = await reactor.listenTCP(0, factory, { interface: '127.0.0.1' });
console.log(`port ${port.getHost().port}`);
const quit = () => {
  const { user, system } = process.cpuUsage();
  console.log(`cpu user ${(user / 1e6).toFixed(2)}s system ${(system / 1e6).toFixed(2)}s`);
  process.exit(0);
};
process.on('SIGTERM', quit);
process.on('SIGINT', quit);
void reactor.run();
