import { CancelledError, Deferred, succeed } from '@tw/core';
import { describe, expect, it } from 'vitest';
import {
  Element,
  FlattenerError,
  Tag,
  TagLoader,
  flatten,
  flattenString,
  renderer,
  tags,
  type Flattenable,
} from './template-test-kit.js';

/** Records what flatten() wrote, as text, chunk by chunk. */
function recorder(): { chunks: string[]; write: (chunk: Uint8Array) => void; text: () => string } {
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  return {
    chunks,
    write: (chunk) => chunks.push(decoder.decode(chunk)),
    text: () => chunks.join(''),
  };
}

describe('streaming flatten', () => {
  it('writes everything before a pending Deferred before it fires', async () => {
    const slow = new Deferred<Flattenable>();
    const out = recorder();
    const done = flatten(
      null,
      tags.html(tags.head(tags.title('T')), tags.body(tags.p(slow), tags.footer('end'))),
      out.write,
    );
    expect(done.called).toBe(false);
    expect(out.text()).toBe('<html><head><title>T</title></head><body><p>');

    slow.callback(tags.b('late'));
    expect(done.called).toBe(true);
    await done;
    expect(out.text()).toBe(
      '<html><head><title>T</title></head><body><p><b>late</b></p><footer>end</footer></body></html>',
    );
  });

  it('streams nested Deferreds one at a time, in document order', async () => {
    const outer = new Deferred<Flattenable>();
    const inner = new Deferred<Flattenable>();
    const sibling = new Deferred<Flattenable>();
    const out = recorder();
    const done = flatten(null, tags.div('a', outer, 'b', sibling, 'c'), out.write);
    expect(out.text()).toBe('<div>a');
    // A later sibling firing first is written only when its turn comes.
    sibling.callback('S');
    expect(out.text()).toBe('<div>a');
    outer.callback(tags.span('x', inner, 'y'));
    expect(out.text()).toBe('<div>a<span>x');
    inner.callback(tags.i('deep'));
    await done;
    expect(out.text()).toBe('<div>a<span>x<i>deep</i>y</span>bSc</div>');
    expect(out.chunks.length).toBe(3);
  });

  it('continues synchronously through Deferreds that have already fired', () => {
    const out = recorder();
    const done = flatten(
      null,
      tags.p(
        succeed('one'),
        succeed(2).addCallback(() => succeed('two')),
      ),
      out.write,
    );
    expect(done.called).toBe(true);
    expect(out.chunks).toEqual(['<p>onetwo</p>']);
  });

  it("leaves the value in the caller's Deferred, and a shared Deferred renders twice", async () => {
    const shared = new Deferred<Flattenable>();
    const done = flattenString(null, tags.p(shared, '|', shared));
    shared.callback('v');
    expect(await done).toBe('<p>v|v</p>');
    let seen: unknown;
    shared.addCallback((v) => {
      seen = v;
    });
    expect(seen).toBe('v');
  });

  it('awaits Promises and async iterables in place, writing each item as it comes', async () => {
    async function* rows(): AsyncGenerator<Flattenable> {
      yield tags.li('1');
      await Promise.resolve();
      yield Promise.resolve(tags.li('2'));
    }
    const out = recorder();
    await flatten(null, tags.ul(Promise.resolve(tags.li('0')), rows()), out.write);
    expect(out.text()).toBe('<ul><li>0</li><li>1</li><li>2</li></ul>');
    expect(out.chunks.length).toBeGreaterThan(1);
  });

  it('awaits Deferreds inside attribute values, escaping what they give', async () => {
    const value = new Deferred<Flattenable>();
    const out = recorder();
    const done = flatten(null, tags.a({ id: 'x', href: value, class: 'c' }, 'go'), out.write);
    expect(out.text()).toBe('<a id="x" href="');
    value.callback('/?a="1"&b');
    await done;
    expect(out.text()).toBe('<a id="x" href="/?a=&quot;1&quot;&amp;b" class="c">go</a>');
  });

  it('fails with a FlattenerError giving the path when a Deferred fails, and writes nothing more', async () => {
    const bad = new Deferred<Flattenable>();
    class Widget extends Element {
      override loader = new TagLoader(tags.div({ class: 'w' }, tags.span({ render: 'slow' })));
      slow = renderer((_r, tag) => tag.add(bad));
    }
    const out = recorder();
    const done = flatten(null, tags.body(tags.main(new Widget()), tags.footer('never')), out.write);
    bad.errback(new TypeError('backend down'));
    const error = await done.asPromise().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FlattenerError);
    const flattenerError = error as FlattenerError;
    expect(flattenerError.cause).toBeInstanceOf(TypeError);
    expect(flattenerError.message).toContain(
      '<body> > <main> > Widget > <div> > <span render="slow"> > <span>',
    );
    expect(flattenerError.roots[0]).toBeInstanceOf(Tag);
    expect(flattenerError.roots).toContainEqual(expect.any(Widget));
    expect(out.text()).toBe('<body><main><div class="w"><span>');
  });

  it('fails on a rejected Promise and on a throwing function alike', async () => {
    for (const root of [
      tags.p(Promise.reject(new Error('nope'))),
      tags.p(() => {
        throw new Error('nope');
      }),
    ]) {
      const error = await flattenString(null, root)
        .asPromise()
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(FlattenerError);
      expect(((error as FlattenerError).cause as Error).message).toBe('nope');
    }
  });

  it('fails when write throws, without writing again', async () => {
    let calls = 0;
    const pending = new Deferred<Flattenable>();
    const done = flatten(null, tags.p('a', pending, 'b'), () => {
      calls++;
      throw new Error('socket closed');
    });
    expect(done.called).toBe(true);
    await expect(done.asPromise()).rejects.toBeInstanceOf(FlattenerError);
    pending.callback('late');
    expect(calls).toBe(1);
  });

  it('cancelling stops flattening and cancels the Deferred it waits on', async () => {
    let cancelled = false;
    const pending = new Deferred<Flattenable>(() => {
      cancelled = true;
    });
    let finallyRan = false;
    function* items(): Generator<Flattenable> {
      try {
        yield pending;
        yield 'after';
      } finally {
        finallyRan = true;
      }
    }
    const out = recorder();
    const done = flatten(null, tags.p('head', items()), out.write);
    done.cancel();
    expect(cancelled).toBe(true);
    expect(finallyRan).toBe(true);
    await expect(done.asPromise()).rejects.toBeInstanceOf(CancelledError);
    expect(out.text()).toBe('<p>head');
  });

  it('flattens 100 000 nested tags without growing the stack', async () => {
    const depth = 100_000;
    let tree: Tag = tags.b('core');
    for (let i = 0; i < depth; i++) tree = tags.span(tree);
    const html = await flattenString(null, tree).asPromise();
    expect(html.length).toBe(depth * '<span></span>'.length + '<b>core</b>'.length);
    expect(html.slice(depth * 6 - 12, depth * 6 + 25)).toBe(
      '<span><span><b>core</b></span></span>',
    );
    // Deep copies are iterative too.
    expect(tree.clone().children[0]).toBeInstanceOf(Tag);
  });

  it('flattens 100 000 nested arrays, iterables, functions and Deferreds', async () => {
    let tree: Flattenable = 'x';
    for (let i = 0; i < 100_000; i++) {
      const inner: Flattenable = tree;
      switch (i % 4) {
        case 0:
          tree = [inner];
          break;
        case 1:
          tree = () => inner;
          break;
        case 2:
          tree = succeed(inner);
          break;
        default:
          tree = new Set([inner]);
      }
    }
    expect(await flattenString(null, tree).asPromise()).toBe('x');
  });

  it('reports a failure 100 000 tags deep with a bounded message', async () => {
    let tree: Tag = tags.i(() => {
      throw new Error('bottom');
    });
    for (let i = 0; i < 100_000; i++) tree = tags.div(tree);
    const error = (await flattenString(null, tree)
      .asPromise()
      .then(
        () => null,
        (e: unknown) => e,
      )) as FlattenerError;
    expect(error.roots.length).toBe(100_002);
    expect(error.message.length).toBeLessThan(1_000);
    expect(error.message).toContain('more');
  });
});
