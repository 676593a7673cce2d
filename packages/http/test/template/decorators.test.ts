import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  Element,
  MissingRenderMethodError,
  TagLoader,
  flattenString,
  renderer,
  tags,
  type Flattenable,
} from '../../src/index.js';

/**
 * `@renderer` as a TC39 decorator, compiled by TypeScript itself (our tsconfig: ES2022,
 * no experimentalDecorators). Vitest's own transformer does not lower standard decorators,
 * so the class is compiled here with tsc's emitter and run.
 */
const SOURCE = `
class Greeting extends Element {
  constructor(who) {
    super(new TagLoader(tags.p('Hello, ', tags.b({ render: 'name' }), tags.i({ render: 'plain' }))));
    this.who = who;
  }
  @renderer
  name(_request, tag) {
    return tag.add(this.who);
  }
  plain(_request, tag) {
    return tag.add('never');
  }
}
return Greeting;
`;

function compileGreeting(): new (who: string) => Element {
  const { outputText } = ts.transpileModule(SOURCE, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None },
  });
  expect(outputText).toContain('__esDecorate');
  const factory = new Function('Element', 'TagLoader', 'tags', 'renderer', outputText) as (
    ...args: unknown[]
  ) => new (who: string) => Element;
  return factory(Element, TagLoader, tags, renderer);
}

describe('@renderer as a standard decorator', () => {
  it('marks the method so templates can call it, with `this` bound', async () => {
    const Greeting = compileGreeting();
    const greeting = new Greeting('<you>');
    const method = greeting.lookupRenderMethod('name');
    expect(await flattenString(null, method(null, tags.b()) as Flattenable).asPromise()).toBe(
      '<b>&lt;you&gt;</b>',
    );
    expect(() => greeting.lookupRenderMethod('plain')).toThrow(MissingRenderMethodError);
  });

  it('refuses to decorate anything but methods', () => {
    const context = { kind: 'field', name: 'x' } as unknown as ClassMethodDecoratorContext;
    expect(() => renderer(() => null, context)).toThrow(TypeError);
  });
});
