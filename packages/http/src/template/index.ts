/**
 * Templates in the spirit of twisted.web.template: tags built in TypeScript or loaded from
 * XHTML, slots, renderers, escaping by default, and streaming flattening.
 */
export {
  Tag,
  Slot,
  slot,
  CharRef,
  Comment,
  CDATA,
  RawHTML,
  raw,
  isRenderable,
  type Flattenable,
  type FlattenableThenable,
  type FlattenableIterable,
  type FlattenableAsyncIterable,
  type FlattenableFunction,
  type RenderMethod,
  type IRenderable,
  type Attributes,
  type AttributeValue,
  type TagArguments,
} from './nodes.js';
export {
  tags,
  VOID_ELEMENTS,
  HTML_TAG_NAMES,
  type HTMLTagName,
  type TagFactory,
  type TagFactories,
} from './tags.js';
export { Element, TagLoader, renderer, isRenderer, type ITemplateLoader } from './element.js';
export { XMLString, XMLFile, parseXMLTemplate, TEMPLATE_NAMESPACE } from './xml-loader.js';
export { flatten, flattenString } from './flatten.js';
export { renderElement, type RenderElementOptions } from './render-element.js';
export {
  FlattenerError,
  UnfilledSlotError,
  MissingRenderMethodError,
  NoRenderFactoryError,
  MissingTemplateLoaderError,
  UnsupportedTypeError,
  InvalidMarkupNameError,
  VoidElementChildrenError,
  InvalidCharRefError,
  XMLTemplateError,
} from './errors.js';
