import { TwError } from '@tw/core';
import { describe, expect, it } from 'vitest';
import { connect } from './harness.js';

/** An error a site's parseBodyArgs throws when the body is the client's fault. */
class BodyRefused extends TwError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super('TW_TEST_BODY_REFUSED', message);
  }
}

function post(body: string, extra = ''): string {
  return `POST /f HTTP/1.1\r\nHost: t\r\nContent-Length: ${body.length}\r\n${extra}\r\n${body}`;
}

describe('HTTPChannel: errors from site.parseBodyArgs', () => {
  it.each([400, 413, 415, 422])(
    'answers a thrown %i with that status, without rendering',
    (status) => {
      let renders = 0;
      const h = connect(
        () => {
          renders++;
          return 'rendered';
        },
        {},
        {
          parseBodyArgs: () => {
            throw new BodyRefused(status, 'field <x> & "y" refused');
          },
        },
      );
      h.send(post('a=1') + 'GET /next HTTP/1.1\r\nHost: t\r\n\r\n');
      const [refused, next] = h.responses();
      expect(refused!.status).toBe(status);
      expect(refused!.headers['content-type']).toBe('text/html; charset=utf-8');
      // The message reaches the client, escaped: it may quote what the client sent.
      expect(refused!.body).toContain('field &lt;x&gt; &amp; &quot;y&quot; refused');
      expect(refused!.body).not.toContain('<x>');
      // The body was read in full, so the connection carries on.
      expect(next!.status).toBe(200);
      expect(next!.body).toBe('rendered');
      expect(renders).toBe(1);
    },
  );

  it('answers 500 with a generic page for any other throw', () => {
    const h = connect(
      () => 'rendered',
      {},
      {
        parseBodyArgs: () => {
          throw new Error('database down at 10.0.0.7');
        },
      },
    );
    h.send(post('a=1'));
    const [response] = h.responses();
    expect(response!.status).toBe(500);
    expect(response!.body).not.toContain('10.0.0.7');
  });

  it('treats a status outside 4xx as a server error', () => {
    const h = connect(
      () => 'rendered',
      {},
      {
        parseBodyArgs: () => {
          throw new BodyRefused(503, 'busy');
        },
      },
    );
    h.send(post('a=1'));
    expect(h.responses()[0]!.status).toBe(500);
  });
});
