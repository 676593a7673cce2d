import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ConnectTimeoutError,
  Deferred,
  Protocol,
  type IProtocol,
  type IProtocolFactory,
  type IStreamClientEndpoint,
} from '@tw/core';
import { MemoryReactor, connectedPair, type IOPump } from '@tw/core/testing';
import {
  Agent,
  BodyIdleTimeoutError,
  HTTPConnectionPool,
  ResponseFailed,
  ResponseTimeoutError,
  isTimeoutFailure,
  readBody,
  type Response,
} from '../../src/index.js';

/** A canned HTTP server: answers each request head with `respond(head)` (null: never). */
class CannedServer extends Protocol {
  received = '';
  constructor(private readonly respond: (head: string) => string | null) {
    super();
  }
  override dataReceived(data: Uint8Array): void {
    this.received += Buffer.from(data).toString('latin1');
    const end = this.received.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.received.slice(0, end);
    this.received = this.received.slice(end + 4);
    const answer = this.respond(head);
    if (answer !== null) this.transport.write(Buffer.from(answer, 'latin1'));
  }
}

/** An endpoint that connects in memory to a new CannedServer; `pumps` lets the test move bytes. */
function memoryEndpoint(
  respond: (head: string) => string | null,
  pumps: IOPump[],
  chunkSize?: number,
): IStreamClientEndpoint {
  return {
    connect<P extends IProtocol>(factory: IProtocolFactory<P>): Deferred<P> {
      const client = factory.buildProtocol({ type: 'TCP', host: '127.0.0.1', port: 80 } as never);
      if (client === null) return Deferred.fail(new Error('no protocol'));
      const pair = connectedPair(
        new CannedServer(respond),
        client,
        chunkSize === undefined ? {} : { chunkSize },
      );
      pumps.push(pair.pump);
      return Deferred.succeed(client);
    },
  };
}

function flushAll(pumps: IOPump[]): void {
  for (let i = 0; i < 5; i++) for (const pump of pumps) pump.flush();
}

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello';

describe('Agent over a memory transport', () => {
  it('requests and reads a response, whatever the chunking', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), (chunkSize) => {
        const reactor = new MemoryReactor();
        const pumps: IOPump[] = [];
        const heads: string[] = [];
        const agent = new Agent(reactor, {
          endpointFactory: () =>
            memoryEndpoint(
              (head) => {
                heads.push(head);
                return 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n';
              },
              pumps,
              chunkSize,
            ),
        });
        let body: string | null = null;
        void agent
          .request('GET', 'http://example.test/path?q')
          .addCallback((response) => readBody(response))
          .addCallback((bytes) => {
            body = Buffer.from(bytes).toString();
          });
        flushAll(pumps);
        expect(body).toBe('hello world');
        expect(heads[0]).toBe('GET /path?q HTTP/1.1\r\nHost: example.test');
      }),
      { numRuns: 30 },
    );
  });

  it('fails with ResponseTimeoutError when no response headers arrive (virtual time)', async () => {
    const reactor = new MemoryReactor();
    const pumps: IOPump[] = [];
    const agent = new Agent(reactor, {
      pool: new HTTPConnectionPool(reactor, { responseTimeout: 10 }),
      endpointFactory: () => memoryEndpoint(() => null, pumps),
    });
    let settled = false;
    const result = agent.request('GET', 'http://example.test/').addBoth((outcome) => {
      settled = true;
      return outcome;
    });
    flushAll(pumps);
    reactor.advance(9);
    expect(settled).toBe(false);
    reactor.advance(2);
    flushAll(pumps);
    await expect(result.asPromise()).rejects.toBeInstanceOf(ResponseTimeoutError);
    expect(pumps[0]?.clientTransport.disconnecting).toBe(true);
  });

  it('fails the body with a timeout when it stalls, but not while the reader pauses', async () => {
    const reactor = new MemoryReactor();
    const pumps: IOPump[] = [];
    const agent = new Agent(reactor, {
      pool: new HTTPConnectionPool(reactor, { bodyIdleTimeout: 5 }),
      endpointFactory: () =>
        memoryEndpoint(() => 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial', pumps),
    });
    let response: Response | null = null;
    void agent.request('GET', 'http://example.test/').addCallback((r) => (response = r));
    flushAll(pumps);
    expect(response).not.toBeNull();
    const body = readBody(response!);
    reactor.advance(6);
    flushAll(pumps);
    const failure = await body.asPromise().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ResponseFailed);
    expect((failure as ResponseFailed).reasons[0]?.value).toBeInstanceOf(BodyIdleTimeoutError);
    expect(isTimeoutFailure(failure)).toBe(true);
  });

  it('does not time out a body whose reader has paused it', () => {
    const reactor = new MemoryReactor();
    const pumps: IOPump[] = [];
    const agent = new Agent(reactor, {
      pool: new HTTPConnectionPool(reactor, { bodyIdleTimeout: 5 }),
      endpointFactory: () =>
        memoryEndpoint(() => 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial', pumps),
    });
    let response: Response | null = null;
    void agent.request('GET', 'http://example.test/').addCallback((r) => (response = r));
    flushAll(pumps);
    let lost = false;
    response!.deliverBody({
      makeConnection: (producer) => producer.pauseProducing(),
      dataReceived: () => undefined,
      connectionLost: () => (lost = true),
    });
    reactor.advance(60);
    expect(lost).toBe(false);
  });

  it('fails the connect with ConnectTimeoutError on the default endpoint (virtual time)', async () => {
    const reactor = new MemoryReactor();
    const agent = new Agent(reactor, { connectTimeout: 3 });
    const result = agent.request('GET', 'http://127.0.0.1:8080/');
    expect(reactor.tcpClients).toHaveLength(1);
    reactor.advance(4);
    await expect(result.asPromise()).rejects.toBeInstanceOf(ConnectTimeoutError);
  });

  it('keeps idle connections for cachedConnectionTimeout, then closes them', () => {
    const reactor = new MemoryReactor();
    const pumps: IOPump[] = [];
    const agent = new Agent(reactor, {
      pool: new HTTPConnectionPool(reactor, { cachedConnectionTimeout: 30 }),
      endpointFactory: () => memoryEndpoint(() => OK, pumps),
    });
    void agent.request('GET', 'http://example.test/').addCallback((r) => readBody(r));
    flushAll(pumps);
    expect(agent.pool.cachedConnectionCount('http://example.test:80')).toBe(1);
    reactor.advance(31);
    flushAll(pumps);
    expect(agent.pool.cachedConnectionCount('http://example.test:80')).toBe(0);
    expect(pumps[0]?.clientTransport.disconnecting).toBe(true);
  });
});
