import { Deferred } from '@tw/core';
import type { IRequest } from '../interfaces.js';
import {
  FlattenerError,
  NoRenderFactoryError,
  UnfilledSlotError,
  UnsupportedTypeError,
  VoidElementChildrenError,
} from './errors.js';
import {
  charRefMarkup,
  checkAttributeName,
  checkTagName,
  escapeAttribute,
  escapeCDATA,
  escapeComment,
  escapeText,
} from './escape.js';
import {
  CDATA,
  CharRef,
  Comment,
  RawHTML,
  Slot,
  Tag,
  isRenderable,
  type Flattenable,
  type IRenderable,
} from './nodes.js';
import { VOID_ELEMENTS } from './tags.js';

/**
 * The engine behind flatten(): a depth-first walk driven by an explicit stack of work items
 * (Twisted's _flattenTree keeps a stack of generators for the same reason), so a tree 100 000
 * tags deep costs heap, not call stack. Output is buffered and handed to the sink when the
 * buffer is full, before waiting on anything pending, and at the end — so the head of a page
 * goes out while a slow Deferred further down is still working.
 */

/** Buffered output is passed on once it reaches this many UTF-16 code units (Twisted's 64 KiB). */
const BUFFER_SIZE = 1 << 16;

/** Slot values visible at one point of the tree: the innermost Tag's first. */
interface SlotFrame {
  readonly data: ReadonlyMap<string, Flattenable>;
  readonly parent: SlotFrame | null;
}

/** The path from the root, innermost first, for FlattenerError. */
interface PathNode {
  readonly node: unknown;
  readonly parent: PathNode | null;
}

/** How to write at one point of the tree. */
interface Context {
  readonly slots: SlotFrame | null;
  /** The nearest enclosing renderable: where `render` names are looked up. */
  readonly renderFactory: IRenderable | null;
  /** How many attribute values enclose this point: each escapes everything written inside it once more. */
  readonly attributeDepth: number;
  /** Directly inside an attribute value, text is escaped only by the attribute layer. */
  readonly inAttributeValue: boolean;
  readonly path: PathNode | null;
}

const enum WorkKind {
  Node,
  Markup,
  Iterator,
  Array,
  AsyncIterator,
}

type Work =
  | { kind: WorkKind.Node; node: Flattenable; ctx: Context }
  | { kind: WorkKind.Markup; markup: string; ctx: Context }
  | { kind: WorkKind.Iterator; iterator: Iterator<Flattenable>; ctx: Context }
  | { kind: WorkKind.Array; array: readonly Flattenable[]; index: number; ctx: Context }
  | { kind: WorkKind.AsyncIterator; iterator: AsyncIterator<Flattenable>; ctx: Context };

const ROOT_CONTEXT: Context = {
  slots: null,
  renderFactory: null,
  attributeDepth: 0,
  inAttributeValue: false,
  path: null,
};

const utf8 = new TextDecoder();

/** Flatten `root`, passing text to `sink`; the Deferred fires when done or fails with FlattenerError. */
export function flattenToSink(
  request: IRequest | null,
  root: Flattenable,
  sink: (text: string) => void,
): Deferred<void> {
  return new Flattener(request, sink).start(root);
}

class Flattener {
  private readonly stack: Work[] = [];
  private buffer: string[] = [];
  private buffered = 0;
  private running = false;
  private waiting = false;
  private done = false;
  /** The Deferred being waited on, so cancelling the flatten cancels it. */
  private pending: Deferred<unknown> | null = null;
  private readonly result: Deferred<void>;

  constructor(
    private readonly request: IRequest | null,
    private readonly sink: (text: string) => void,
  ) {
    this.result = new Deferred<void>(() => this.cancel());
  }

  start(root: Flattenable): Deferred<void> {
    this.stack.push({ kind: WorkKind.Node, node: root, ctx: ROOT_CONTEXT });
    this.run();
    return this.result;
  }

  /** Process work until done, failed, or waiting on something not yet available. */
  private run(): void {
    this.running = true;
    const stack = this.stack;
    while (!this.done && !this.waiting) {
      const work = stack.pop();
      if (work === undefined) {
        this.finish();
        break;
      }
      try {
        this.step(work);
      } catch (error) {
        this.fail(error, work);
      }
    }
    this.running = false;
  }

  private step(work: Work): void {
    switch (work.kind) {
      case WorkKind.Node:
        this.flattenNode(work.node, work.ctx);
        return;
      case WorkKind.Markup:
        this.emit(work.ctx, work.markup);
        return;
      case WorkKind.Array:
        if (work.index < work.array.length) {
          const node = work.array[work.index++] as Flattenable;
          this.stack.push(work, { kind: WorkKind.Node, node, ctx: work.ctx });
        }
        return;
      case WorkKind.Iterator: {
        const next = work.iterator.next();
        if (next.done !== true) {
          this.stack.push(work, { kind: WorkKind.Node, node: next.value, ctx: work.ctx });
        }
        return;
      }
      case WorkKind.AsyncIterator:
        this.wait(work.iterator.next(), work.ctx, work, (next) => {
          const item = next as IteratorResult<Flattenable>;
          if (item.done !== true) {
            this.stack.push(work, { kind: WorkKind.Node, node: item.value, ctx: work.ctx });
          }
        });
        return;
    }
  }

  private flattenNode(node: Flattenable, ctx: Context): void {
    switch (typeof node) {
      case 'string':
        this.text(ctx, node);
        return;
      case 'number':
      case 'bigint':
        this.text(ctx, String(node));
        return;
      case 'boolean':
      case 'undefined':
        return;
      case 'function':
        this.stack.push({ kind: WorkKind.Node, node: node(this.request), ctx });
        return;
      case 'object':
        if (node === null) return;
        break;
      case 'symbol':
        throw new UnsupportedTypeError(node);
    }
    if (node instanceof Tag) this.flattenTag(node, ctx);
    else if (Array.isArray(node)) {
      this.stack.push({ kind: WorkKind.Array, array: node as Flattenable[], index: 0, ctx });
    } else if (node instanceof Slot) {
      const value = lookupSlot(node, ctx.slots);
      this.stack.push({ kind: WorkKind.Node, node: value, ctx: withPath(ctx, node) });
    } else if (node instanceof RawHTML) this.emit(ctx, node.html);
    else if (node instanceof CharRef) this.emit(ctx, charRefMarkup(node.ordinal));
    else if (node instanceof Comment) this.emit(ctx, `<!--${escapeComment(node.data)}-->`);
    else if (node instanceof CDATA) this.emit(ctx, `<![CDATA[${escapeCDATA(node.data)}]]>`);
    else if (node instanceof Uint8Array) this.text(ctx, utf8.decode(node));
    else if (isRenderable(node)) {
      const rendered = node.render(this.request);
      const inner: Context = { ...ctx, renderFactory: node, path: { node, parent: ctx.path } };
      this.stack.push({ kind: WorkKind.Node, node: rendered, ctx: inner });
    } else if (typeof (node as { then?: unknown }).then === 'function') {
      this.wait(node as PromiseLike<Flattenable>, ctx, null, (value) => {
        this.stack.push({ kind: WorkKind.Node, node: value as Flattenable, ctx });
      });
    } else if (Symbol.iterator in node) {
      this.stack.push({ kind: WorkKind.Iterator, iterator: node[Symbol.iterator](), ctx });
    } else if (Symbol.asyncIterator in node) {
      this.stack.push({
        kind: WorkKind.AsyncIterator,
        iterator: node[Symbol.asyncIterator](),
        ctx,
      });
    } else {
      throw new UnsupportedTypeError(node);
    }
  }

  private flattenTag(tag: Tag, ctx: Context): void {
    const inner: Context = {
      slots: tag.slotData === null ? ctx.slots : { data: tag.slotData, parent: ctx.slots },
      renderFactory: ctx.renderFactory,
      attributeDepth: ctx.attributeDepth,
      inAttributeValue: false,
      path: { node: tag, parent: ctx.path },
    };
    if (tag.render !== null) {
      if (ctx.renderFactory === null) throw new NoRenderFactoryError(tag.render);
      const method = ctx.renderFactory.lookupRenderMethod(tag.render);
      const copy = tag.clone(false);
      copy.render = null;
      this.stack.push({ kind: WorkKind.Node, node: method(this.request, copy), ctx: inner });
      return;
    }
    if (tag.tagName === '') {
      this.stack.push({ kind: WorkKind.Array, array: tag.children, index: 0, ctx: inner });
      return;
    }
    const name = tag.tagName;
    checkTagName(name);
    const isVoid = VOID_ELEMENTS.has(name.toLowerCase());
    if (isVoid && tag.children.length > 0) throw new VoidElementChildrenError(name);

    // Work is pushed in reverse: what goes out last is pushed first.
    const later: Work[] = [];
    if (!isVoid) {
      later.push({ kind: WorkKind.Markup, markup: `</${name}>`, ctx });
      later.push({ kind: WorkKind.Array, array: tag.children, index: 0, ctx: inner });
    }
    // Attributes with plain values are written at once; the first that needs flattening (a
    // slot, a Deferred, …) sends the rest through the stack, in order.
    let open = `<${name}`;
    const deferredAttributes: Work[] = [];
    for (const key in tag.attributes) {
      const value = tag.attributes[key];
      if (value === false || value === null || value === undefined) continue;
      checkAttributeName(key);
      if (deferredAttributes.length === 0 && isPlainAttributeValue(value)) {
        open += value === true ? ` ${key}=""` : ` ${key}="${escapeAttribute(String(value))}"`;
        continue;
      }
      const valueCtx: Context = {
        ...inner,
        attributeDepth: ctx.attributeDepth + 1,
        inAttributeValue: true,
      };
      deferredAttributes.push(
        { kind: WorkKind.Markup, markup: ` ${key}="`, ctx },
        { kind: WorkKind.Node, node: value, ctx: valueCtx },
        { kind: WorkKind.Markup, markup: '"', ctx },
      );
    }
    const close = isVoid ? ' />' : '>';
    if (deferredAttributes.length === 0) {
      this.emit(ctx, open + close);
    } else {
      this.emit(ctx, open);
      later.push({ kind: WorkKind.Markup, markup: close, ctx });
      for (let i = deferredAttributes.length - 1; i >= 0; i--) later.push(deferredAttributes[i]!);
    }
    for (const work of later) this.stack.push(work);
  }

  /**
   * Wait for `thenable`, then `onValue` pushes what comes next. A Deferred that has already
   * fired continues at once, in this loop; anything else ends the loop after the buffer is
   * flushed, and the loop restarts when it settles.
   */
  private wait(
    thenable: PromiseLike<unknown>,
    ctx: Context,
    work: Work | null,
    onValue: (value: unknown) => void,
  ): void {
    this.waiting = true;
    const settle = (ok: boolean, value: unknown): void => {
      if (this.done) return;
      this.waiting = false;
      this.pending = null;
      if (ok) onValue(value);
      else this.fail(value, work ?? { kind: WorkKind.Node, node: thenable as Flattenable, ctx });
      if (!this.running) this.run();
    };
    if (thenable instanceof Deferred) {
      // Callbacks pass the value on, so the caller's Deferred still holds it afterwards; a
      // failure is consumed here, since flatten() reports it.
      thenable.addCallbacks(
        (value: unknown) => {
          settle(true, value);
          return value;
        },
        (failure) => {
          settle(false, failure.value);
          return null;
        },
      );
      if (this.waiting) this.pending = thenable as Deferred<unknown>;
    } else {
      thenable.then(
        (value) => settle(true, value),
        (error: unknown) => settle(false, error),
      );
    }
    if (this.waiting) this.flush();
  }

  private text(ctx: Context, text: string): void {
    this.emit(ctx, ctx.inAttributeValue ? text : escapeText(text));
  }

  /** Write markup at `ctx`: once more attribute-escaped for each attribute value around it. */
  private emit(ctx: Context, markup: string): void {
    let out = markup;
    for (let i = 0; i < ctx.attributeDepth; i++) out = escapeAttribute(out);
    if (out.length === 0) return;
    this.buffer.push(out);
    this.buffered += out.length;
    if (this.buffered >= BUFFER_SIZE) this.flush();
  }

  private flush(): void {
    if (this.buffered === 0) return;
    const text = this.buffer.length === 1 ? this.buffer[0]! : this.buffer.join('');
    this.buffer = [];
    this.buffered = 0;
    this.sink(text);
  }

  private finish(): void {
    try {
      this.flush();
    } catch (error) {
      this.fail(error, null);
      return;
    }
    this.done = true;
    this.result.callback(undefined);
  }

  private fail(error: unknown, work: Work | null): void {
    if (this.done) return;
    this.done = true;
    const roots: unknown[] = [];
    for (let p = work?.ctx.path ?? null; p !== null; p = p.parent) roots.push(p.node);
    roots.reverse();
    if (work?.kind === WorkKind.Node && roots[roots.length - 1] !== work.node)
      roots.push(work.node);
    this.closeIterators();
    this.buffer = [];
    this.result.errback(error instanceof FlattenerError ? error : new FlattenerError(error, roots));
  }

  private cancel(): void {
    if (this.done) return;
    this.done = true;
    this.closeIterators();
    const pending = this.pending;
    this.pending = null;
    pending?.cancel();
  }

  /** Let generators on the stack run their `finally` blocks when flattening stops early. */
  private closeIterators(): void {
    for (const work of this.stack) {
      if (work.kind === WorkKind.Iterator || work.kind === WorkKind.AsyncIterator) {
        try {
          const closed = work.iterator.return?.();
          if (closed !== undefined && 'then' in closed) closed.then(undefined, () => undefined);
        } catch {
          // Cleanup is best effort; the flatten has already failed or been cancelled.
        }
      }
    }
    this.stack.length = 0;
  }
}

function isPlainAttributeValue(value: Flattenable): value is string | number | bigint | true {
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'bigint' || value === true;
}

function lookupSlot(node: Slot, slots: SlotFrame | null): Flattenable {
  for (let frame = slots; frame !== null; frame = frame.parent) {
    if (frame.data.has(node.name)) return frame.data.get(node.name);
  }
  if (node.default !== undefined) return node.default;
  throw new UnfilledSlotError(node.name);
}

function withPath(ctx: Context, node: unknown): Context {
  return { ...ctx, path: { node, parent: ctx.path } };
}
