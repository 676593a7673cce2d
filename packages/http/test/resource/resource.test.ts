import { capturedEvents } from '@tw/core/testing';
import { describe, expect, it } from 'vitest';
import { Deferred, succeed } from '@tw/core';
import {
  NOT_DONE_YET,
  type IRequest,
  type IResource,
  type RenderResult,
} from '../../src/interfaces.js';
import { DeferredResource } from '../../src/resource/deferred-resource.js';
import { Data } from '../../src/resource/data.js';
import { percentDecode } from '../../src/resource/percent-decode.js';
import {
  ErrorPage,
  ForbiddenResource,
  NoResource,
  Resource,
  computeAllowedMethods,
} from '../../src/resource/resource.js';
import { siteHarness } from './site-harness.js';

class Greeting extends Resource {
  override isLeaf = true;
  render_GET(request: IRequest): RenderResult {
    request.setHeader('content-type', 'text/plain');
    return `hello ${request.postpath.join('/')} (after ${request.prepath.join('/')})`;
  }
  render_POST(_request: IRequest): RenderResult {
    return 'posted';
  }
}

function tree(): Resource {
  const root = new Resource();
  root.putChild('', new Data('root page', 'text/plain'));
  const a = new Resource();
  root.putChild('a', a);
  a.putChild('greet', new Greeting());
  a.putChild('b c', new Data('space', 'text/plain'));
  a.putChild('x/y', new Data('slash in a name', 'text/plain'));
  a.putChild('..', new Data('a child named ..', 'text/plain'));
  root.putChild('forbidden', new ForbiddenResource());
  return root;
}

const get = (path: string, method = 'GET') => siteHarness(tree()).request(method, path);

describe('traversal', () => {
  it('renders the root child "" for /', () => {
    const response = get('/');
    expect(response.status).toBe(200);
    expect(response.body).toBe('root page');
  });

  it('walks children and hands the rest of the path to a leaf', () => {
    const response = get('/a/greet/x/y');
    expect(response.body).toBe('hello x/y (after a/greet)');
    expect(response.headers['content-length']).toBe(String(response.body.length));
    expect(response.headers['content-type']).toBe('text/plain');
  });

  it('percent-decodes each segment after splitting', () => {
    expect(get('/a/b%20c').body).toBe('space');
    expect(get('/a/x%2Fy').body).toBe('slash in a name');
    expect(get('/a/x/y').status).toBe(404);
  });

  it('treats ".." as a name, never as a step up', () => {
    expect(get('/a/..').body).toBe('a child named ..');
    // Not /forbidden: the leaf named '..' below /a renders the rest of the path.
    expect(get('/a/../forbidden').body).toBe('a child named ..');
    expect(get('/a/greet/../../forbidden').body).toBe('hello ../../forbidden (after a/greet)');
    expect(get('/a/%2E%2E').body).toBe('a child named ..');
  });

  it('answers 404 for unknown children and for "/a/" without a "" child', () => {
    const response = get('/nope');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('No Such Resource');
    expect(get('/a/').status).toBe(404);
  });

  it('answers 403 for a ForbiddenResource and for everything below it', () => {
    expect(get('/forbidden').status).toBe(403);
    expect(get('/forbidden/deeper/still').status).toBe(403);
  });

  it('lets getChild() make children on demand', () => {
    class Echo extends Resource {
      override getChild(name: string): Resource {
        return new Data(`child ${name}`, 'text/plain');
      }
    }
    expect(siteHarness(new Echo()).request('GET', '/anything%21').body).toBe('child anything!');
  });
});

describe('method dispatch', () => {
  it('calls render_<METHOD>', () => {
    expect(get('/a/greet', 'POST').body).toBe('posted');
  });

  it('answers HEAD with render_GET: its headers, no body', () => {
    const harness = siteHarness(tree());
    const [head, next] = harness.exchange(
      'HEAD /a/greet/z HTTP/1.1\r\nHost: t\r\n\r\nGET /a/greet/z HTTP/1.1\r\nHost: t\r\n\r\n',
    );
    expect(head!.status).toBe(200);
    expect(head!.headers['content-length']).toBe(String(next!.body.length));
    expect(next!.body).toBe('hello z (after a/greet)');
  });

  it('answers 405 with an Allow header listing the render methods', () => {
    const response = get('/a/greet', 'DELETE');
    expect(response.status).toBe(405);
    expect(response.headers['allow']).toBe('GET, HEAD, OPTIONS, POST');
    expect(response.body).toContain('Method Not Allowed');
  });

  it('answers OPTIONS with Allow and an empty 200', () => {
    const response = get('/a/greet', 'OPTIONS');
    expect(response.status).toBe(200);
    expect(response.headers['allow']).toBe('GET, HEAD, OPTIONS, POST');
    expect(response.headers['content-length']).toBe('0');
    expect(response.body).toBe('');
  });

  it('uses render_OPTIONS and render_HEAD when a resource has them', () => {
    class Custom extends Resource {
      override isLeaf = true;
      render_HEAD(request: IRequest): RenderResult {
        request.setHeader('x-head', 'own');
        return '';
      }
      render_OPTIONS(request: IRequest): RenderResult {
        request.setResponseCode(204);
        return '';
      }
    }
    const harness = siteHarness(new Custom());
    expect(harness.request('HEAD', '/').headers['x-head']).toBe('own');
    expect(harness.request('OPTIONS', '/').status).toBe(204);
    expect(computeAllowedMethods(new Custom())).toEqual(['HEAD', 'OPTIONS']);
  });

  it('respects an explicit allowedMethods list', () => {
    const resource = new Greeting();
    resource.allowedMethods = ['GET'];
    expect(siteHarness(resource).request('PUT', '/', {}, '').headers['allow']).toBe('GET');
  });

  it('gives a resource with no render methods 405 for GET', () => {
    const response = get('/a');
    expect(response.status).toBe(405);
    expect(response.headers['allow']).toBe('OPTIONS');
  });

  it('does not dispatch to inherited members', () => {
    expect(get('/a/greet', 'constructor').status).toBe(405);
  });

  it('leaves the response open when render returns NOT_DONE_YET', () => {
    let pending: IRequest | null = null;
    class Later extends Resource {
      override isLeaf = true;
      render_GET(request: IRequest): RenderResult {
        pending = request;
        return NOT_DONE_YET;
      }
    }
    const harness = siteHarness(new Later());
    expect(harness.exchange('GET / HTTP/1.1\r\nHost: t\r\n\r\n')).toEqual([]);
    pending!.write('later');
    pending!.finish();
    expect(harness.lastTransport!.text()).toContain('later');
  });

  it('turns a throwing render into a generic 500 page', () => {
    class Broken extends Resource {
      override isLeaf = true;
      render_GET(): RenderResult {
        throw new Error('secret detail');
      }
    }
    const log = capturedEvents();
    try {
      const response = siteHarness(new Broken()).request('GET', '/');
      expect(response.status).toBe(500);
      expect(response.body).not.toContain('secret detail');
    } finally {
      log.stop();
    }
    expect(log.events.some((e) => e.failure?.getErrorMessage() === 'secret detail')).toBe(true);
  });
});

describe('ErrorPage and Data', () => {
  it('escapes its text', () => {
    const response = siteHarness(new ErrorPage(418, '<b>tea</b>', 'a "quote" & more')).request(
      'GET',
      '/',
    );
    expect(response.status).toBe(418);
    expect(response.body).toContain('&lt;b&gt;tea&lt;/b&gt;');
    expect(response.body).toContain('a &quot;quote&quot; &amp; more');
  });

  it('NoResource takes a message', () => {
    expect(siteHarness(new NoResource('gone fishing')).request('GET', '/').body).toContain(
      'gone fishing',
    );
  });

  it('Data serves bytes with its content type for GET and HEAD only', () => {
    const harness = siteHarness(new Data(new Uint8Array([1, 2, 3]), 'application/octet-stream'));
    const response = harness.request('GET', '/any/path');
    expect(response.body).toBe('\x01\x02\x03');
    expect(response.headers['content-type']).toBe('application/octet-stream');
    const post = harness.request('POST', '/', {}, 'x');
    expect(post.status).toBe(405);
    expect(post.headers['allow']).toBe('GET, HEAD, OPTIONS');
  });
});

describe('percentDecode', () => {
  it('decodes UTF-8, keeps malformed escapes and replaces invalid UTF-8', () => {
    expect(percentDecode('%E2%82%AC')).toBe('€');
    expect(percentDecode('100%')).toBe('100%');
    expect(percentDecode('%zz%4')).toBe('%zz%4');
    expect(percentDecode('%FF')).toBe('\uFFFD');
    expect(percentDecode('%00')).toBe('\0');
  });
});

describe('DeferredResource', () => {
  it('continues traversal in the resource it fires with', () => {
    const inner = new Resource();
    inner.putChild('page', new Data('deferred page', 'text/plain'));
    const deferred = new Deferred<IResource>();
    const root = new Resource();
    root.putChild('later', new DeferredResource(deferred));
    const harness = siteHarness(root);
    expect(harness.exchange('GET /later/page HTTP/1.1\r\nHost: t\r\n\r\n')).toEqual([]);
    deferred.callback(inner);
    expect(harness.lastTransport!.text()).toMatch(/^HTTP\/1\.1 200 OK[^]*\r\n\r\ndeferred page$/);
  });

  it('answers 500 when the Deferred fails or the resource throws', () => {
    const failing = new Deferred<IResource>();
    const log = capturedEvents();
    try {
      const harness = siteHarness(new DeferredResource(failing));
      harness.exchange('GET / HTTP/1.1\r\nHost: t\r\n\r\n');
      failing.errback(new Error('backend down'));
      expect(harness.lastTransport!.text()).toMatch(/^HTTP\/1\.1 500 /);

      class Broken extends Resource {
        override isLeaf = true;
        render_GET(request: IRequest): RenderResult {
          request.setHeader('content-length', '999');
          throw new Error('late failure');
        }
      }
      const throwing = siteHarness(new DeferredResource(succeed<IResource>(new Broken())));
      const [response] = throwing.exchange('GET / HTTP/1.1\r\nHost: t\r\n\r\n');
      expect(response!.status).toBe(500);
      expect(response!.headers['content-length']).toBe(String(response!.body.length));
    } finally {
      log.stop();
    }
    expect(log.events.map((e) => e.failure?.getErrorMessage())).toEqual(
      expect.arrayContaining(['backend down', 'late failure']),
    );
  });
});
