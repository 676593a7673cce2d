/**
 * The `tw web` plugin: its options as `tw` parses them, the service it makes (served over real
 * loopback sockets), the sample data directory, resource modules, the /services page and the
 * connect hints printed in `tw`'s table.
 */
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Logger,
  ipv4Address,
  ipv6Address,
  isTwError,
  parsePluginOptions,
  unixAddress,
  type IService,
  type MultiService,
  type NodeReactor,
  type PluginContext,
  type RunningServiceListing,
  type StreamServerEndpointService,
} from '@tw/core';
import webPlugin, { webConnectHint, type WebPluginOptions } from '../../src/plugin/web-plugin.js';
import { SAMPLE_PAGE_TITLE } from '../../src/plugin/sample-site.js';
import { startReactor, stopReactors } from '../client/harness.js';

let dir: string;
let reactor: NodeReactor;
const running: IService[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tw-web-plugin-'));
  reactor = startReactor();
});
afterEach(async () => {
  for (const service of running.splice(0)) await service.stopService();
  await stopReactors();
  await rm(dir, { recursive: true, force: true });
});

function contextFor(extra: Partial<PluginContext> = {}): PluginContext {
  return { reactor, dataDir: join(dir, 'data'), log: new Logger('test.web'), ...extra };
}

function optionsFrom(raw: Record<string, unknown>): WebPluginOptions {
  return parsePluginOptions(webPlugin, { listen: 'tcp:0:interface=127.0.0.1', ...raw });
}

/** makeService + start; resolves with the base URL of its (first) port. */
async function serve(
  raw: Record<string, unknown>,
  context: PluginContext = contextFor(),
): Promise<string> {
  const service = (await webPlugin.makeService(optionsFrom(raw), context)) as MultiService;
  await service.startService();
  running.push(service);
  const [endpointService] = [...service] as StreamServerEndpointService[];
  const address = endpointService!.listeningPort!.getHost();
  if (address.family !== 'IPv4') throw new Error('expected an IPv4 address');
  return `http://127.0.0.1:${address.port}`;
}

/** What makeService rejects with (null when it succeeds). */
async function makeServiceError(
  options: WebPluginOptions,
  context: PluginContext,
): Promise<unknown> {
  try {
    await webPlugin.makeService(options, context);
    return null;
  } catch (error) {
    return error;
  }
}

async function get(url: string): Promise<{ status: number; type: string | null; body: string }> {
  const response = await fetch(url, { headers: { connection: 'close' } });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: await response.text(),
  };
}

describe('tw web options', () => {
  it('defaults to loopback port 8080, the data directory, no listing, index.html', () => {
    const options = parsePluginOptions(webPlugin, {});
    expect(options).toEqual({
      listen: ['tcp:8080:interface=127.0.0.1'],
      listing: false,
      index: ['index.html'],
      servicesPage: false,
      mount: [],
      bridge: [],
      bridgeOrigins: [],
    });
  });
});

describe('serving a directory', () => {
  it('serves --path with the File resource, listing directories only with --listing', async () => {
    const www = join(dir, 'site');
    await mkdir(join(www, 'sub'), { recursive: true });
    await writeFile(join(www, 'hello.txt'), 'hello, web\n');
    await writeFile(join(www, 'sub', 'a.txt'), 'a');

    const plain = await serve({ path: www });
    expect(await get(`${plain}/hello.txt`)).toEqual({
      status: 200,
      type: 'text/plain; charset=utf-8',
      body: 'hello, web\n',
    });
    expect((await get(`${plain}/sub/`)).status).toBe(403);
    expect((await get(`${plain}/missing`)).status).toBe(404);

    const listing = await serve({ path: www, listing: true });
    const page = await get(`${listing}/sub/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('a.txt');
  });

  it('serves the first --index file found for a directory URL', async () => {
    const www = join(dir, 'site');
    await mkdir(www, { recursive: true });
    await writeFile(join(www, 'home.htm'), '<p>home</p>');
    const base = await serve({ path: www, index: ['index.html', 'home.htm'] });
    expect((await get(`${base}/`)).body).toBe('<p>home</p>');
  });

  it('refuses a --path where nothing is, as a usage error naming the option', async () => {
    const error = await makeServiceError(optionsFrom({ path: join(dir, 'nope') }), contextFor());
    expect(isTwError(error) && error.code.startsWith('TW_PLUGIN_')).toBe(true);
    expect(String(error)).toMatch(/--path.*there is nothing at/);
  });

  it('without --path serves <data dir>/www, made with the sample page when missing', async () => {
    const base = await serve({});
    const page = await get(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(`<title>${SAMPLE_PAGE_TITLE}</title>`);
    expect(await readFile(join(dir, 'data', 'www', 'index.html'), 'utf8')).toBe(page.body);
  });

  it('prepareDataDir writes the sample page once and never overwrites a page a user wrote', async () => {
    const dataDir = join(dir, 'data');
    await webPlugin.prepareDataDir!(dataDir);
    const index = join(dataDir, 'www', 'index.html');
    expect(await readFile(index, 'utf8')).toContain('href="/services"');
    await writeFile(index, 'mine');
    await webPlugin.prepareDataDir!(dataDir);
    expect(await readFile(index, 'utf8')).toBe('mine');
  });
});

describe('serving a resource module', () => {
  // Duck-typed resources: the modules live outside the repository, where @tw/http is not installed.
  const leaf = (text: string): string =>
    `{ isLeaf: true, putChild() {}, getChildWithDefault() { return this; },
       render(request) { request.setHeader('content-type', 'text/plain'); return ${text}; } }`;

  it.each([
    [
      'a default export that is a function of the reactor',
      `export default (reactor) => (${leaf("'made with ' + typeof reactor.callLater")});`,
      'made with function',
    ],
    ['an async factory', `export default async () => (${leaf("'async'")});`, 'async'],
    [
      'a `resource` export',
      `export const resource = ${leaf("'named ' + request.path")};`,
      'named /x/y',
    ],
    [
      'a class',
      `export default class Root { constructor(reactor) { this.r = reactor; } isLeaf = true; putChild() {} getChildWithDefault() { return this; } render() { return 'class ' + typeof this.r.seconds; } }`,
      'class function',
    ],
  ])('takes %s', async (_what, source, body) => {
    const module = join(dir, 'root.mjs');
    await writeFile(module, source);
    const base = await serve({ resource: module });
    expect((await get(`${base}/x/y`)).body).toBe(body);
  });

  it.each([
    ['export const other = 1;', /neither a default export nor a `resource` export/],
    ['export default 42;', /exports a number, not a resource/],
    ["export default () => { throw new Error('boom'); };", /failed making the resource: boom/],
    ['this is not javascript', /could not be loaded/],
  ])('reports a module `%s` as a usage error', async (source, message) => {
    const module = join(dir, 'bad.mjs');
    await writeFile(module, source);
    const error = await makeServiceError(optionsFrom({ resource: module }), contextFor());
    expect(isTwError(error) && error.code.startsWith('TW_PLUGIN_')).toBe(true);
    expect(String(error)).toMatch(message);
  });

  it('refuses --path and --resource together', async () => {
    const error = await makeServiceError(
      optionsFrom({ resource: join(dir, 'x.mjs'), path: dir }),
      contextFor(),
    );
    expect(String(error)).toMatch(/either --path or --resource/);
  });
});

describe('the /services page', () => {
  const listing = (service: string, port: number): RunningServiceListing => ({
    service,
    plugin: 'echo',
    endpoint: `tcp:${port}:interface=127.0.0.1`,
    address: ipv4Address('TCP', '127.0.0.1', port),
    connect: `tw connect tcp:host=127.0.0.1:port=${port} & <stuff>`,
  });

  it('lists what context.services() returns at request time, escaped', async () => {
    const rows = [listing('echo', 7000)];
    const base = await serve({ servicesPage: true }, contextFor({ services: () => rows }));
    let page = await get(`${base}/services`);
    expect(page.type).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<td>echo</td><td>echo</td><td>127.0.0.1:7000</td>');
    expect(page.body).toContain('port=7000 &amp; &lt;stuff&gt;</code>');

    rows.push(listing('<script>alert(1)</script>', 7001));
    page = await get(`${base}/services`);
    expect(page.body).toContain('<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>');
    expect(page.body).not.toContain('<script>');
    // The rest of the directory is still served.
    expect((await get(`${base}/`)).body).toContain(SAMPLE_PAGE_TITLE);
  });

  it('says there is nothing to list outside tw, and is absent unless asked for', async () => {
    const base = await serve({ servicesPage: true });
    expect((await get(`${base}/services`)).body).toContain('was not started by tw');
    const without = await serve({}, contextFor({ services: () => [listing('echo', 7000)] }));
    expect((await get(`${without}/services`)).status).toBe(404);
  });
});

describe('the connect hint', () => {
  const hint = (endpoint: string, address: Parameters<typeof webConnectHint>[0]['address']) =>
    webConnectHint({ endpoint, address, clientEndpoint: null, twCommand: 'tw' });

  it('is a curl command for TCP, IPv6, TLS and Unix sockets', () => {
    expect(hint('tcp:8080', ipv4Address('TCP', '127.0.0.1', 8080))).toBe(
      'curl http://127.0.0.1:8080/',
    );
    expect(hint('tcp:8080', ipv4Address('TCP', '0.0.0.0', 8080))).toBe(
      'curl http://127.0.0.1:8080/',
    );
    expect(hint('tcp6:8080', ipv6Address('TCP', '::1', 8080))).toBe("curl -g 'http://[::1]:8080/'");
    expect(
      hint(
        'tls:8443:privateKey=/d/k.pem:certKey=/my certs/c.pem',
        ipv4Address('TCP', '127.0.0.1', 8443),
      ),
    ).toBe("curl --cacert '/my certs/c.pem' https://127.0.0.1:8443/");
    expect(hint('unix:/tmp/web.sock', unixAddress('/tmp/web.sock'))).toBe(
      'curl --unix-socket /tmp/web.sock http://localhost/',
    );
  });
});
