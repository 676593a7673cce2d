import type { IPushProducer } from '@tw/core';
import { describe, expect, it } from 'vitest';

import type { IRequest } from '../../src/interfaces.js';
import { NOT_DONE_YET, connect } from './harness.js';

const get = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`;

describe('HTTPChannel — pipelining and flow control', () => {
  it('answers pipelined requests in order even when they finish out of order', () => {
    const pending = new Map<string, IRequest>();
    const h = connect((request) => {
      pending.set(request.path, request);
      request.write(`start ${request.path};`);
      return NOT_DONE_YET;
    });
    h.send(get('/1') + get('/2') + get('/3'));
    // All three were rendered at once, but only the first may write.
    expect(pending.size).toBe(3);
    expect(h.responses()).toHaveLength(1);
    pending.get('/3')!.write('end');
    pending.get('/3')!.finish();
    pending.get('/2')!.finish();
    expect(h.output()).not.toContain('start /2');
    pending.get('/1')!.finish();
    const bodies = h.responses().map((r) => r.body);
    expect(bodies).toEqual(['start /1;', 'start /2;', 'start /3;end']);
  });

  it('sends the responses to a pipelined batch in one write', () => {
    const h = connect((request) => `r${request.path}`);
    const calls: number[] = [];
    const writeSequence = h.transport.writeSequence.bind(h.transport);
    let inSequence = false;
    h.transport.writeSequence = (chunks) => {
      const list = [...chunks];
      calls.push(list.length);
      inSequence = true;
      writeSequence(list);
      inSequence = false;
    };
    h.transport.write = ((write) => (data: Uint8Array) => {
      if (!inSequence) calls.push(-1);
      write(data);
    })(h.transport.write.bind(h.transport));
    h.send(get('/a') + get('/b') + get('/c') + get('/d'));
    expect(calls).toEqual([4]); // one writeSequence of four responses, head and body in one buffer each
    expect(h.responses().map((r) => r.body)).toEqual(['r/a', 'r/b', 'r/c', 'r/d']);
  });

  it('stops reading past maxPipelinedRequests and resumes when answers go out', () => {
    const pending: IRequest[] = [];
    const h = connect(
      (request) => {
        pending.push(request);
        return NOT_DONE_YET;
      },
      { maxPipelinedRequests: 2 },
    );
    h.send(get('/1') + get('/2') + get('/3') + get('/4'));
    expect(pending).toHaveLength(2);
    expect(h.transport.producerState).toBe('paused');
    pending[0]!.finish();
    expect(pending).toHaveLength(3);
    pending[1]!.finish();
    pending[2]!.finish();
    pending[3]!.finish();
    expect(h.transport.producerState).toBe('producing');
    expect(h.responses()).toHaveLength(4);
  });

  it('pauses a queued request’s producer until its turn, and hands the transport to it then', () => {
    const pending: IRequest[] = [];
    const events: string[] = [];
    const h = connect((request) => {
      pending.push(request);
      return NOT_DONE_YET;
    });
    h.send(get('/1') + get('/2'));
    const producer: IPushProducer = {
      pauseProducing: () => events.push('pause'),
      resumeProducing: () => events.push('resume'),
      stopProducing: () => events.push('stop'),
    };
    pending[1]!.registerProducer(producer, true);
    expect(events).toEqual(['pause']);
    pending[0]!.finish();
    expect(events).toEqual(['pause', 'resume']);
    expect(h.transport.producer).toBe(producer);
    // The transport's buffer fills: the transport pauses the producer directly.
    pending[1]!.write('data');
    pending[1]!.unregisterProducer();
    pending[1]!.finish();
    expect(h.transport.producer).toBe(h.channel);
  });

  it('stops reading requests while the client does not read responses', () => {
    const h = connect(() => 'x');
    h.channel.pauseProducing(); // what the transport does when its write buffer is full
    expect(h.transport.producerState).toBe('paused');
    h.send(get('/1'));
    expect(h.responses()).toHaveLength(0);
    h.channel.resumeProducing();
    expect(h.transport.producerState).toBe('producing');
    expect(h.responses()).toHaveLength(1);
  });

  it('aborts a connection whose client leaves responses unread past writeTimeout', () => {
    const h = connect(() => 'x', { writeTimeout: 5 });
    h.channel.pauseProducing();
    h.clock.advance(4);
    expect(h.transport.aborted).toBe(false);
    h.clock.advance(1);
    expect(h.transport.aborted).toBe(true);
  });

  it('streams a response through a push producer with back-pressure', () => {
    let request: IRequest | null = null;
    const h = connect((r) => {
      request = r;
      return NOT_DONE_YET;
    });
    h.send(get('/stream'));
    let paused = false;
    let sent = 0;
    const producer: IPushProducer = {
      pauseProducing: () => (paused = true),
      resumeProducing: () => {
        paused = false;
      },
      stopProducing: () => undefined,
    };
    request!.registerProducer(producer, true);
    expect(h.transport.producer).toBe(producer);
    while (!paused && sent < 3) {
      request!.write(`chunk${sent++}`);
      if (sent === 2) (h.transport.producer as IPushProducer).pauseProducing(); // the transport's buffer is full
    }
    expect(sent).toBe(2);
    (h.transport.producer as IPushProducer).resumeProducing();
    expect(paused).toBe(false);
    request!.write('last');
    request!.unregisterProducer();
    request!.finish();
    expect(h.responses()[0]!.body).toBe('chunk0chunk1last');
  });
});
