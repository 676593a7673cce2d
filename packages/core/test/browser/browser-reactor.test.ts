import { describe, expect, it } from 'vitest';

import {
  BrowserReactor,
  ConnectionDone,
  ConnectionLost,
  ConnectionRefusedError,
  ConnectTimeoutError,
  ConnectingCancelledError,
  ConnectError,
  Factory,
  NoWebSocketError,
  Protocol,
  UnknownEndpointSchemeError,
  UnsupportedReactorFeature,
  browserClientFromString,
  type Failure,
  type IPushProducer,
} from '@tw/core/browser';

import { FakePage, FakeWebSocket, ManualTimers } from './fake-browser.js';

class Recorder extends Protocol {
  readonly received: Uint8Array[] = [];
  made = 0;
  lostReason: Failure | null = null;

  override connectionMade(): void {
    this.made++;
  }

  override dataReceived(data: Uint8Array): void {
    this.received.push(data);
  }

  override connectionLost(reason: Failure): void {
    this.lostReason = reason;
  }

  text(): string {
    return this.received.map((b) => new TextDecoder().decode(b)).join('');
  }
}

function setup(options: { transport?: object } = {}) {
  FakeWebSocket.instances.length = 0;
  const timers = new ManualTimers();
  const page = new FakePage();
  const errors: unknown[] = [];
  const reactor = new BrowserReactor({
    webSocket: FakeWebSocket,
    timers,
    pageEvents: page,
    pageURL: 'http://127.0.0.1:7080/irc/',
    onError: (e) => errors.push(e),
    ...(options.transport === undefined ? {} : { transport: options.transport }),
  });
  return { reactor, timers, page, errors };
}

/** Connect a Recorder through `ws:path=/irc/ws` and open the socket. */
function connected(env: ReturnType<typeof setup>) {
  let protocol: Recorder | undefined;
  browserClientFromString(env.reactor, 'ws:path=/irc/ws')
    .connect(Factory.forProtocol(() => new Recorder()))
    .addCallback((p) => {
      protocol = p;
    });
  const socket = FakeWebSocket.instances.at(-1)!;
  socket.serverOpens();
  return { socket, protocol: protocol! };
}

describe('BrowserReactor time', () => {
  it('runs calls when their time comes, in time order, never synchronously', () => {
    const { reactor, timers } = setup();
    const log: string[] = [];
    reactor.callLater(2, () => log.push('two'));
    reactor.callLater(1, (x: string) => log.push(x), 'one');
    reactor.callLater(0, () => log.push('zero'));
    expect(log).toEqual([]);
    timers.advance(1.5);
    expect(log).toEqual(['zero', 'one']);
    expect(reactor.seconds()).toBeCloseTo(1.5);
    timers.advance(1);
    expect(log).toEqual(['zero', 'one', 'two']);
    expect(reactor.getDelayedCalls()).toHaveLength(0);
  });

  it('cancels, resets and delays calls', () => {
    const { reactor, timers } = setup();
    const log: string[] = [];
    const cancelled = reactor.callLater(1, () => log.push('cancelled'));
    const reset = reactor.callLater(1, () => log.push('reset'));
    const delayed = reactor.callLater(1, () => log.push('delayed'));
    cancelled.cancel();
    expect(cancelled.active()).toBe(false);
    expect(() => cancelled.cancel()).toThrow();
    reset.reset(3);
    delayed.delay(1);
    expect(delayed.getTime()).toBeCloseTo(2);
    expect(reactor.getDelayedCalls()).toHaveLength(2);
    timers.advance(2);
    expect(log).toEqual(['delayed']);
    timers.advance(1);
    expect(log).toEqual(['delayed', 'reset']);
    expect(timers.pendingCount).toBe(0);
  });

  it('reports a call that throws and keeps running the others', () => {
    const { reactor, timers, errors } = setup();
    const log: string[] = [];
    reactor.callLater(1, () => {
      throw new Error('boom');
    });
    reactor.callLater(1, () => log.push('after'));
    timers.advance(1);
    expect(errors).toHaveLength(1);
    expect(log).toEqual(['after']);
  });

  it('rejects a negative delay', () => {
    const { reactor } = setup();
    expect(() => reactor.callLater(-1, () => undefined)).toThrow(RangeError);
  });
});

describe('BrowserReactor lifecycle', () => {
  it('fires startup triggers and callWhenRunning, then shutdown triggers on stop()', () => {
    const { reactor, timers } = setup();
    const log: string[] = [];
    reactor.addSystemEventTrigger('before', 'startup', () => log.push('startup'));
    reactor.addSystemEventTrigger('before', 'shutdown', () => log.push('shutdown'));
    reactor.callWhenRunning(() => log.push('running'));
    let stopped = false;
    reactor.run().addCallback(() => {
      stopped = true;
    });
    expect(reactor.running).toBe(true);
    expect(log).toEqual(['startup', 'running']);
    reactor.stop();
    timers.advance(0);
    expect(log).toEqual(['startup', 'running', 'shutdown']);
    expect(stopped).toBe(true);
    expect(reactor.running).toBe(false);
  });

  it('stops when the page is hidden for good, not when it goes to the back/forward cache', () => {
    const { reactor, timers, page } = setup();
    const log: string[] = [];
    reactor.addSystemEventTrigger('during', 'shutdown', () => log.push('shutdown'));
    reactor.run();
    page.dispatch('pagehide', { persisted: true });
    timers.advance(0);
    expect(reactor.running).toBe(true);
    page.dispatch('pagehide', { persisted: false });
    timers.advance(0);
    expect(log).toEqual(['shutdown']);
    expect(reactor.running).toBe(false);
    expect(page.listenerCount('pagehide')).toBe(0);
  });

  it('closes open WebSockets with 1000 on shutdown and waits for them', () => {
    const env = setup();
    env.reactor.run();
    const { socket, protocol } = connected(env);
    let stopped = false;
    env.reactor.addSystemEventTrigger('after', 'shutdown', () => {
      stopped = true;
    });
    env.reactor.stop();
    env.timers.advance(0);
    expect(socket.closeCalls).toEqual([{ code: 1000, reason: undefined }]);
    expect(stopped).toBe(false);
    socket.closes(1000);
    expect(stopped).toBe(true);
    expect(protocol.lostReason?.check(ConnectionDone)).toBeTruthy();
  });
});

describe('BrowserReactor refuses what a page cannot do', () => {
  it('throws UnsupportedReactorFeature for TCP, TLS, Unix, UDP and processes', () => {
    const { reactor } = setup();
    expect(() => reactor.listenTCP()).toThrow(UnsupportedReactorFeature);
    expect(() => reactor.connectTCP()).toThrow(/connectTCP.*WebSocket/s);
    expect(() => reactor.spawnProcess()).toThrow(UnsupportedReactorFeature);
    expect(() => browserClientFromString(reactor, 'tcp:host=a:port=1')).toThrow(
      UnknownEndpointSchemeError,
    );
  });
});

describe('ws:/wss: endpoints in the browser', () => {
  it('resolves path= against the page, and takes url= and host= forms', () => {
    const { reactor } = setup();
    const factory = Factory.forProtocol(() => new Recorder());
    browserClientFromString(reactor, 'ws:path=/irc/ws').connect(factory);
    browserClientFromString(reactor, 'wss:host=chat.example.org:path=/x').connect(factory);
    browserClientFromString(reactor, 'ws:url=ws\\://10.0.0.1\\:81/y:subprotocol=irc').connect(
      factory,
    );
    expect(FakeWebSocket.instances.map((s) => s.url)).toEqual([
      'ws://127.0.0.1:7080/irc/ws',
      'wss://chat.example.org/x',
      'ws://10.0.0.1:81/y',
    ]);
    expect(FakeWebSocket.instances[2]!.protocols).toEqual(['irc']);
    expect(() => browserClientFromString(reactor, 'wss:url=ws\\://a/')).toThrow(/scheme is wss/);
    expect(() => browserClientFromString(reactor, 'ws:path=x')).toThrow(/path must start/);
  });

  it('fails with ConnectionRefusedError when the socket closes before opening', () => {
    const { reactor } = setup();
    let failure: Failure | undefined;
    browserClientFromString(reactor, 'ws:path=/irc/ws')
      .connect(Factory.forProtocol(() => new Recorder()))
      .addErrback((f: Failure) => {
        failure = f;
      });
    FakeWebSocket.instances[0]!.closes(1006, false);
    expect(failure?.check(ConnectionRefusedError)).toBeTruthy();
  });

  it('fails with ConnectError when the browser refuses the URL, NoWebSocketError without a class', () => {
    class Refusing extends FakeWebSocket {
      constructor(url: string) {
        super(url);
        throw new SyntaxError('The URL contains a fragment identifier.');
      }
    }
    const timers = new ManualTimers();
    const refusing = new BrowserReactor({ webSocket: Refusing, timers, pageEvents: null });
    const failures: Failure[] = [];
    refusing
      .connectWebSocket(
        'ws://h/#x',
        Factory.forProtocol(() => new Recorder()),
      )
      .addErrback((f: Failure) => void failures.push(f));
    const bare = new BrowserReactor({ webSocket: null, timers, pageEvents: null });
    bare
      .connectWebSocket(
        'ws://h/',
        Factory.forProtocol(() => new Recorder()),
      )
      .addErrback((f: Failure) => void failures.push(f));
    expect(failures.map((f) => f.value)).toEqual([
      expect.any(ConnectError),
      expect.any(NoWebSocketError),
    ]);
    expect(failures[0]!.getErrorMessage()).toMatch(/fragment identifier/);
  });

  it('times out, and can be cancelled', () => {
    const { reactor, timers } = setup();
    const failures: Failure[] = [];
    browserClientFromString(reactor, 'ws:path=/a:timeout=5')
      .connect(Factory.forProtocol(() => new Recorder()))
      .addErrback((f: Failure) => void failures.push(f));
    const pending = browserClientFromString(reactor, 'ws:path=/b').connect(
      Factory.forProtocol(() => new Recorder()),
    );
    pending.addErrback((f: Failure) => void failures.push(f));
    pending.cancel();
    timers.advance(5);
    expect(failures.map((f) => f.value)).toEqual([
      expect.any(ConnectingCancelledError),
      expect.any(ConnectTimeoutError),
    ]);
    expect(FakeWebSocket.instances.every((s) => s.closeCalls.length === 1)).toBe(true);
  });
});

describe('BrowserWebSocketTransport', () => {
  it('hands binary and text messages to the protocol as bytes and writes binary messages', () => {
    const env = setup();
    const { socket, protocol } = connected(env);
    expect(socket.binaryType).toBe('arraybuffer');
    expect(protocol.made).toBe(1);
    socket.serverSends(new TextEncoder().encode('PING :a\r\n').buffer);
    socket.serverSends('PING :b\r\n');
    expect(protocol.received.every((b) => b instanceof Uint8Array)).toBe(true);
    expect(protocol.text()).toBe('PING :a\r\nPING :b\r\n');
    protocol.transport!.write(new TextEncoder().encode('PONG :a\r\n'));
    protocol.transport!.writeSequence([
      new TextEncoder().encode('PONG '),
      new TextEncoder().encode(':b\r\n'),
    ]);
    expect(socket.sent).toHaveLength(2);
    expect(socket.sentText()).toBe('PONG :a\r\nPONG :b\r\n');
    expect(protocol.transport!.getPeer()).toMatchObject({
      family: 'custom',
      url: 'ws://127.0.0.1:7080/irc/ws',
    });
  });

  it('maps a clean 1000 close to ConnectionDone and anything else to ConnectionLost', () => {
    const env = setup();
    const first = connected(env);
    first.socket.closes(1000);
    expect(first.protocol.lostReason?.check(ConnectionDone)).toBeTruthy();
    const second = connected(env);
    second.socket.closes(1006, false);
    expect(second.protocol.lostReason?.check(ConnectionLost)).toBeTruthy();
    expect(second.protocol.lostReason?.getErrorMessage()).toMatch(/1006/);
    const third = connected(env);
    third.socket.closes(1011, true, 'server error');
    expect(third.protocol.lostReason?.check(ConnectionLost)).toBeTruthy();
    expect(env.reactor.openTransports.size).toBe(0);
  });

  it('loseConnection() waits for buffered data to leave, then closes with 1000', () => {
    const env = setup();
    const { socket, protocol } = connected(env);
    protocol.transport!.write(new Uint8Array([1, 2, 3]));
    socket.bufferedAmount = 3;
    protocol.transport!.loseConnection();
    expect(protocol.transport!.disconnecting).toBe(true);
    protocol.transport!.write(new Uint8Array([4]));
    expect(socket.sent).toHaveLength(1);
    env.timers.advance(0.2);
    expect(socket.closeCalls).toEqual([]);
    socket.bufferedAmount = 0;
    env.timers.advance(0.1);
    expect(socket.closeCalls).toEqual([{ code: 1000, reason: undefined }]);
  });

  it('abortConnection() closes at once and reports ConnectionLost', () => {
    const env = setup();
    const { socket, protocol } = connected(env);
    socket.bufferedAmount = 100;
    protocol.transport!.abortConnection();
    expect(socket.closeCalls[0]!.code).toBe(4000);
    socket.closes(4000, true);
    expect(protocol.lostReason?.check(ConnectionLost)).toBeTruthy();
  });

  it('pauses a streaming producer above the high-water mark and resumes it below the low one', () => {
    const env = setup({ transport: { highWaterMark: 100, lowWaterMark: 10 } });
    const { socket, protocol } = connected(env);
    const log: string[] = [];
    const producer: IPushProducer = {
      pauseProducing: () => log.push('pause'),
      resumeProducing: () => log.push('resume'),
      stopProducing: () => log.push('stop'),
    };
    protocol.transport!.registerProducer(producer, true);
    protocol.transport!.write(new Uint8Array(50));
    socket.bufferedAmount = 50;
    expect(log).toEqual([]);
    protocol.transport!.write(new Uint8Array(80));
    socket.bufferedAmount = 130;
    protocol.transport!.write(new Uint8Array(1));
    expect(log).toEqual(['pause']);
    socket.bufferedAmount = 40;
    env.timers.advance(0.5);
    expect(log).toEqual(['pause']);
    socket.bufferedAmount = 5;
    env.timers.advance(0.1);
    expect(log).toEqual(['pause', 'resume']);
    socket.closes(1006, false);
    expect(log).toEqual(['pause', 'resume', 'stop']);
  });

  it('asks a pull producer for more once the buffer has drained', () => {
    const env = setup({ transport: { highWaterMark: 100, lowWaterMark: 10 } });
    const { socket, protocol } = connected(env);
    let pulls = 0;
    protocol.transport!.registerProducer(
      {
        resumeProducing: () => {
          pulls++;
          if (pulls <= 3) protocol.transport!.write(new Uint8Array(20));
        },
        stopProducing: () => undefined,
      },
      false,
    );
    expect(pulls).toBe(1);
    socket.bufferedAmount = 20;
    env.timers.advance(0.2);
    expect(pulls).toBe(1);
    socket.bufferedAmount = 0;
    env.timers.advance(0.1);
    env.timers.advance(0);
    env.timers.advance(0);
    expect(pulls).toBe(4);
  });

  it('holds data while paused, and cuts off a peer that sends past maxPausedBytes', () => {
    const env = setup({ transport: { maxPausedBytes: 10 } });
    const { socket, protocol } = connected(env);
    protocol.transport!.pauseProducing();
    socket.serverSends('abc');
    socket.serverSends('def');
    expect(protocol.received).toHaveLength(0);
    protocol.transport!.resumeProducing();
    expect(protocol.text()).toBe('abcdef');
    protocol.transport!.pauseProducing();
    socket.serverSends('0123456789ab');
    expect(socket.closeCalls[0]!.code).toBe(4000);
    socket.closes(4000, true);
    expect(protocol.lostReason?.getErrorMessage()).toMatch(/maxPausedBytes/);
    expect(protocol.text()).toBe('abcdef');
  });

  it('drops the connection of a protocol whose dataReceived throws', () => {
    const env = setup();
    const { socket, protocol } = connected(env);
    protocol.dataReceived = () => {
      throw new Error('bad input');
    };
    socket.serverSends('x');
    expect(socket.closeCalls[0]!.code).toBe(4000);
    socket.closes(4000, true);
    expect(protocol.lostReason?.getErrorMessage()).toBe('bad input');
  });
});
