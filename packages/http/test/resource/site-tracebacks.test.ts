import { Deferred } from '@tw/core';
import { describe, expect, it } from 'vitest';
import type { IRequest, RenderResult } from '../../src/interfaces.js';
import { DeferredResource } from '../../src/resource/deferred-resource.js';
import { Resource } from '../../src/resource/resource.js';
import { siteHarness } from './site-harness.js';

class Broken extends Resource {
  override isLeaf = true;
  render_GET(_request: IRequest): RenderResult {
    throw new RangeError('index <7> out of "range" & gone');
  }
}

class LateFailure extends Resource {
  override isLeaf = true;
  render_GET(request: IRequest): RenderResult {
    const later = new Deferred<Resource>();
    const inner = new DeferredResource(later);
    const result = inner.render(request);
    later.errback(new TypeError('late <failure>'));
    return result;
  }
}

describe('Site displayTracebacks', () => {
  it('is off by default: a 500 shows a generic message, not the error', () => {
    const response = siteHarness(new Broken()).request('GET', '/');
    expect(response.status).toBe(500);
    expect(response.body).toContain('An internal error occurred.');
    expect(response.body).not.toContain('index');
    expect(response.body).not.toContain('RangeError');
  });

  it('when on, shows the error and its stack, HTML-escaped', () => {
    const response = siteHarness(new Broken(), { displayTracebacks: true }).request('GET', '/');
    expect(response.status).toBe(500);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain(
      'RangeError: index &lt;7&gt; out of &quot;range&quot; &amp; gone',
    );
    expect(response.body).not.toContain('<7>');
    // The stack names the function that threw.
    expect(response.body).toMatch(/at [^\n]*render_GET/);
  });

  it('is read at each failure, so it can be switched on a running site', () => {
    const harness = siteHarness(new Broken());
    expect(harness.request('GET', '/').body).not.toContain('RangeError');
    harness.site.displayTracebacks = true;
    expect(harness.request('GET', '/').body).toContain('RangeError');
  });

  it('covers resources rendered outside the dispatch (DeferredResource failing)', () => {
    const off = siteHarness(new LateFailure()).request('GET', '/');
    expect(off.status).toBe(500);
    expect(off.body).not.toContain('late');
    const on = siteHarness(new LateFailure(), { displayTracebacks: true }).request('GET', '/');
    expect(on.status).toBe(500);
    expect(on.body).toContain('TypeError: late &lt;failure&gt;');
  });

  it('shows a thrown non-Error value as text', () => {
    class ThrowsString extends Resource {
      override isLeaf = true;
      render_GET(): RenderResult {
        throw 'plain <string>';
      }
    }
    const response = siteHarness(new ThrowsString(), { displayTracebacks: true }).request(
      'GET',
      '/',
    );
    expect(response.status).toBe(500);
    expect(response.body).toContain('plain &lt;string&gt;');
  });
});
