import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Factory, Protocol, type Failure, type IProtocol } from '@tw/core';
import { forEachReactor, type ReactorHarness } from '@tw/core/testing';
import {
  Agent,
  Data,
  FileBodyProducer,
  Headers,
  Resource,
  Site,
  readBody,
} from '../../src/index.js';
import { NOT_DONE_YET, type IRequest, type RenderResult } from '../../src/interfaces.js';

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

/** POST echoes the body it received; GET says how to use it. */
class EchoBody extends Resource {
  render_GET(): RenderResult {
    return 'POST something here\n';
  }
  render_POST(request: IRequest): RenderResult {
    return `echo:${Buffer.from(request.content).toString()}`;
  }
}

/** A response written in pieces on later reactor turns: sent chunked. */
class Countdown extends Resource {
  constructor(private readonly harness: ReactorHarness) {
    super();
  }
  render_GET(request: IRequest): RenderResult {
    let n = 3;
    const tick = (): void => {
      if (request.finished) return;
      if (n === 0) {
        request.write('liftoff\n');
        request.finish();
        return;
      }
      request.write(`${n--}\n`);
      this.harness.reactor.callLater(0.01, tick);
    };
    tick();
    return NOT_DONE_YET;
  }
}

/** The site every test serves; headersTimeout is short so the Node run stays quick. */
function buildSite(harness: ReactorHarness): Site {
  const root = new Resource();
  root.putChild('', new Data('hello from the tree\n', 'text/plain; charset=utf-8'));
  root.putChild('echo', new EchoBody());
  root.putChild('countdown', new Countdown(harness));
  return new Site(harness.reactor, root, { headersTimeout: 0.3, idleTimeout: 5 });
}

/** Counts the connections a factory accepts. */
function counted(site: Site): { factory: Factory<IProtocol>; connections: () => number } {
  let connections = 0;
  const factory = Factory.forProtocol((addr) => {
    connections++;
    return site.buildProtocol(addr);
  });
  return { factory, connections: () => connections };
}

/** A raw HTTP client: writes bytes, collects the answer as latin-1. */
class RawClient extends Protocol {
  text = '';
  lost: Failure | null = null;
  override dataReceived(data: Uint8Array): void {
    this.text += latin1(data);
  }
  override connectionLost(reason: Failure): void {
    this.lost = reason;
  }
  send(text: string): void {
    this.transport.write(Buffer.from(text, 'latin1'));
  }
  /** Status codes of the responses received so far, in order. */
  statuses(): number[] {
    // Not anchored to a line start: a pipelined response follows the previous body directly.
    return [...this.text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1]));
  }
}

forEachReactor(
  'HTTP server',
  (harness) => {
    async function serve(): Promise<{ port: number; connections: () => number; agent: Agent }> {
      const { factory, connections } = counted(buildSite(harness));
      const port = await harness.listen(factory);
      const agent = new Agent(harness.clientReactor);
      harness.addCleanup(() => agent.pool.closeCachedConnections());
      return { port, connections, agent };
    }
    const url = (port: number, path: string): string =>
      `http://${harness.serverHost}:${port}${path}`;

    it('answers GET through the Agent', async () => {
      const { port, agent } = await serve();
      const response = await harness.wait(agent.request('GET', url(port, '/')));
      expect(response.code).toBe(200);
      expect(response.headers.getRawHeaders('content-type')).toEqual(['text/plain; charset=utf-8']);
      expect(Buffer.from(await harness.wait(readBody(response))).toString()).toBe(
        'hello from the tree\n',
      );
    });

    it('answers HEAD with the headers of GET and no body', async () => {
      const { port, agent } = await serve();
      const response = await harness.wait(agent.request('HEAD', url(port, '/')));
      expect(response.code).toBe(200);
      expect(response.headers.getRawHeaders('content-length')).toEqual(['20']);
      expect((await harness.wait(readBody(response))).byteLength).toBe(0);
    });

    it('receives a POST body from the Agent', async () => {
      const { port, agent } = await serve();
      const body = new FileBodyProducer(Buffer.from('a=1&b=two'));
      const response = await harness.wait(
        agent.request(
          'POST',
          url(port, '/echo'),
          new Headers({ 'content-type': ['text/plain'] }),
          body,
        ),
      );
      expect(Buffer.from(await harness.wait(readBody(response))).toString()).toBe('echo:a=1&b=two');
    });

    it('streams a response written over several turns as chunked', async () => {
      const { port, agent } = await serve();
      const response = await harness.wait(agent.request('GET', url(port, '/countdown')));
      expect(response.headers.getRawHeaders('transfer-encoding')).toEqual(['chunked']);
      expect(Buffer.from(await harness.wait(readBody(response))).toString()).toBe(
        '3\n2\n1\nliftoff\n',
      );
    });

    it('keeps the connection alive between the Agent requests', async () => {
      const { port, agent, connections } = await serve();
      for (const path of ['/', '/echo', '/']) {
        const response = await harness.wait(agent.request('GET', url(port, path)));
        await harness.wait(readBody(response));
      }
      expect(connections()).toBe(1);
    });

    it('reads a chunked request body from raw bytes', async () => {
      const { port } = await serve();
      const client = await harness.connect(
        port,
        Factory.forProtocol(() => new RawClient()),
      );
      client.send(
        'POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n' +
          '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
      );
      await harness.until(() => client.text.endsWith('echo:hello world'));
      expect(client.statuses()).toEqual([200]);
    });

    it('answers pipelined requests in order on one connection', async () => {
      const { port, connections } = await serve();
      const client = await harness.connect(
        port,
        Factory.forProtocol(() => new RawClient()),
      );
      client.send(
        'GET /countdown HTTP/1.1\r\nHost: x\r\n\r\n' +
          'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nping' +
          'GET /missing HTTP/1.1\r\nHost: x\r\n\r\n',
      );
      await harness.until(() => client.statuses().length === 3);
      expect(client.statuses()).toEqual([200, 200, 404]);
      expect(client.text.indexOf('liftoff')).toBeLessThan(client.text.indexOf('echo:ping'));
      expect(connections()).toBe(1);
    });

    it('answers 404 for unknown paths and 405 with Allow for unsupported methods', async () => {
      const { port } = await serve();
      const client = await harness.connect(
        port,
        Factory.forProtocol(() => new RawClient()),
      );
      client.send('GET /nope HTTP/1.1\r\nHost: x\r\n\r\nDELETE /echo HTTP/1.1\r\nHost: x\r\n\r\n');
      await harness.until(() => client.statuses().length === 2);
      expect(client.statuses()).toEqual([404, 405]);
      expect(client.text).toMatch(/^allow: .*POST/im);
    });

    it('times out a request whose headers never complete (408, then close)', async () => {
      const { port } = await serve();
      const client = await harness.connect(
        port,
        Factory.forProtocol(() => new RawClient()),
      );
      const sentAt = harness.reactor.seconds();
      client.send('GET / HTTP/1.1\r\nHost: x\r\n');
      await harness.until(() => client.lost !== null);
      expect(client.statuses()).toEqual([408]);
      // In virtual time the timeout is exact: no earlier than headersTimeout after the bytes.
      if (harness.network !== null) {
        expect(harness.reactor.seconds() - sentAt).toBeGreaterThanOrEqual(0.3);
      }
    });
  },
  { describe, beforeEach, afterEach },
);
