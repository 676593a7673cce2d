/**
 * A client that shuts its sending side after its requests (HTTP/1.0 clients, `printf … | nc`)
 * still gets every answer, then the connection closes.
 */
import { describe, expect, it } from 'vitest';

import { NOT_DONE_YET, type IRequest } from '../../src/interfaces.js';
import { connect } from './harness.js';

const get = (path: string, version = '1.1'): string =>
  `GET ${path} HTTP/${version}\r\nHost: a\r\n\r\n`;

describe('HTTPChannel — the client half-closes', () => {
  it('answers a request that finishes after the EOF, then closes', () => {
    const pending: IRequest[] = [];
    const h = connect((request) => {
      pending.push(request);
      return NOT_DONE_YET;
    });
    h.send(get('/slow', '1.0'));
    h.channel.readConnectionLost();
    expect(h.transport.disconnecting).toBe(false);
    pending[0]!.write('late but there');
    pending[0]!.finish();
    expect(h.responses().map((r) => [r.status, r.body])).toEqual([[200, 'late but there']]);
    expect(h.transport.disconnecting).toBe(true);
  });

  it('answers every pipelined request, those held back by the pipelining limit included', () => {
    const pending: IRequest[] = [];
    const h = connect(
      (request) => {
        pending.push(request);
        return NOT_DONE_YET;
      },
      { maxPipelinedRequests: 2 },
    );
    h.send([1, 2, 3, 4, 5].map((n) => get(`/${n}`)).join(''));
    h.channel.readConnectionLost();
    // Two rendered; three wait in the paused parser. Finishing each lets the next in.
    for (let answered = 0; answered < 5; answered++) {
      expect(h.transport.disconnecting).toBe(false);
      const request = pending[answered]!;
      request.write(`r${request.path}`);
      request.finish();
    }
    expect(h.responses().map((r) => r.body)).toEqual(['r/1', 'r/2', 'r/3', 'r/4', 'r/5']);
    expect(h.transport.disconnecting).toBe(true);
  });

  it('closes at once when nothing was asked, and drops a request left unfinished', () => {
    const idle = connect(() => 'never');
    idle.channel.readConnectionLost();
    expect(idle.transport.disconnecting).toBe(true);

    const rendered: string[] = [];
    const h = connect((request) => {
      rendered.push(request.path);
      return 'ok';
    });
    h.send(`${get('/whole')}POST /cut HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n12345`);
    h.channel.readConnectionLost();
    expect(rendered).toEqual(['/whole']);
    expect(h.responses().map((r) => r.status)).toEqual([200]);
    expect(h.transport.disconnecting).toBe(true);
  });
});
