import { readFileSync } from 'node:fs';
import { SaxesParser, type SaxesAttributeNS, type SaxesTagNS } from 'saxes';
import type { ITemplateLoader } from './element.js';
import { XMLTemplateError } from './errors.js';
import { CDATA, Comment, Slot, Tag, type Flattenable } from './nodes.js';

/**
 * Loaders for XHTML templates written in markup (twisted.web.template's XMLString and XMLFile).
 * Markup in the template namespace drives rendering:
 *
 * ```html
 * <div xmlns:t="http://twistedmatrix.com/ns/twisted.web.template/0.1" t:render="card">
 *   <h2><t:slot name="title" default="Untitled" /></h2>
 *   <a><t:attr name="href"><t:slot name="url" /></t:attr>more</a>
 *   <t:transparent t:render="rows" />
 * </div>
 * ```
 *
 * `t:render="name"` on any element names a renderer; `<t:slot name default?>` is a slot;
 * `<t:attr name>` sets an attribute of its parent to its flattened content; `<t:transparent>`
 * writes only its children. The template must be well-formed XML: use `&#160;` rather than
 * HTML-only entities such as `&nbsp;`.
 */

/** The namespace of t:render, t:slot, t:attr and t:transparent. */
export const TEMPLATE_NAMESPACE = 'http://twistedmatrix.com/ns/twisted.web.template/0.1';

const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

/** A loader for a template held in a string; parsed once, on first load(). */
export class XMLString implements ITemplateLoader {
  private loaded: Flattenable[] | null = null;

  constructor(
    private readonly source: string,
    /** Named in parse errors. */
    private readonly fileName = '<XMLString>',
  ) {}

  load(): Flattenable[] {
    this.loaded ??= parseXMLTemplate(this.source, this.fileName);
    return this.loaded;
  }
}

/** A loader for a template file (UTF-8), read and parsed once, on first load(). */
export class XMLFile implements ITemplateLoader {
  private loaded: Flattenable[] | null = null;

  constructor(readonly path: string) {}

  load(): Flattenable[] {
    this.loaded ??= parseXMLTemplate(readFileSync(this.path, 'utf8'), this.path);
    return this.loaded;
  }
}

/** An open element of the template being built: where its children go. */
interface OpenNode {
  readonly node: Tag | Slot | null;
  readonly children: Flattenable[];
}

/** Parse an XML template into Tags, slots, comments and text. */
export function parseXMLTemplate(source: string, fileName = '<XMLString>'): Flattenable[] {
  const parser = new SaxesParser({ xmlns: true, position: true, fileName });
  const roots: Flattenable[] = [];
  const open: OpenNode[] = [{ node: null, children: roots }];
  let error: unknown = null;
  const current = (): OpenNode => open[open.length - 1]!;
  const where = (): string => `${fileName}:${parser.line}:${parser.column + 1}`;

  parser.on('error', (e) => {
    error ??= e;
  });
  parser.on('text', (text) => {
    if (open.length > 1) current().children.push(text);
  });
  parser.on('cdata', (data) => current().children.push(new CDATA(data)));
  parser.on('comment', (data) => current().children.push(new Comment(data)));
  parser.on('opentag', (tag: SaxesTagNS) => {
    const made = buildNode(tag, current(), where);
    open.push(made);
  });
  parser.on('closetag', () => {
    open.pop();
  });
  try {
    parser.write(source).close();
  } catch (e) {
    error ??= e;
  }
  if (error !== null) {
    if (error instanceof XMLTemplateError) throw error;
    throw new XMLTemplateError(
      `Cannot parse the template: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return roots;
}

function buildNode(tag: SaxesTagNS, parent: OpenNode, where: () => string): OpenNode {
  let render: string | null = null;
  const attributes: Record<string, Flattenable> = {};
  for (const attribute of Object.values(tag.attributes)) {
    if (attribute.uri === TEMPLATE_NAMESPACE) {
      if (attribute.local !== 'render') {
        throw new XMLTemplateError(
          `Unknown template attribute t:${attribute.local} at ${where()}: only t:render exists.`,
        );
      }
      render = attribute.value;
    } else if (!declaresTemplateNamespace(attribute)) {
      attributes[attribute.name] = attribute.value;
    }
  }

  if (tag.uri !== TEMPLATE_NAMESPACE) {
    const made = new Tag(tag.name, attributes, [], render);
    parent.children.push(made);
    return { node: made, children: made.children };
  }
  switch (tag.local) {
    case 'transparent': {
      const made = new Tag('', attributes, [], render);
      parent.children.push(made);
      return { node: made, children: made.children };
    }
    case 'slot': {
      const name = requireName(attributes, 'slot', where);
      const made = new Slot(name, attributes['default']);
      parent.children.push(made);
      // A slot's content is not used: children land in a list nobody reads.
      return { node: made, children: [] };
    }
    case 'attr': {
      const name = requireName(attributes, 'attr', where);
      if (!(parent.node instanceof Tag)) {
        throw new XMLTemplateError(
          `<t:attr> at ${where()} must be inside an element whose attribute it sets.`,
        );
      }
      const value = new Tag('', {}, [], render);
      parent.node.attributes[name] = value;
      return { node: value, children: value.children };
    }
    default:
      throw new XMLTemplateError(
        `Unknown template element <t:${tag.local}> at ${where()}: use t:slot, t:attr or t:transparent.`,
      );
  }
}

function requireName(
  attributes: Record<string, Flattenable>,
  element: string,
  where: () => string,
): string {
  const name = attributes['name'];
  if (typeof name !== 'string' || name === '') {
    throw new XMLTemplateError(`<t:${element}> at ${where()} needs a name attribute.`);
  }
  return name;
}

/** xmlns:t="…template…" is the template's business, not the output's. */
function declaresTemplateNamespace(attribute: SaxesAttributeNS): boolean {
  return attribute.uri === XMLNS_NAMESPACE && attribute.value === TEMPLATE_NAMESPACE;
}
