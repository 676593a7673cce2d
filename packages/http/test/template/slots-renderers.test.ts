import { describe, expect, it } from 'vitest';
import {
  Element,
  FlattenerError,
  MissingRenderMethodError,
  MissingTemplateLoaderError,
  NoRenderFactoryError,
  Tag,
  TagLoader,
  UnfilledSlotError,
  flattenString,
  renderer,
  slot,
  succeedLater,
  tags,
  type Flattenable,
  type IRequest,
} from './template-test-kit.js';

const render = (root: Flattenable, request: IRequest | null = null): Promise<string> =>
  flattenString(request, root).asPromise();

async function failureOf(root: Flattenable): Promise<FlattenerError> {
  const error = await render(root).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FlattenerError);
  return error as FlattenerError;
}

describe('slots', () => {
  it('are filled from the nearest enclosing tag that names them', async () => {
    const tree = tags
      .div(slot('a'), tags.span(slot('a'), slot('b')).fillSlots({ a: 'inner' }))
      .fillSlots({ a: 'outer', b: tags.b('bold') });
    expect(await render(tree)).toBe('<div>outer<span>inner<b>bold</b></span></div>');
  });

  it('fill attribute values, and accept a Map', async () => {
    const tree = tags.a({ href: slot('url'), title: ['Go to ', slot('name')] }, slot('name'));
    tree.fillSlots(
      new Map<string, Flattenable>([
        ['url', '/a?x="1"'],
        ['name', 'A & B'],
      ]),
    );
    expect(await render(tree)).toBe(
      '<a href="/a?x=&quot;1&quot;" title="Go to A &amp; B">A &amp; B</a>',
    );
  });

  it('use their default when unfilled, and fail naming the slot when there is none', async () => {
    expect(await render(tags.p(slot('x', 'fallback'), slot('y', null)))).toBe('<p>fallback</p>');
    const error = await failureOf(tags.div(tags.p(slot('missing'))));
    expect(error.cause).toBeInstanceOf(UnfilledSlotError);
    expect((error.cause as UnfilledSlotError).slotName).toBe('missing');
    expect(error.roots.map((r) => (r instanceof Tag ? r.tagName : r))).toEqual([
      'div',
      'p',
      slot('missing'),
    ]);
    expect(error.message).toContain('<div> > <p> > slot "missing"');
    expect(error.code).toBe('TW_HTTP_TEMPLATE_FLATTEN');
  });

  it('may hold Deferreds and further slots', async () => {
    const tree = tags.p(slot('a')).fillSlots({ a: succeedLater([slot('b'), '!']), b: 'deep' });
    expect(await render(tree)).toBe('<p>deep!</p>');
  });
});

class Card extends Element {
  constructor(
    private readonly title: string,
    private readonly items: string[],
  ) {
    super(
      new TagLoader(
        tags.section(
          { class: 'card', render: 'wrapper' },
          tags.h2({ render: 'heading' }),
          tags.ul(tags.li({ render: 'item' }, slot('text'))),
        ),
      ),
    );
  }

  // The field form of renderer(): Vitest 4's transformer (oxc) does not lower TC39
  // decorators; decorators.test.ts checks the @renderer form through tsc.
  wrapper = renderer((_request, tag) => tag.add({ 'data-count': this.items.length }));
  heading = renderer((_request, tag) => tag.add(this.title));
  item = renderer((_request, tag) => this.items.map((text) => tag.clone().fillSlots({ text })));
}

describe('Element and renderers', () => {
  it('renders its template with @renderer methods', async () => {
    expect(await render(new Card('Fruit <3', ['apple', 'pear']))).toBe(
      '<section class="card" data-count="2"><h2>Fruit &lt;3</h2><ul><li>apple</li><li>pear</li></ul></section>',
    );
  });

  it('gives renderers the request and a copy of the tag, leaving the template untouched', async () => {
    const template = tags.p({ render: 'mark', class: 'x' }, 'body');
    const seen: { request: unknown; tag: Tag }[] = [];
    class Marker extends Element {
      mark = renderer((request, tag) => {
        seen.push({ request, tag });
        return tag.add({ class: 'y' }, '!');
      });
    }
    const request = { marker: true } as unknown as IRequest;
    const element = new Marker(new TagLoader(template));
    expect(await render(element, request)).toBe('<p class="y">body!</p>');
    expect(await render(element, request)).toBe('<p class="y">body!</p>');
    expect(seen[0]!.request).toBe(request);
    expect(seen[0]!.tag).not.toBe(template);
    expect(seen[0]!.tag.render).toBeNull();
    expect(template.children).toEqual(['body']);
    expect(template.attributes).toEqual({ class: 'x' });
  });

  it('refuses to call methods not marked as renderers', async () => {
    const error = await failureOf(secretUser());
    expect(error.cause).toBeInstanceOf(MissingRenderMethodError);
    expect((error.cause as MissingRenderMethodError).rendererName).toBe('secret');
    for (const name of ['constructor', 'toString', 'lookupRenderMethod', 'render']) {
      const e = await failureOf(new Element(new TagLoader(tags.p({ render: name }))));
      expect(e.cause).toBeInstanceOf(MissingRenderMethodError);
    }
  });

  it('fails clearly for a render name outside any Element, and an Element without loader', async () => {
    const error = await failureOf(tags.div(tags.p({ render: 'x' })));
    expect(error.cause).toBeInstanceOf(NoRenderFactoryError);
    const noLoader = await failureOf(tags.div(new Element()));
    expect(noLoader.cause).toBeInstanceOf(MissingTemplateLoaderError);
  });

  it('nests Elements: each looks renderers up on the nearest one', async () => {
    class Inner extends Element {
      constructor() {
        super(new TagLoader(tags.span({ render: 'who' })));
      }
      who = renderer((_r, tag) => tag.add('inner'));
    }
    class Outer extends Element {
      constructor() {
        super(
          new TagLoader(tags.div(tags.b({ render: 'who' }), tags.transparent({ render: 'child' }))),
        );
      }
      who = renderer((_r, tag) => tag.add('outer'));
      child = renderer(() => new Inner());
    }
    expect(await render(new Outer())).toBe('<div><b>outer</b><span>inner</span></div>');
  });

  it('lets renderers return Deferreds, Promises and other Elements', async () => {
    class Slow extends Element {
      override loader = new TagLoader(tags.p({ render: 'later' }));
      later = renderer((_r, tag) => Promise.resolve(succeedLater(tag.add('done'))));
    }
    expect(await render(tags.div(new Slow()))).toBe('<div><p>done</p></div>');
  });

  it('reports the path through Elements and renderers when a renderer throws', async () => {
    class Broken extends Element {
      override loader = new TagLoader(tags.div(tags.p({ render: 'boom' })));
      boom = renderer(() => {
        throw new RangeError('kaboom');
      });
    }
    const error = await failureOf(tags.body(new Broken()));
    expect(error.cause).toBeInstanceOf(RangeError);
    expect(error.message).toContain('<body> > Broken > <div> > <p render="boom">');
    expect(error.message).toContain('RangeError: kaboom');
  });
});

function secretUser(): Flattenable {
  class Sneaky extends Element {
    override loader = new TagLoader(tags.p({ render: 'secret' }));
    /** Not marked with @renderer: a template must not be able to call it. */
    secret(): string {
      return 'leaked';
    }
  }
  return new Sneaky();
}
