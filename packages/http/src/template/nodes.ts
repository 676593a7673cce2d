import type { IRequest } from '../interfaces.js';

/**
 * The nodes of a template tree (twisted.web.template's Tag, slot, CharRef, Comment, CDATA) and
 * raw(), the one way to put markup into the output unescaped.
 */

/**
 * Anything flatten() can serialise. Strings and numbers become escaped text; booleans, null and
 * undefined become nothing; arrays and iterables are flattened in order; functions are called
 * with the request and their result flattened; Deferreds, Promises and other thenables are
 * awaited in place (what comes before them is written first); Elements render themselves.
 */
export type Flattenable =
  | string
  | number
  | bigint
  | boolean
  | null
  | undefined
  | Uint8Array
  | Tag
  | Slot
  | CharRef
  | Comment
  | CDATA
  | RawHTML
  | IRenderable
  | FlattenableThenable
  | FlattenableIterable
  | FlattenableAsyncIterable
  | FlattenableFunction;

/** A Deferred, Promise or other thenable of something flattenable. */
export type FlattenableThenable = PromiseLike<Flattenable>;
/** An array, generator or other iterable of flattenable things. */
export type FlattenableIterable = Iterable<Flattenable>;
/** An async iterable: each item is written as soon as it arrives. */
export type FlattenableAsyncIterable = AsyncIterable<Flattenable>;
/** Called with the request at flatten time; the result is flattened in its place. */
export type FlattenableFunction = (request: IRequest | null) => Flattenable;

/** A renderer method: gets the request and a copy of the tag that named it (without `render`). */
export type RenderMethod = (request: IRequest | null, tag: Tag) => Flattenable;

/**
 * Something that renders itself and supplies the renderer methods its template names
 * (twisted.web.iweb.IRenderable). `Element` is the usual implementation.
 */
export interface IRenderable {
  /** The tree to flatten in this renderable's place; its `render` names are looked up here. */
  render(request: IRequest | null): Flattenable;
  /** The renderer called `name` (bound), or throw MissingRenderMethodError. */
  lookupRenderMethod(name: string): RenderMethod;
}

/** True for objects that render themselves (duck-typed, as Elements from other copies must pass). */
export function isRenderable(value: unknown): value is IRenderable {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { render?: unknown }).render === 'function' &&
    typeof (value as { lookupRenderMethod?: unknown }).lookupRenderMethod === 'function'
  );
}

/**
 * An attribute value. Strings and numbers are escaped for a double-quoted attribute; `true`
 * writes the attribute with an empty value (`disabled=""`) and `false`/`null`/`undefined` leave
 * it out. Slots, Deferreds and arrays are flattened into the value, escaped the same way.
 */
export type AttributeValue = Flattenable;

/** Attributes given to a tag factory or Tag.add(). The key `render` names a renderer instead. */
export type Attributes = Readonly<Record<string, AttributeValue>>;

/** What a tag factory and Tag.add() take: optionally an attributes object, then children. */
export type TagArguments = [attributes?: Attributes | Flattenable, ...children: Flattenable[]];

/**
 * A placeholder filled at flatten time from the nearest enclosing Tag whose fillSlots() named
 * it, or from its default (twisted.web.template.slot).
 */
export class Slot {
  /** Used when no enclosing Tag fills the slot; `undefined` means "no default: fail". */
  readonly default: Flattenable;

  constructor(
    readonly name: string,
    defaultValue: Flattenable = undefined,
  ) {
    this.default = defaultValue;
  }

  describe(): string {
    return `slot "${this.name}"`;
  }
}

/** A slot placeholder: `slot('title')`, or `slot('title', 'Untitled')` with a default. */
export function slot(name: string, defaultValue?: Flattenable): Slot {
  return new Slot(name, defaultValue);
}

/** A numeric character reference, written as `&#N;` (twisted.web.template.CharRef). */
export class CharRef {
  constructor(readonly ordinal: number) {}
}

/** An HTML comment; `--` and `>` inside are defused so the data cannot end it early. */
export class Comment {
  constructor(readonly data: string) {}
}

/** A CDATA section (meaningful in XHTML, SVG and MathML); `]]>` inside is split safely. */
export class CDATA {
  constructor(readonly data: string) {}
}

/** Markup written exactly as given. Made by raw(); nothing else skips escaping. */
export class RawHTML {
  constructor(readonly html: string) {}
}

/**
 * Markup to write without escaping — the only way to inject raw HTML. Never pass it text that
 * came from a user. Inside an attribute value it is still escaped for the attribute, so it
 * cannot break out of the quotes.
 */
export function raw(html: string): RawHTML {
  return new RawHTML(html);
}

/**
 * An element of the tree: a name, attributes, children, optional slot values and an optional
 * renderer name (twisted.web.template.Tag). A Tag whose tagName is '' writes only its children
 * (`tags.transparent`).
 */
export class Tag {
  /** Attribute name → value, in insertion order. */
  attributes: Record<string, AttributeValue>;
  children: Flattenable[];
  /** The renderer method of the enclosing Element that renders this tag, or null. */
  render: string | null;
  /** Slot values set by fillSlots(), visible to every slot below this tag. */
  slotData: Map<string, Flattenable> | null = null;

  constructor(
    readonly tagName: string,
    attributes: Record<string, AttributeValue> = {},
    children: Flattenable[] = [],
    render: string | null = null,
  ) {
    this.attributes = attributes;
    this.children = children;
    this.render = render;
  }

  /**
   * Add attributes and children and return this tag — Twisted's `tag(*children, **attrs)`. The
   * first argument is taken as attributes when it is a plain object (`{ class: 'x' }`); the key
   * `render` sets the renderer name rather than an attribute.
   */
  add(...args: TagArguments): this {
    let start = 0;
    if (args.length > 0 && isAttributesObject(args[0])) {
      start = 1;
      for (const [key, value] of Object.entries(args[0])) {
        if (key === 'render')
          this.render = value === null || value === undefined ? null : String(value);
        else this.attributes[key] = value;
      }
    }
    for (let i = start; i < args.length; i++) this.children.push(args[i] as Flattenable);
    return this;
  }

  /** Set slot values for every slot below this tag; later calls add to or replace earlier ones. */
  fillSlots(
    values: Readonly<Record<string, Flattenable>> | ReadonlyMap<string, Flattenable>,
  ): this {
    this.slotData ??= new Map();
    const entries = values instanceof Map ? values.entries() : Object.entries(values);
    for (const [key, value] of entries as Iterable<[string, Flattenable]>)
      this.slotData.set(key, value);
    return this;
  }

  /**
   * A copy of this tag. Deep (the default) copies child Tags, arrays, attribute values and slot
   * values all the way down, without recursion, so very deep trees copy safely; shallow copies
   * only this tag's own lists.
   */
  clone(deep = true): Tag {
    if (!deep) {
      const copy = new Tag(
        this.tagName,
        { ...this.attributes },
        this.children.slice(),
        this.render,
      );
      if (this.slotData !== null) copy.slotData = new Map(this.slotData);
      return copy;
    }
    return deepCloneTag(this);
  }

  describe(): string {
    if (this.tagName === '')
      return this.render === null ? '<transparent>' : `<transparent render="${this.render}">`;
    return this.render === null ? `<${this.tagName}>` : `<${this.tagName} render="${this.render}">`;
  }
}

/** A plain object literal (not a Tag, array, thenable, Element or other class instance). */
export function isAttributesObject(value: unknown): value is Attributes {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  return typeof (value as { then?: unknown }).then !== 'function';
}

/**
 * Deep copy with an explicit work list: each pending entry copies one Tag's attribute values,
 * children and slot values into the already-allocated copy, pushing child Tags (and Tags found
 * inside arrays) as further work.
 */
function deepCloneTag(root: Tag): Tag {
  const work: Array<[source: Tag, copy: Tag]> = [];
  const copyValue = (value: Flattenable): Flattenable => {
    if (value instanceof Tag) {
      const copy = new Tag(value.tagName, {}, [], value.render);
      work.push([value, copy]);
      return copy;
    }
    if (Array.isArray(value)) return copyArray(value as Flattenable[]);
    return value;
  };
  // Arrays nest rarely and shallowly in practice, but copy them iteratively all the same.
  const copyArray = (source: Flattenable[]): Flattenable[] => {
    const out: Flattenable[] = [];
    const arrays: Array<[Flattenable[], Flattenable[]]> = [[source, out]];
    for (let pair = arrays.pop(); pair !== undefined; pair = arrays.pop()) {
      const [from, to] = pair;
      for (const item of from) {
        if (Array.isArray(item)) {
          const inner: Flattenable[] = [];
          to.push(inner);
          arrays.push([item as Flattenable[], inner]);
        } else {
          to.push(copyValue(item));
        }
      }
    }
    return out;
  };
  const rootCopy = new Tag(root.tagName, {}, [], root.render);
  work.push([root, rootCopy]);
  for (let next = work.pop(); next !== undefined; next = work.pop()) {
    const [source, copy] = next;
    for (const [key, value] of Object.entries(source.attributes))
      copy.attributes[key] = copyValue(value);
    for (const child of source.children) copy.children.push(copyValue(child));
    if (source.slotData !== null) {
      copy.slotData = new Map();
      for (const [key, value] of source.slotData) copy.slotData.set(key, copyValue(value));
    }
  }
  return rootCopy;
}
