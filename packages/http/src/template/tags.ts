import { Tag, type TagArguments } from './nodes.js';

/**
 * `tags`: one factory per HTML element (twisted.web.template.tags). Each call makes a fresh Tag:
 *
 * ```ts
 * tags.ul({ class: 'menu' }, tags.li(tags.a({ href: '/' }, 'Home')), tags.li({ render: 'user' }))
 * ```
 *
 * A first argument that is a plain object holds the attributes (`render` in it names a
 * renderer); every other argument is a child. `tags.transparent(...)` makes a Tag that writes
 * only its children — handy to hold slots or a renderer. For any other name, `new Tag(name)`.
 */

/** Elements with no end tag: written as `<br />`; giving them children is an error. */
export const VOID_ELEMENTS: ReadonlySet<string> = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
  // Obsolete, but still parsed as void by browsers.
  'basefont',
  'bgsound',
  'frame',
  'keygen',
  'param',
]);

/** The element names `tags` has a factory for (HTML's elements, as Twisted's list). */
export const HTML_TAG_NAMES = [
  'a', 'abbr', 'address', 'area', 'article', 'aside', 'audio', 'b', 'base', 'bdi', 'bdo',
  'blockquote', 'body', 'br', 'button', 'canvas', 'caption', 'cite', 'code', 'col', 'colgroup',
  'data', 'datalist', 'dd', 'del', 'details', 'dfn', 'dialog', 'div', 'dl', 'dt', 'em', 'embed',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'head', 'header', 'hgroup', 'hr', 'html', 'i', 'iframe', 'img', 'input', 'ins', 'kbd',
  'label', 'legend', 'li', 'link', 'main', 'map', 'mark', 'menu', 'meta', 'meter', 'nav',
  'noscript', 'object', 'ol', 'optgroup', 'option', 'output', 'p', 'param', 'picture', 'pre',
  'progress', 'q', 'rp', 'rt', 'ruby', 's', 'samp', 'script', 'search', 'section', 'select',
  'slot', 'small', 'source', 'span', 'strong', 'style', 'sub', 'summary', 'sup', 'svg', 'table',
  'tbody', 'td', 'template', 'textarea', 'tfoot', 'th', 'thead', 'time', 'title', 'tr', 'track',
  'u', 'ul', 'var', 'video', 'wbr',
] as const; // prettier-ignore

export type HTMLTagName = (typeof HTML_TAG_NAMES)[number];

/** Makes a new Tag: `factory(attributes?, ...children)`. */
export type TagFactory = (...args: TagArguments) => Tag;

/** One factory per HTML element, plus `transparent` (a Tag with no markup of its own). */
export type TagFactories = { readonly [K in HTMLTagName | 'transparent']: TagFactory };

function factoryFor(name: string): TagFactory {
  return (...args) => new Tag(name).add(...args);
}

function buildTags(): TagFactories {
  const out: Record<string, TagFactory> = { transparent: factoryFor('') };
  for (const name of HTML_TAG_NAMES) out[name] = factoryFor(name);
  return Object.freeze(out) as TagFactories;
}

/** The HTML element factories. */
export const tags: TagFactories = buildTags();
