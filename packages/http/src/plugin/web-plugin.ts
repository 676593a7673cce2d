// The `tw web` plugin. package.json names this module ("tw": { "plugins": [...] }), so `tw`
// finds it wherever @tw/http is installed.
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  InvalidPluginOptionValueError,
  listeningServices,
  isTwError,
  optionFlagName,
  parseEndpointDescription,
  type EndpointRegistry,
  type PluginContext,
  type PluginListening,
  type TwPlugin,
} from '@tw/core';
import type { IResource } from '../interfaces.js';
import { Site } from '../resource/site.js';
import { File } from '../static/file.js';
import { loadResourceModule } from './resource-module.js';
import { WEB_DATA_SUBDIR, writeSampleSite } from './sample-site.js';
import { ServicesPage } from './services-page.js';
import { registerWebSocketEndpoints } from '../websocket/endpoint.js';
import {
  MountSpecError,
  bridgeMount,
  mountResource,
  parseMountSpec,
  staticMount,
  type MountSpec,
} from '../websocket/bridge-mounts.js';

/** The options `tw web` takes (`--listen`, `--path`, `--resource`, `--listing`, …). */
export interface WebPluginOptions extends Record<string, unknown> {
  listen: string[];
  /** A directory (or one file) to serve; default <data dir>/www. */
  path?: string;
  /** A module whose default or `resource` export is the root resource (instead of --path). */
  resource?: string;
  listing: boolean;
  index: string[];
  servicesPage: boolean;
  /** `URLPATH=DIRECTORY`: more directories to serve, e.g. `/irc=…/dist/web`. */
  mount?: string[];
  /** `URLPATH=CLIENT_ENDPOINT`: WebSocket bridges, e.g. `/irc/ws=tcp:host=127.0.0.1:port=6667`. */
  bridge?: string[];
  /** Most bridged WebSocket connections at once, per bridge. */
  bridgeMaxConnections?: number;
  /** Page origins allowed to use the bridges besides the site's own (e.g. https://chat.example). */
  bridgeOrigins?: string[];
  /** 'v1' or 'v2': the bridges start each connection with a PROXY header naming the browser. */
  bridgeProxyProtocol?: string;
}

/** Where `tw web` listens without --listen. */
export const DEFAULT_WEB_LISTEN = 'tcp:8080:interface=127.0.0.1';

const webPlugin: TwPlugin<WebPluginOptions> = {
  name: 'web',
  description: 'HTTP/1.1 web server: a directory of static files, or a resource tree from a module',
  options: [
    {
      name: 'listen',
      type: 'endpoint[]',
      help: 'where to listen (tcp:…, tls:…:privateKey=…:certKey=…, unix:…)',
      default: [DEFAULT_WEB_LISTEN],
    },
    {
      name: 'path',
      type: 'path',
      help: `directory (or single file) to serve (default: <data dir>/${WEB_DATA_SUBDIR}, made with a sample page if missing)`,
    },
    {
      name: 'resource',
      type: 'path',
      help: 'module whose default (or `resource`) export is the root resource, a resource class, or a function (reactor) => resource; instead of --path',
    },
    {
      name: 'listing',
      type: 'boolean',
      help: 'list the files of a directory that has no index file (otherwise 403)',
      default: false,
    },
    {
      name: 'index',
      type: 'string[]',
      help: 'file names served for a directory URL, first found wins',
      default: ['index.html'],
    },
    {
      name: 'servicesPage',
      type: 'boolean',
      help: 'serve a live list of the services tw runs at /services',
      default: false,
    },
    {
      name: 'mount',
      type: 'string[]',
      help: 'URLPATH=DIRECTORY: also serve DIRECTORY at URLPATH (e.g. /irc=./node_modules/@tw/irc/dist/web)',
    },
    {
      name: 'bridge',
      type: 'string[]',
      help: 'URLPATH=ENDPOINT: a WebSocket bridge at URLPATH relaying bytes to the client ENDPOINT (e.g. /irc/ws=tcp:host=127.0.0.1:port=6667), for pages such as the IRC web client',
    },
    {
      name: 'bridgeMaxConnections',
      type: 'number',
      help: 'most WebSocket connections one bridge relays at once (default 100)',
    },
    {
      name: 'bridgeOrigins',
      type: 'string[]',
      help: "page origins allowed to open the bridges besides the site's own (e.g. https://chat.example)",
    },
    {
      name: 'bridgeProxyProtocol',
      type: 'string',
      help: 'v1 or v2: start each bridged connection with a PROXY protocol header naming the browser, for a server listening on haproxy:… (it then sees browsers, not the bridge)',
    },
  ],

  async makeService(options, context) {
    const root = await rootResource(options, context);
    if (options.servicesPage) root.putChild('services', new ServicesPage(context.services ?? null));
    const pages = await mountAll(root, options, context);
    const site = new Site(context.reactor, root);
    if (pages.length > 0) {
      for (const description of options.listen) browserPagesByEndpoint.set(description, pages);
    }
    return listeningServices(context.reactor, options.listen, site, context.log);
  },

  connectHint: webConnectHint,

  registerEndpoints(registry: EndpointRegistry): void {
    registerWebSocketEndpoints(registry, { replace: true });
  },

  prepareDataDir(dataDir: string): Promise<void> {
    return writeSampleSite(join(dataDir, WEB_DATA_SUBDIR));
  },
};

export default webPlugin;

/**
 * The URL paths of the pages mounted on each listening endpoint, for connectHint (which is told
 * only the endpoint). Keyed by the endpoint description, as tw reports it.
 */
const browserPagesByEndpoint = new Map<string, string[]>();

/** Mount the --mount directories and the --bridge bridges; returns the mounted page paths. */
async function mountAll(
  root: IResource,
  options: WebPluginOptions,
  context: PluginContext,
): Promise<string[]> {
  const parse = (option: 'mount' | 'bridge', spec: string): MountSpec => {
    try {
      return parseMountSpec(spec);
    } catch (error) {
      if (error instanceof MountSpecError) throw optionError(option, error.message);
      throw error;
    }
  };
  const mounts = (options.mount ?? []).map((spec) => parse('mount', spec));
  const bridges = (options.bridge ?? []).map((spec) => parse('bridge', spec));
  const maxConnections = options.bridgeMaxConnections ?? 100;
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    throw new InvalidPluginOptionValueError(
      'web',
      'bridgeMaxConnections',
      optionFlagName('bridgeMaxConnections'),
      `must be a whole number >= 1, got ${maxConnections}.`,
    );
  }
  const proxyProtocol = options.bridgeProxyProtocol;
  if (proxyProtocol !== undefined && proxyProtocol !== 'v1' && proxyProtocol !== 'v2') {
    throw new InvalidPluginOptionValueError(
      'web',
      'bridgeProxyProtocol',
      optionFlagName('bridgeProxyProtocol'),
      `must be v1 or v2, got ${JSON.stringify(proxyProtocol)}.`,
    );
  }
  // Shallow paths first, so /irc/ws goes inside the directory mounted at /irc.
  const byDepth = (a: MountSpec, b: MountSpec): number => a.segments.length - b.segments.length;
  for (const spec of mounts.sort(byDepth)) {
    try {
      mountResource(root, spec.segments, await staticMount(spec));
    } catch (error) {
      if (error instanceof MountSpecError) throw optionError('mount', error.message);
      throw error;
    }
    context.log.info('Serving {directory} at {path}', { directory: spec.value, path: spec.path });
  }
  for (const spec of bridges.sort(byDepth)) {
    try {
      mountResource(
        root,
        spec.segments,
        bridgeMount(spec, context.reactor, {
          maxConnections,
          allowedOrigins: options.bridgeOrigins ?? [],
          log: context.log,
          ...(proxyProtocol === undefined ? {} : { proxyProtocol }),
        }),
      );
    } catch (error) {
      if (error instanceof MountSpecError) throw optionError('bridge', error.message);
      throw error;
    }
    context.log.info('WebSocket bridge at {path} to {target}', {
      path: spec.path,
      target: spec.value,
    });
  }
  return mounts.map((spec) => `/${spec.segments.join('/')}/`);
}

async function rootResource(options: WebPluginOptions, context: PluginContext): Promise<IResource> {
  const { log, reactor, dataDir } = context;
  if (options.resource !== undefined) {
    if (options.path !== undefined) {
      throw optionError('resource', 'give either --path or --resource, not both.');
    }
    try {
      const resource = await loadResourceModule(options.resource, reactor);
      log.info('Serving the resource of {module}', { module: resolve(options.resource) });
      return resource;
    } catch (error) {
      if (isTwError(error, 'TW_HTTP_RESOURCE_MODULE')) throw optionError('resource', error.message);
      throw error;
    }
  }
  let path: string;
  if (options.path !== undefined) {
    path = resolve(options.path);
    if (!(await exists(path))) throw optionError('path', `there is nothing at ${path}.`);
  } else {
    path = resolve(dataDir, WEB_DATA_SUBDIR);
    // `tw web` with no --path on a fresh data directory: give it something to show.
    if (!(await exists(path))) await writeSampleSite(path);
  }
  log.info('Serving files from {path}', { path });
  return new File(path, { directoryListing: options.listing, indexNames: options.index });
}

/**
 * `curl http://127.0.0.1:8080/`, with --cacert for TLS endpoints (the certificate named in the
 * endpoint, right for the self-signed one `tw` makes) and --unix-socket for Unix sockets.
 */
export function webConnectHint({ endpoint, address }: PluginListening): string {
  if (address.family === 'UNIX') {
    return address.path === null
      ? 'curl http://localhost/'
      : `curl --unix-socket ${shellQuote(address.path)} http://localhost/`;
  }
  if (address.family !== 'IPv4' && address.family !== 'IPv6') return 'curl http://localhost/';
  // A wildcard bind is reached through loopback.
  const host =
    address.host === '0.0.0.0' ? '127.0.0.1' : address.host === '::' ? '::1' : address.host;
  const authority = `${address.family === 'IPv6' ? `[${host}]` : host}:${address.port}`;
  // -g: curl would read the brackets of an IPv6 literal as a glob.
  const globOff = address.family === 'IPv6' ? '-g ' : '';
  const parsed = tryParse(endpoint);
  if (parsed !== null && (parsed.scheme === 'tls' || parsed.scheme === 'ssl')) {
    const certificate = parsed.kwargs['certKey'] ?? parsed.kwargs['privateKey'];
    const trust = certificate === undefined ? '--insecure' : `--cacert ${shellQuote(certificate)}`;
    return (
      `curl ${globOff}${trust} ${shellQuote(`https://${authority}/`)}` +
      pagesNote(endpoint, `https://${authority}`)
    );
  }
  return (
    `curl ${globOff}${shellQuote(`http://${authority}/`)}` +
    pagesNote(endpoint, `http://${authority}`)
  );
}

/** ` # in a browser: URL…` for the pages mounted on `endpoint` (a shell comment: still runs). */
function pagesNote(endpoint: string, origin: string): string {
  const pages = browserPagesByEndpoint.get(endpoint);
  if (pages === undefined || pages.length === 0) return '';
  return `  # in a browser: ${pages.map((page) => `${origin}${page}`).join(' ')}`;
}

function optionError(
  option: 'path' | 'resource' | 'mount' | 'bridge',
  problem: string,
): InvalidPluginOptionValueError {
  return new InvalidPluginOptionValueError('web', option, optionFlagName(option), problem);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function tryParse(endpoint: string): ReturnType<typeof parseEndpointDescription> | null {
  try {
    return parseEndpointDescription(endpoint);
  } catch {
    return null;
  }
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
