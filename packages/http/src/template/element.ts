import type { IRequest } from '../interfaces.js';
import { MissingRenderMethodError, MissingTemplateLoaderError } from './errors.js';
import type { Flattenable, IRenderable, RenderMethod } from './nodes.js';

/**
 * Element, renderer and TagLoader (twisted.web.template's). An Element pairs a template (from
 * its loader) with the renderer methods the template names:
 *
 * ```ts
 * class Greeting extends Element {
 *   constructor(private readonly who: string) {
 *     super(new TagLoader(tags.p('Hello, ', tags.span({ render: 'name' }), '!')));
 *   }
 *   @renderer name(_request: IRequest | null, tag: Tag) {
 *     return tag.add(this.who);
 *   }
 * }
 * ```
 */

/** Supplies an Element's template (twisted.web.iweb.ITemplateLoader). */
export interface ITemplateLoader {
  /** The template's nodes. Flattening never mutates them: renderers get copies. */
  load(): Flattenable[];
}

/** A loader for a template built in code with `tags`. */
export class TagLoader implements ITemplateLoader {
  constructor(readonly tag: Flattenable) {}

  load(): Flattenable[] {
    return [this.tag];
  }
}

const RENDERER = Symbol.for('tw.http.template.renderer');

/**
 * Marks a method as a renderer that templates may name with `render` (t:render in XML). Use it
 * as a standard (TC39) decorator — `@renderer rows(request, tag) { … }` — or, without
 * decorators, wrap a function: `rows = renderer((request, tag) => …)`. Only marked methods can be
 * called from a template, so a template cannot reach `constructor` or other methods.
 */
export function renderer<F extends RenderMethod>(
  method: F,
  context?: ClassMethodDecoratorContext,
): F {
  if (context !== undefined && context.kind !== 'method') {
    throw new TypeError('@renderer decorates methods only.');
  }
  Object.defineProperty(method, RENDERER, { value: true });
  return method;
}

/** True when `value` was marked with `renderer`. */
export function isRenderer(value: unknown): value is RenderMethod {
  return (
    typeof value === 'function' && (value as unknown as Record<symbol, unknown>)[RENDERER] === true
  );
}

/**
 * The base class for renderable pieces of a page (twisted.web.template.Element). Give it a
 * loader (or set `loader` in a subclass) and mark its renderer methods with `renderer`. Override
 * lookupRenderMethod() for renderers chosen at run time.
 */
export class Element implements IRenderable {
  /** Where the template comes from; a subclass may set it as a field instead. */
  loader: ITemplateLoader | null;

  constructor(loader?: ITemplateLoader | null) {
    this.loader = loader ?? null;
  }

  /** The renderer `name`, bound to this element. */
  lookupRenderMethod(name: string): RenderMethod {
    const method = (this as unknown as Record<string, unknown>)[name];
    if (!isRenderer(method)) throw new MissingRenderMethodError(this, name);
    return (request, tag) => method.call(this, request, tag);
  }

  /** The template's nodes; flattened with this element supplying their renderers. */
  render(_request: IRequest | null): Flattenable {
    if (this.loader === null) throw new MissingTemplateLoaderError(this);
    return this.loader.load();
  }
}
