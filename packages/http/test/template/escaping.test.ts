import fc from 'fast-check';
import { parseFragment } from 'parse5';
import { describe, expect, it } from 'vitest';
import { Tag, flattenString, raw, slot, tags, type Flattenable } from '../../src/index.js';

/**
 * Escaping is checked two ways: the output never holds a markup character where text was
 * put, and a real HTML parser (parse5, as browsers parse) reads back exactly the text and
 * attribute values that went in, whatever they hold.
 */

const render = (root: Flattenable): Promise<string> => flattenString(null, root).asPromise();

// Strings rich in the characters that matter, plus any Unicode. Browsers normalise CR and drop
// NUL in text before a page's script sees it, so those two are left out of round trips.
const markupChars = fc.constantFrom(
  '&',
  '<',
  '>',
  '"',
  "'",
  '/',
  '=',
  '!',
  '-',
  ';',
  '#',
  ' ',
  '`',
  '\n',
);
const anyText = fc.string({
  unit: fc.oneof(markupChars, fc.string({ unit: 'grapheme', maxLength: 1 })),
});
const roundTrippable = anyText.map((s) => s.replace(/[\r\0]/g, ''));

interface ParsedElement {
  nodeName: string;
  attrs: { name: string; value: string }[];
  childNodes: ParsedNode[];
}
interface ParsedText {
  nodeName: '#text';
  value: string;
}
type ParsedNode = ParsedElement | ParsedText;

function parse(html: string): ParsedNode[] {
  return parseFragment(html).childNodes as unknown as ParsedNode[];
}

describe('escaping', () => {
  it('text never yields an unescaped < or > and parses back to the same text', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, async (text) => {
        const html = await render(tags.p(text));
        const inner = html.slice('<p>'.length, -'</p>'.length);
        expect(inner).not.toMatch(/[<>]/);
        expect(inner).not.toMatch(/&(?!amp;|lt;|gt;)/);
      }),
      { numRuns: 500 },
    );
    await fc.assert(
      fc.asyncProperty(roundTrippable, async (text) => {
        const [p] = parse(await render(tags.p(text))) as ParsedElement[];
        const value = p!.childNodes.map((n) => (n as ParsedText).value).join('');
        expect(value).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('attribute values never hold a bare quote, <, or & and parse back to the same value', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, async (value) => {
        const html = await render(tags.p({ title: value }));
        const quoted = html.slice('<p title="'.length, -'"></p>'.length);
        expect(quoted).not.toMatch(/["'<>]/);
        expect(quoted).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#39;)/);
      }),
      { numRuns: 500 },
    );
    await fc.assert(
      fc.asyncProperty(roundTrippable, roundTrippable, async (a, b) => {
        const html = await render(
          tags.p({ title: a, 'data-x': [b, slot('s')] }).fillSlots({ s: a }),
        );
        const [p] = parse(html) as ParsedElement[];
        expect(p!.attrs).toEqual([
          { name: 'title', value: a },
          { name: 'data-x', value: b + a },
        ]);
        expect(p!.childNodes).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('any tree of tags, text and attributes parses back to the same tree', async () => {
    const names = fc.constantFrom('div', 'span', 'p', 'b', 'em', 'section');
    type Spec = string | { name: string; attrs: Record<string, string>; children: Spec[] };
    const { tree } = fc.letrec<{ tree: Spec; node: Spec }>((tie) => ({
      node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, roundTrippable, tie('tree')),
      tree: fc.record({
        name: names,
        attrs: fc.dictionary(fc.constantFrom('title', 'class', 'data-v'), roundTrippable, {
          maxKeys: 2,
        }),
        children: fc.array(tie('node'), { maxLength: 4 }),
      }),
    }));
    const build = (spec: Spec): Flattenable =>
      typeof spec === 'string'
        ? spec
        : new Tag(spec.name, { ...spec.attrs }, spec.children.map(build));
    // What the parser gives back: adjacent text merged, empty text dropped.
    const normalise = (specs: Spec[]): unknown[] => {
      const out: unknown[] = [];
      for (const spec of specs) {
        if (typeof spec === 'string') {
          if (spec === '') continue;
          if (typeof out[out.length - 1] === 'string') out[out.length - 1] += spec;
          else out.push(spec);
        } else {
          out.push({ name: spec.name, attrs: spec.attrs, children: normalise(spec.children) });
        }
      }
      return out;
    };
    const fromParse = (nodes: ParsedNode[]): unknown[] =>
      nodes.map((node) =>
        node.nodeName === '#text'
          ? (node as ParsedText).value
          : {
              name: node.nodeName,
              attrs: Object.fromEntries(
                (node as ParsedElement).attrs.map((a) => [a.name, a.value]),
              ),
              children: fromParse((node as ParsedElement).childNodes),
            },
      );
    // <p> cannot hold block elements, so the parser would restructure them: wrap nothing in <p>.
    const blockSafe = (spec: Spec): Spec =>
      typeof spec === 'string'
        ? spec
        : {
            ...spec,
            name: spec.name === 'p' ? 'span' : spec.name,
            children: spec.children.map(blockSafe),
          };
    await fc.assert(
      fc.asyncProperty(tree, async (spec) => {
        const safe = blockSafe(spec);
        const html = await render(build(safe));
        expect(fromParse(parse(html))).toEqual(normalise([safe]));
      }),
      { numRuns: 300 },
    );
  });

  it('escapes markup written inside an attribute once more', async () => {
    const html = await render(tags.p({ title: [tags.b({ class: 'x' }, 'a & "b"')] }));
    expect(html).toBe(
      '<p title="&lt;b class=&quot;x&quot;&gt;a &amp;amp; &quot;b&quot;&lt;/b&gt;"></p>',
    );
    const [p] = parse(html) as ParsedElement[];
    expect(p!.attrs[0]!.value).toBe('<b class="x">a &amp; "b"</b>');
  });

  it('raw() inside an attribute value cannot leave the quotes', async () => {
    const html = await render(tags.a({ href: raw('" onclick="alert(1)') }));
    expect(parse(html)).toEqual([
      expect.objectContaining({
        nodeName: 'a',
        attrs: [{ name: 'href', value: '" onclick="alert(1)' }],
      }),
    ]);
  });
});
