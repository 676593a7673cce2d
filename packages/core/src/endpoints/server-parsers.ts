import type { IStreamServerEndpoint } from '../interfaces/endpoint.js';
import type { TLSOptions } from '../interfaces/tls.js';
import {
  flagArgument,
  integerArgument,
  octalArgument,
  portArgument,
  requiredArgument,
} from './arguments.js';
import { readCACertificates, readCredentials } from './pem-files.js';
import type { EndpointParseContext, EndpointParser } from './registry.js';
import { TCP4ServerEndpoint, TCP6ServerEndpoint, type TCPServerEndpointOptions } from './tcp.js';
import { TLSServerEndpoint } from './tls.js';
import { UNIXServerEndpoint, type UNIXServerEndpointOptions } from './unix.js';

/**
 * The built-in server schemes, with Twisted's keyword names:
 * `tcp:`, `tcp6:`, `tls:` (alias `ssl:`) and `unix:`.
 */

function tcpServerOptions(context: EndpointParseContext): TCPServerEndpointOptions {
  const { interface: iface, backlog } = context.values;
  return {
    ...(iface === undefined ? {} : { interface: iface }),
    ...(backlog === undefined
      ? {}
      : { backlog: integerArgument(context, 'backlog', backlog, 1, 65535) }),
  };
}

const TCP_USAGE = 'tcp:PORT[:interface=ADDRESS][:backlog=N]';

/** `tcp:8080:interface=127.0.0.1:backlog=50` → TCP4ServerEndpoint. */
export const tcpServerParser: EndpointParser<IStreamServerEndpoint> = {
  positional: ['port'],
  keywords: ['port', 'interface', 'backlog'],
  usage: TCP_USAGE,
  parse: (reactor, _args, _kwargs, context) =>
    new TCP4ServerEndpoint(
      reactor,
      portArgument(context, 'port', requiredArgument(context, 'port', TCP_USAGE)),
      tcpServerOptions(context),
    ),
};

const TCP6_USAGE = 'tcp6:PORT[:interface=ADDRESS][:backlog=N]  (escape colons: interface=\\:\\:1)';

/** `tcp6:8080:interface=\:\:1` → TCP6ServerEndpoint (default interface `::`). */
export const tcp6ServerParser: EndpointParser<IStreamServerEndpoint> = {
  positional: ['port'],
  keywords: ['port', 'interface', 'backlog'],
  usage: TCP6_USAGE,
  parse: (reactor, _args, _kwargs, context) =>
    new TCP6ServerEndpoint(
      reactor,
      portArgument(context, 'port', requiredArgument(context, 'port', TCP6_USAGE)),
      tcpServerOptions(context),
    ),
};

const TLS_USAGE =
  'tls:PORT:privateKey=KEY.pem[:certKey=CERT.pem][:extraCertChain=CHAIN.pem][:caCerts=CA.pem][:interface=ADDRESS][:backlog=N]';

/**
 * `tls:8443:privateKey=key.pem:certKey=cert.pem` → TLSServerEndpoint. `privateKey` defaults to
 * `server.pem` (as in Twisted); `certKey` defaults to the privateKey file, which then holds
 * both. `extraCertChain` adds intermediate certificates; `caCerts` (a PEM bundle or a
 * directory) asks clients for a certificate and refuses those that do not verify against it.
 */
export const tlsServerParser: EndpointParser<IStreamServerEndpoint> = {
  positional: ['port'],
  keywords: ['port', 'interface', 'backlog', 'privateKey', 'certKey', 'extraCertChain', 'caCerts'],
  usage: TLS_USAGE,
  parse: (reactor, _args, _kwargs, context) => {
    const port = portArgument(context, 'port', requiredArgument(context, 'port', TLS_USAGE));
    const keyPath = context.values['privateKey'] ?? 'server.pem';
    const credentials = readCredentials(context, {
      keyKeyword: 'privateKey',
      keyPath,
      certKeyword: context.values['certKey'] === undefined ? 'privateKey' : 'certKey',
      certPath: context.values['certKey'] ?? keyPath,
      extraChainPath: context.values['extraCertChain'],
    });
    const caPath = context.values['caCerts'];
    const tls: TLSOptions =
      caPath === undefined
        ? { credentials }
        : {
            credentials,
            ca: readCACertificates(context, 'caCerts', caPath),
            requestCert: true,
            verifyPeer: true,
          };
    return new TLSServerEndpoint(reactor, port, tls, tcpServerOptions(context));
  },
};

const UNIX_USAGE = 'unix:PATH[:mode=660][:backlog=N][:lockfile=1]';

/**
 * `unix:/run/tw.sock:mode=660` → UNIXServerEndpoint. `mode` is octal (default 666);
 * `lockfile=1` (the default) removes a stale socket file left by a dead process, `lockfile=0`
 * leaves it and binding then fails if the file exists.
 */
export const unixServerParser: EndpointParser<IStreamServerEndpoint> = {
  positional: ['address'],
  keywords: ['address', 'mode', 'backlog', 'lockfile'],
  usage: UNIX_USAGE,
  parse: (reactor, _args, _kwargs, context) => {
    const path = requiredArgument(context, 'address', UNIX_USAGE);
    const { mode, backlog, lockfile } = context.values;
    const options: UNIXServerEndpointOptions = {
      ...(mode === undefined ? {} : { mode: octalArgument(context, 'mode', mode) }),
      ...(backlog === undefined
        ? {}
        : { backlog: integerArgument(context, 'backlog', backlog, 1, 65535) }),
      ...(lockfile === undefined ? {} : { wantPID: flagArgument(context, 'lockfile', lockfile) }),
    };
    return new UNIXServerEndpoint(reactor, path, options);
  },
};
