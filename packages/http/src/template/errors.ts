import { TwError } from '@tw/core';

/**
 * Errors of the template system (twisted.web.template's error classes). Every error raised
 * while flattening reaches the caller wrapped in a FlattenerError that says where in the tree
 * it happened; the original is its `cause`.
 */

/** How many roots a FlattenerError message shows at each end of a long path. */
const PATH_ENDS_SHOWN = 8;

/**
 * Flattening failed: `cause` is what was thrown (or the failure a Deferred fired with) and
 * `roots` the path through the tree from the root passed to flatten() down to the node being
 * flattened — Tags, Elements and renderer names — as twisted.web.template's FlattenerError.
 */
export class FlattenerError extends TwError {
  /** The path from the outermost root to the node that failed, outermost first. */
  readonly roots: readonly unknown[];

  constructor(cause: unknown, roots: readonly unknown[]) {
    super(
      'TW_HTTP_TEMPLATE_FLATTEN',
      `Flattening failed at ${describePath(roots)}: ${messageOf(cause)}`,
      { cause },
    );
    this.roots = roots;
  }
}

/** A slot was flattened with no value filled in by any enclosing Tag and no default. */
export class UnfilledSlotError extends TwError {
  readonly slotName: string;
  constructor(slotName: string) {
    super(
      'TW_HTTP_TEMPLATE_UNFILLED_SLOT',
      `Slot "${slotName}" was not filled: call fillSlots({ ${JSON.stringify(slotName)}: … }) on an enclosing Tag, or give the slot a default.`,
    );
    this.slotName = slotName;
  }
}

/** A Tag names a renderer that the enclosing Element does not have (or that is not marked with `renderer`). */
export class MissingRenderMethodError extends TwError {
  readonly rendererName: string;
  constructor(element: unknown, rendererName: string) {
    super(
      'TW_HTTP_TEMPLATE_MISSING_RENDER_METHOD',
      `${describeNode(element)} has no renderer "${rendererName}": define the method and mark it with @renderer.`,
    );
    this.rendererName = rendererName;
  }
}

/** A Tag with a `render` name was flattened outside any Element to look the renderer up on. */
export class NoRenderFactoryError extends TwError {
  constructor(rendererName: string) {
    super(
      'TW_HTTP_TEMPLATE_NO_RENDER_FACTORY',
      `A tag wants to be rendered by "${rendererName}" but is not inside any Element: render it through an Element whose template contains it.`,
    );
  }
}

/** An Element has no loader to give it a template. */
export class MissingTemplateLoaderError extends TwError {
  constructor(element: unknown) {
    super(
      'TW_HTTP_TEMPLATE_MISSING_LOADER',
      `${describeNode(element)} has no template loader: pass one to the constructor (new TagLoader(tag), new XMLString(text)) or override render().`,
    );
  }
}

/** The tree held a value the flattener does not know how to serialise (a plain object, a symbol, …). */
export class UnsupportedTypeError extends TwError {
  readonly value: unknown;
  constructor(value: unknown) {
    super(
      'TW_HTTP_TEMPLATE_UNSUPPORTED_TYPE',
      `Cannot flatten ${describeValue(value)}: use strings, numbers, Tags, slots, raw(), Elements, arrays, iterables, functions or Deferreds/Promises of these.`,
    );
    this.value = value;
  }
}

/** A tag or attribute name that would not survive as one name in HTML (spaces, quotes, '>', '=', …). */
export class InvalidMarkupNameError extends TwError {
  constructor(kind: 'tag' | 'attribute', name: string) {
    super(
      'TW_HTTP_TEMPLATE_INVALID_NAME',
      `Invalid ${kind} name ${JSON.stringify(name)}: ${kind === 'tag' ? 'tag names start with a letter and hold letters, digits, "-", "_", ".", ":"' : 'attribute names must not hold spaces, control characters, quotes, "<", ">", "/" or "="'}.`,
    );
  }
}

/** A void element (br, img, …) was given children, which HTML cannot express. */
export class VoidElementChildrenError extends TwError {
  constructor(tagName: string) {
    super(
      'TW_HTTP_TEMPLATE_VOID_CHILDREN',
      `<${tagName}> is a void element and cannot have children: put them beside it instead.`,
    );
  }
}

/** A CharRef whose ordinal is not a Unicode scalar value HTML allows in a character reference. */
export class InvalidCharRefError extends TwError {
  constructor(ordinal: number) {
    super(
      'TW_HTTP_TEMPLATE_INVALID_CHARREF',
      `CharRef(${ordinal}) is not a valid character reference: use an integer code point from 1 to 0x10FFFF that is not a surrogate.`,
    );
  }
}

/** An XML template could not be parsed, or used the t: namespace wrongly. */
export class XMLTemplateError extends TwError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TW_HTTP_TEMPLATE_XML', message, options);
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return describeValue(error);
}

/** `<html> > <body> > MyElement > renderer "rows" > <tr>`, with the middle of long paths elided. */
export function describePath(roots: readonly unknown[]): string {
  if (roots.length === 0) return '(the root)';
  const shown =
    roots.length <= PATH_ENDS_SHOWN * 2
      ? roots.map(describeNode)
      : [
          ...roots.slice(0, PATH_ENDS_SHOWN).map(describeNode),
          `… ${roots.length - PATH_ENDS_SHOWN * 2} more …`,
          ...roots.slice(-PATH_ENDS_SHOWN).map(describeNode),
        ];
  return shown.join(' > ');
}

/** A short human description of one root of a FlattenerError path. */
export function describeNode(node: unknown): string {
  if (typeof node === 'object' && node !== null) {
    const described = (node as { describe?: unknown }).describe;
    if (typeof described === 'function') return String((described as () => unknown).call(node));
    const ctor = (node as { constructor?: { name?: string } }).constructor;
    if (ctor?.name !== undefined && ctor.name !== 'Object') return ctor.name;
  }
  return describeValue(node);
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'object' && value !== null) {
    const ctor = (value as { constructor?: { name?: string } }).constructor;
    return ctor?.name !== undefined ? `a ${ctor.name} object` : 'an object';
  }
  return String(value);
}
