import { describe, expect, it } from 'vitest';
import {
  CDATA,
  CharRef,
  Comment,
  FlattenerError,
  InvalidCharRefError,
  InvalidMarkupNameError,
  Tag,
  UnsupportedTypeError,
  VoidElementChildrenError,
  flatten,
  flattenString,
  raw,
  tags,
  type Flattenable,
} from '../../src/index.js';

const render = (root: Flattenable): Promise<string> => flattenString(null, root).asPromise();

async function failureOf(root: Flattenable): Promise<FlattenerError> {
  const error = await render(root).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FlattenerError);
  return error as FlattenerError;
}

describe('flatten: markup', () => {
  it('writes tags, attributes and children in order', async () => {
    const tree = tags.div(
      { class: 'box', id: 'main' },
      'Hello ',
      tags.span('world'),
      tags.a({ href: '/x?a=1&b=2' }, 'link'),
    );
    expect(await render(tree)).toBe(
      '<div class="box" id="main">Hello <span>world</span><a href="/x?a=1&amp;b=2">link</a></div>',
    );
  });

  it('writes void elements without a closing tag and rejects children on them', async () => {
    expect(await render(tags.p('a', tags.br(), 'b', tags.img({ src: 'x.png', alt: '' })))).toBe(
      '<p>a<br />b<img src="x.png" alt="" /></p>',
    );
    const error = await failureOf(tags.div(tags.br('no')));
    expect(error.cause).toBeInstanceOf(VoidElementChildrenError);
  });

  it('closes empty non-void elements explicitly', async () => {
    expect(await render(tags.script({ src: 'a.js' }))).toBe('<script src="a.js"></script>');
  });

  it('renders booleans, null and undefined as nothing, numbers and bigints as text', async () => {
    expect(await render(tags.p(true, false, null, undefined, 0, 1.5, -2, 10n))).toBe(
      '<p>01.5-210</p>',
    );
  });

  it('treats true attributes as present and false/null/undefined ones as absent', async () => {
    const input = tags.input({
      type: 'checkbox',
      checked: true,
      disabled: false,
      title: null,
      x: undefined,
    });
    expect(await render(input)).toBe('<input type="checkbox" checked="" />');
  });

  it('flattens arrays, nested arrays, generators and Sets in order', async () => {
    function* items(): Generator<Flattenable> {
      yield tags.li('1');
      yield [tags.li('2'), [tags.li('3')]];
    }
    expect(await render(tags.ul(items(), new Set(['x', 'y'])))).toBe(
      '<ul><li>1</li><li>2</li><li>3</li>xy</ul>',
    );
  });

  it('calls functions with the request and flattens what they return', async () => {
    const seen: unknown[] = [];
    const tree = tags.p((request) => {
      seen.push(request);
      return tags.b('made');
    });
    expect(await render(tree)).toBe('<p><b>made</b></p>');
    expect(seen).toEqual([null]);
  });

  it('decodes Uint8Array children as UTF-8 text and escapes them', async () => {
    expect(await render(tags.p(new TextEncoder().encode('é <b>')))).toBe('<p>é &lt;b&gt;</p>');
  });

  it('writes transparent tags as their children only', async () => {
    expect(await render(tags.transparent('a', tags.i('b')))).toBe('a<i>b</i>');
  });

  it('writes CharRef, Comment, CDATA and raw()', async () => {
    expect(await render(tags.p(new CharRef(160), new CharRef(0x1f600)))).toBe(
      '<p>&#160;&#128512;</p>',
    );
    expect(await render(new Comment('hi -- there >'))).toBe('<!--hi - -  there &gt;-->');
    expect(await render(new Comment('ends with -'))).toBe('<!--ends with - -->');
    expect(await render(new CDATA('a]]>b'))).toBe('<![CDATA[a]]]]><![CDATA[>b]]>');
    expect(await render(tags.div(raw('<b>bold</b> &amp;')))).toBe('<div><b>bold</b> &amp;</div>');
  });

  it('rejects character references that are not scalar values', async () => {
    for (const ordinal of [0, -1, 0xd800, 0x110000, 1.5]) {
      const error = await failureOf(tags.p(new CharRef(ordinal)));
      expect(error.cause).toBeInstanceOf(InvalidCharRefError);
    }
  });

  it('rejects tag and attribute names that would break the markup', async () => {
    for (const name of ['a b', 'x>', '1a', '', 'a"']) {
      if (name === '') continue; // '' is transparent
      const error = await failureOf(new Tag(name));
      expect(error.cause).toBeInstanceOf(InvalidMarkupNameError);
    }
    for (const name of [
      'on click',
      'a"b',
      "a'b",
      'a>b',
      'a=b',
      'a/b',
      '',
      'a\u0000',
      'a\u007f',
      'a<b',
    ]) {
      const error = await failureOf(new Tag('p', { [name]: 'v' }));
      expect(error.cause).toBeInstanceOf(InvalidMarkupNameError);
    }
    expect(
      await render(new Tag('my-widget', { '@click': 'go()', 'x-on:input': 'y', 'data-x': 1 })),
    ).toBe('<my-widget @click="go()" x-on:input="y" data-x="1"></my-widget>');
  });

  it('fails with UnsupportedTypeError for plain objects and symbols', async () => {
    const error = await failureOf(tags.p(Symbol('s') as unknown as Flattenable));
    expect(error.cause).toBeInstanceOf(UnsupportedTypeError);
    const objectError = await failureOf(tags.div(tags.p('x', { a: 1 } as unknown as Flattenable)));
    expect(objectError.cause).toBeInstanceOf(UnsupportedTypeError);
    expect(objectError.message).toContain('<div> > <p>');
  });

  it('flatten() hands UTF-8 bytes to write', async () => {
    const chunks: Uint8Array[] = [];
    await flatten(null, tags.p('naïve ☃'), (chunk) => chunks.push(chunk));
    expect(chunks.every((c) => c instanceof Uint8Array)).toBe(true);
    expect(Buffer.concat(chunks).toString('utf8')).toBe('<p>naïve ☃</p>');
  });

  it('writes large documents in chunks of bounded size', async () => {
    const chunks: Uint8Array[] = [];
    const rows = Array.from({ length: 20_000 }, (_, i) => tags.li(`row ${i}`));
    await flatten(null, tags.ul(rows), (chunk) => chunks.push(chunk));
    expect(chunks.length).toBeGreaterThan(3);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(70_000 * 3);
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text.startsWith('<ul><li>row 0</li>')).toBe(true);
    expect(text.endsWith('<li>row 19999</li></ul>')).toBe(true);
  });

  it('Tag.add() mutates and returns the tag, as calling a Tag does in Twisted', () => {
    const tag = tags.p();
    expect(tag.add({ class: 'a' }, 'x').add('y')).toBe(tag);
    expect(tag.attributes).toEqual({ class: 'a' });
    expect(tag.children).toEqual(['x', 'y']);
    expect(tags.p({ render: 'r' }).render).toBe('r');
  });

  it('clone() copies deeply by default and shallowly on request', () => {
    const inner = tags.span('x');
    const tag = tags
      .div({ title: [tags.b('t')] }, inner, [tags.i('y')])
      .fillSlots({ s: tags.em() });
    const deep = tag.clone();
    expect(deep).not.toBe(tag);
    expect(deep.children[0]).not.toBe(inner);
    expect(deep.children[0]).toEqual(inner);
    expect((deep.children[1] as Tag[])[0]).not.toBe((tag.children[1] as Tag[])[0]);
    expect((deep.attributes['title'] as Tag[])[0]).not.toBe((tag.attributes['title'] as Tag[])[0]);
    expect(deep.slotData?.get('s')).not.toBe(tag.slotData?.get('s'));
    const shallow = tag.clone(false);
    expect(shallow.children).not.toBe(tag.children);
    expect(shallow.children[0]).toBe(inner);
  });
});
