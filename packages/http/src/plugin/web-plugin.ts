// The `tw web` plugin. package.json names this module ("tw": { "plugins": [...] }), so `tw`
// finds it wherever @tw/http is installed.
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  InvalidPluginOptionValueError,
  MultiService,
  isTwError,
  StreamServerEndpointService,
  optionFlagName,
  parseEndpointDescription,
  serverFromString,
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
  ],

  async makeService(options, context) {
    const root = await rootResource(options, context);
    if (options.servicesPage) root.putChild('services', new ServicesPage(context.services ?? null));
    const site = new Site(context.reactor, root);
    const service = new MultiService();
    for (const description of options.listen) {
      const endpoint = serverFromString(context.reactor, description);
      new StreamServerEndpointService(endpoint, site, {
        description,
        log: context.log,
      }).setServiceParent(service);
    }
    return service;
  },

  connectHint: webConnectHint,

  prepareDataDir(dataDir: string): Promise<void> {
    return writeSampleSite(join(dataDir, WEB_DATA_SUBDIR));
  },
};

export default webPlugin;

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
    return `curl ${globOff}${trust} ${shellQuote(`https://${authority}/`)}`;
  }
  return `curl ${globOff}${shellQuote(`http://${authority}/`)}`;
}

function optionError(option: 'path' | 'resource', problem: string): InvalidPluginOptionValueError {
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
