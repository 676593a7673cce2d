/**
 * Our IRC server on loopback for the interop tests: an IRCServerFactory on a NodeReactor in this
 * process, over TCP or TLS (a self-signed certificate made for the run), plus the helpers the
 * interop tests share to find their third-party peers.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSelfSignedCertificate, type IListeningPort, type NodeReactor } from '@tw/core';
import { startNodeReactor, stopNodeReactor } from '@tw/core/testing';
import {
  IRCServerFactory,
  defaultIRCServerConfig,
  type IRCServerConfigInput,
} from '../../src/index.js';

export interface OurServer {
  readonly reactor: NodeReactor;
  readonly port: number;
  /** The PEM certificate file clients trust for TLS (written for TCP runs too). */
  readonly certificateFile: string;
  readonly certificate: string;
  stop(): Promise<void>;
}

/** Start our server on 127.0.0.1, port chosen by the system. */
export async function startOurServer(
  kind: 'tcp' | 'tls',
  config: IRCServerConfigInput = {},
): Promise<OurServer> {
  const scratch = await mkdtemp(join(tmpdir(), `tw-irc-interop-${kind}-`));
  const { key, cert } = generateSelfSignedCertificate({ commonName: 'localhost' });
  const certificateFile = join(scratch, 'cert.pem');
  await writeFile(certificateFile, cert);
  const reactor = startNodeReactor();
  const factory = new IRCServerFactory(
    reactor,
    defaultIRCServerConfig({ serverName: 'irc.interop.test', motd: 'interop MOTD', ...config }),
  );
  const listening: IListeningPort =
    kind === 'tcp'
      ? await reactor.listenTCP(0, factory, { interface: '127.0.0.1' })
      : await reactor.listenTLS(
          0,
          factory,
          { credentials: { key, cert } },
          { interface: '127.0.0.1' },
        );
  const host = listening.getHost();
  return {
    reactor,
    port: 'port' in host ? host.port : 0,
    certificateFile,
    certificate: cert,
    async stop() {
      await listening.stopListening();
      await stopNodeReactor(reactor);
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

export { requirePeer } from '@tw/core/testing';

/** The first Python 3 that can import `module` (Debian's /usr/bin/python3 first), or null. */
export function pythonWith(module: string): string | null {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const result = spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore' });
    if (result.error === undefined && result.status === 0) return python;
  }
  return null;
}
