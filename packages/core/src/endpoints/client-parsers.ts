import type { IStreamClientEndpoint } from '../interfaces/endpoint.js';
import type { IReactor } from '../interfaces/reactor.js';
import type { TLSOptions } from '../interfaces/tls.js';
import { hostArgument, portArgument, requiredArgument, secondsArgument } from './arguments.js';
import { EndpointDescriptionError } from './errors.js';
import { HostnameEndpoint } from './hostname.js';
import { isIPv4Literal, isIPv6Literal } from './ip-literal.js';
import { readCACertificates, readCredentials } from './pem-files.js';
import type { EndpointParseContext, EndpointParser } from './registry.js';
import { TCP4ClientEndpoint, TCP6ClientEndpoint, type TCPClientEndpointOptions } from './tcp.js';
import { TLSClientEndpoint } from './tls.js';
import { UNIXClientEndpoint } from './unix.js';

/**
 * The built-in client schemes: `tcp:`, `tcp6:`, `tls:` (alias `ssl:`) and `unix:`.
 *
 * `tcp:` and `tls:` connect to an IP literal directly and to a host name through
 * HostnameEndpoint (RFC 8305), so `tcp:host=localhost:port=80` tries `::1` and `127.0.0.1`.
 * Twisted's `tcp:` client always uses TCP4ClientEndpoint; here a name is connected the way
 * its `tls:` client (and HostnameEndpoint) does.
 */

interface HostAndPort {
  readonly host: string;
  readonly port: number;
  readonly options: TCPClientEndpointOptions;
}

function hostAndPort(context: EndpointParseContext, usage: string): HostAndPort {
  const host = hostArgument(context, 'host', requiredArgument(context, 'host', usage));
  const port = portArgument(context, 'port', requiredArgument(context, 'port', usage));
  const { timeout, bindAddress } = context.values;
  const options: TCPClientEndpointOptions = {
    ...(timeout === undefined ? {} : { timeout: secondsArgument(context, 'timeout', timeout) }),
    ...(bindAddress === undefined
      ? {}
      : { bindAddress: { host: hostArgument(context, 'bindAddress', bindAddress), port: 0 } }),
  };
  return { host, port, options };
}

const TCP_USAGE =
  'tcp:host=HOST:port=PORT[:timeout=SECONDS][:bindAddress=ADDRESS]  (or tcp:HOST:PORT)';

/** `tcp:host=example.org:port=6667` → HostnameEndpoint, or TCP4/TCP6ClientEndpoint for an IP literal. */
export const tcpClientParser: EndpointParser<IStreamClientEndpoint> = {
  positional: ['host', 'port'],
  keywords: ['host', 'port', 'timeout', 'bindAddress'],
  usage: TCP_USAGE,
  parse: (reactor, _args, _kwargs, context) => {
    const { host, port, options } = hostAndPort(context, TCP_USAGE);
    if (isIPv4Literal(host)) return new TCP4ClientEndpoint(reactor, host, port, options);
    if (isIPv6Literal(host)) return new TCP6ClientEndpoint(reactor, host, port, options);
    return new HostnameEndpoint(reactor, host, port, options);
  },
};

const TCP6_USAGE =
  'tcp6:host=HOST:port=PORT[:timeout=SECONDS][:bindAddress=ADDRESS]  (escape colons: host=\\:\\:1)';

/** `tcp6:host=\:\:1:port=80` → TCP6ClientEndpoint (a name is resolved to its first IPv6 address). */
export const tcp6ClientParser: EndpointParser<IStreamClientEndpoint> = {
  positional: ['host', 'port'],
  keywords: ['host', 'port', 'timeout', 'bindAddress'],
  usage: TCP6_USAGE,
  parse: (reactor, _args, _kwargs, context) => {
    const { host, port, options } = hostAndPort(context, TCP6_USAGE);
    return new TCP6ClientEndpoint(reactor, host, port, options);
  },
};

const TLS_USAGE =
  'tls:host=HOST:port=PORT[:caCerts=CA.pem][:serverName=NAME][:certificate=CERT.pem][:privateKey=KEY.pem][:timeout=SECONDS][:bindAddress=ADDRESS]';

function clientTLSOptions(context: EndpointParseContext, host: string): TLSOptions {
  const values = context.values;
  const trustKeyword = (['caCerts', 'trustRoots', 'caCertsDir'] as const).filter(
    (name) => values[name] !== undefined,
  );
  if (trustKeyword.length > 1) {
    throw new EndpointDescriptionError(
      context.description,
      `${trustKeyword.join(' and ')} name the same thing (the CA certificates to trust); give only one.`,
    );
  }
  const certKeyword =
    values['certificate'] !== undefined
      ? 'certificate'
      : values['certKey'] !== undefined
        ? 'certKey'
        : undefined;
  if (values['certificate'] !== undefined && values['certKey'] !== undefined) {
    throw new EndpointDescriptionError(
      context.description,
      'certificate and certKey name the same thing (the client certificate); give only one.',
    );
  }
  const certPath = certKeyword === undefined ? undefined : values[certKeyword];
  const keyPath = values['privateKey'];
  if (certPath === undefined && keyPath !== undefined) {
    throw new EndpointDescriptionError(
      context.description,
      'privateKey is given without certificate; a client certificate needs both (they may be one file).',
    );
  }
  const trustPath = trustKeyword[0] === undefined ? undefined : values[trustKeyword[0]];
  return {
    serverName: values['serverName'] ?? host,
    ...(trustPath === undefined
      ? {}
      : { ca: readCACertificates(context, trustKeyword[0]!, trustPath) }),
    ...(certPath === undefined || certKeyword === undefined
      ? {}
      : {
          credentials: readCredentials(context, {
            keyKeyword: keyPath === undefined ? certKeyword : 'privateKey',
            keyPath: keyPath ?? certPath,
            certKeyword,
            certPath,
          }),
        }),
  };
}

/**
 * `tls:host=example.org:port=443` → TLS over HostnameEndpoint (or one TLSClientEndpoint for an
 * IP literal). The server's certificate is verified against the system roots, or `caCerts`
 * (alias `trustRoots`, `caCertsDir`: a PEM bundle or a directory), for the name `serverName`
 * (default: host). `certificate` + `privateKey` (alias `certKey`) present a client certificate.
 */
export const tlsClientParser: EndpointParser<IStreamClientEndpoint> = {
  positional: ['host', 'port'],
  keywords: [
    'host',
    'port',
    'timeout',
    'bindAddress',
    'caCerts',
    'trustRoots',
    'caCertsDir',
    'certificate',
    'certKey',
    'privateKey',
    'serverName',
  ],
  usage: TLS_USAGE,
  parse: (reactor, _args, _kwargs, context) => {
    const { host, port, options } = hostAndPort(context, TLS_USAGE);
    const literal = isIPv4Literal(host) || isIPv6Literal(host);
    // An IP literal is verified against the certificate's IP subjectAltNames unless serverName says otherwise.
    const tls = clientTLSOptions(context, host);
    const tlsForLiteral: TLSOptions =
      context.values['serverName'] === undefined ? withoutServerName(tls) : tls;
    if (literal) return new TLSClientEndpoint(reactor, host, port, tlsForLiteral, options);
    return new HostnameEndpoint(reactor, host, port, {
      ...options,
      endpointForAddress: (address, timeout) =>
        new TLSClientEndpoint(reactor, address.host, port, tls, { ...options, timeout }),
    });
  },
};

function withoutServerName(tls: TLSOptions): TLSOptions {
  const { serverName: _ignored, ...rest } = tls;
  return rest;
}

const UNIX_USAGE = 'unix:path=PATH[:timeout=SECONDS]  (or unix:PATH)';

/** `unix:path=/run/tw.sock` → UNIXClientEndpoint. */
export const unixClientParser: EndpointParser<IStreamClientEndpoint> = {
  positional: ['path'],
  keywords: ['path', 'timeout'],
  usage: UNIX_USAGE,
  parse: (reactor: IReactor, _args, _kwargs, context) => {
    const path = requiredArgument(context, 'path', UNIX_USAGE);
    const timeout = context.values['timeout'];
    return new UNIXClientEndpoint(
      reactor,
      path,
      timeout === undefined ? {} : { timeout: secondsArgument(context, 'timeout', timeout) },
    );
  },
};
