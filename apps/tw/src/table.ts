import { basename, isAbsolute, relative } from 'node:path';
import {
  formatAddress,
  parseEndpointDescription,
  quoteStringArgument,
  type Address,
  type IService,
  type PluginListening,
  type RunningServiceListing,
  type StreamServerEndpointService,
  type TwPlugin,
} from '@tw/core';

/** One line of the table `tw` prints once its services listen (also what PluginContext.services gives). */
export type ListeningRow = RunningServiceListing;

/** A top-level service `tw` started, and the plugin that made it. */
export interface StartedService {
  readonly name: string;
  readonly plugin: TwPlugin;
  readonly service: IService;
}

/** Every port the services listen on, in the order they were configured. */
export function listeningRows(started: readonly StartedService[]): ListeningRow[] {
  const rows: ListeningRow[] = [];
  for (const { name, plugin, service } of started) {
    for (const endpointService of endpointServicesUnder(service)) {
      const port = endpointService.listeningPort;
      if (port === null) continue;
      const address = port.getHost();
      const listening: PluginListening = {
        endpoint: endpointService.description,
        address,
        clientEndpoint: clientEndpointFor(endpointService.description, address),
        twCommand: twCommand(),
      };
      rows.push({
        service: name,
        plugin: plugin.name,
        endpoint: listening.endpoint,
        address,
        connect: plugin.connectHint?.(listening) ?? genericConnectHint(listening),
      });
    }
  }
  return rows;
}

/** The table, as text: one row per port, columns aligned, then the `notes` lines. */
export function formatTable(
  rows: readonly Pick<ListeningRow, 'service' | 'address' | 'connect'>[],
  notes: readonly string[] = [],
): string {
  const header = ['service', 'listening on', 'try'] as const;
  const cells = rows.map((row) => [row.service, formatAddress(row.address), row.connect] as const);
  const widths = [0, 1].map((column) =>
    Math.max(header[column]!.length, ...cells.map((cell) => cell[column]!.length)),
  );
  const line = (cell: readonly [string, string, string]): string =>
    `  ${cell[0].padEnd(widths[0]!)}  ${cell[1].padEnd(widths[1]!)}  ${cell[2]}`.trimEnd();
  return [
    line(header),
    ...cells.map(line),
    ...(notes.length > 0 ? ['', ...notes.map((note) => `  ${note}`)] : []),
  ]
    .join('\n')
    .concat('\n');
}

/** A command that reaches `listening` when its plugin gives none: `tw connect <endpoint>`. */
export function genericConnectHint(listening: PluginListening): string {
  if (safeParse(listening.endpoint)?.scheme === 'haproxy') {
    return '(PROXY protocol only: for a proxy such as the web bridge)';
  }
  if (listening.clientEndpoint === null) return formatAddress(listening.address);
  return `${listening.twCommand} connect ${shellQuote(listening.clientEndpoint)}`;
}

/**
 * The client endpoint description that reaches a server listening at `address` on `endpoint`:
 * same scheme; for TLS, trusting the server's own certificate file (right for the self-signed
 * certificates a data directory holds).
 */
export function clientEndpointFor(endpoint: string, address: Address): string | null {
  // A haproxy: port wants a PROXY header first: no plain client gets through.
  if (safeParse(endpoint)?.scheme === 'haproxy') return null;
  if (address.family === 'UNIX') {
    return address.path === null ? null : `unix:path=${quoteStringArgument(address.path)}`;
  }
  if (address.family !== 'IPv4' && address.family !== 'IPv6') return null;
  const where = `host=${quoteStringArgument(address.host)}:port=${address.port}`;
  const parsed = safeParse(endpoint);
  if (parsed !== null && (parsed.scheme === 'tls' || parsed.scheme === 'ssl')) {
    const certificate = parsed.kwargs['certKey'] ?? parsed.kwargs['privateKey'];
    const trust = certificate === undefined ? '' : `:caCerts=${quoteStringArgument(certificate)}`;
    return `tls:${where}${trust}`;
  }
  return `tcp:${where}`;
}

/** `tw` when run through its bin link, else `node <path to bin.js>` relative to here. */
export function twCommand(): string {
  const script = process.argv[1] ?? '';
  if (basename(script) === 'tw') return 'tw';
  const path = relative(process.cwd(), script);
  return `node ${path.startsWith('..') || isAbsolute(path) ? script : path}`;
}

/** What the table reads from a StreamServerEndpointService. */
type EndpointServiceView = Pick<StreamServerEndpointService, 'listeningPort' | 'description'>;

function* endpointServicesUnder(service: IService): Generator<EndpointServiceView> {
  // Duck-typed rather than instanceof: a plugin package may carry its own copy of @tw/core.
  if ('listeningPort' in service && 'description' in service) yield service as EndpointServiceView;
  if (isCollection(service)) {
    for (const child of service) yield* endpointServicesUnder(child);
  }
}

function isCollection(service: IService): service is IService & Iterable<IService> {
  return typeof (service as Partial<Iterable<IService>>)[Symbol.iterator] === 'function';
}

function safeParse(endpoint: string): ReturnType<typeof parseEndpointDescription> | null {
  try {
    return parseEndpointDescription(endpoint);
  } catch {
    return null;
  }
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
