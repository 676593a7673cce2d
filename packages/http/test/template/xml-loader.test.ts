import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Element,
  Slot,
  Tag,
  XMLFile,
  XMLString,
  XMLTemplateError,
  flattenString,
  renderer,
  type Flattenable,
} from './template-test-kit.js';

const T = 'xmlns:t="http://twistedmatrix.com/ns/twisted.web.template/0.1"';
const render = (root: Flattenable): Promise<string> => flattenString(null, root).asPromise();

describe('XMLString', () => {
  it('loads plain markup and drops the template namespace declaration', async () => {
    const loader = new XMLString(
      `<div ${T} class="a">Hi &amp; <b>there</b><!-- note --><br/></div>`,
    );
    expect(await render(loader.load())).toBe(
      '<div class="a">Hi &amp; <b>there</b><!-- note --><br /></div>',
    );
  });

  it('turns t:render, t:slot, t:attr and t:transparent into Tags and slots', async () => {
    const loader = new XMLString(`<ul ${T} t:render="list">
  <li t:render="item"><a><t:attr name="href">/item/<t:slot name="id"/></t:attr><t:slot name="label" default="?"/></a></li>
  <t:transparent t:render="footer"/>
</ul>`);
    const [root] = loader.load() as Tag[];
    expect(root!.tagName).toBe('ul');
    expect(root!.render).toBe('list');
    expect(root!.attributes).toEqual({});
    const li = root!.children.find((c) => c instanceof Tag) as Tag;
    const a = li.children[0] as Tag;
    expect(a.attributes['href']).toBeInstanceOf(Tag);
    expect(a.children[0]).toEqual(new Slot('label', '?'));

    class List extends Element {
      override loader = loader;
      list = renderer((_r, tag) => tag);
      item = renderer((_r, tag) =>
        [
          { id: 1, label: 'One <1>' },
          { id: 2, label: undefined },
        ].map(({ id, label }) =>
          tag.clone().fillSlots(label === undefined ? { id } : { id, label }),
        ),
      );
      footer = renderer(() => 'end');
    }
    const html = await render(new List());
    expect(html.replace(/\s+/g, ' ')).toBe(
      '<ul> <li><a href="/item/1">One &lt;1&gt;</a></li><li><a href="/item/2">?</a></li> end </ul>',
    );
  });

  it('keeps other namespaces with their prefixes', async () => {
    const loader = new XMLString(
      `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ${T}><use xlink:href="#a"/></svg>`,
    );
    expect(await render(loader.load())).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="#a"></use></svg>',
    );
  });

  it('keeps CDATA sections and escapes text decoded from entities', async () => {
    const loader = new XMLString(`<p ${T}>&lt;script&gt; &#160;<![CDATA[a < b]]></p>`);
    expect(await render(loader.load())).toBe('<p>&lt;script&gt; \u00a0<![CDATA[a < b]]></p>');
  });

  it('parses once and returns the same nodes each time', () => {
    const loader = new XMLString(`<p ${T}/>`);
    expect(loader.load()).toBe(loader.load());
  });

  it('fails with XMLTemplateError on malformed XML and misuse of the t: namespace', () => {
    for (const source of [
      '<p>unclosed',
      '<p>&nbsp;</p>',
      `<p ${T}><t:slot/></p>`,
      `<p ${T}><t:unknown/></p>`,
      `<p ${T} t:bogus="x"/>`,
      `<t:attr ${T} name="x"/>`,
    ]) {
      expect(() => new XMLString(source).load(), source).toThrow(XMLTemplateError);
    }
  });
});

describe('XMLFile', () => {
  it('reads a template file on first load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-template-'));
    try {
      const path = join(dir, 'page.xhtml');
      writeFileSync(path, `<p ${T}>Hello, <t:slot name="who"/></p>`);
      const [p] = new XMLFile(path).load() as Tag[];
      expect(await render(p!.clone().fillSlots({ who: 'file' }))).toBe('<p>Hello, file</p>');
      expect(() => new XMLFile(join(dir, 'missing.xhtml')).load()).toThrow(/ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
