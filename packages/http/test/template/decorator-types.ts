/**
 * Type-level check of `@renderer` as a standard decorator: compiled by `tsc -p
 * tsconfig.test.json` (the package's typecheck), never run — Vitest's transformer cannot lower
 * standard decorators (decorators.test.ts runs them through tsc's emitter instead).
 */
import { Element, TagLoader, renderer, slot, tags, type Tag } from '../../src/index.js';
import type { IRequest } from '../../src/interfaces.js';

export class UserList extends Element {
  constructor(private readonly store: { names(): Promise<string[]> }) {
    super(new TagLoader(tags.ul({ class: 'users' }, tags.li({ render: 'user' }, slot('name')))));
  }

  @renderer
  async user(_request: IRequest | null, tag: Tag) {
    const names = await this.store.names();
    return names.map((name) => tag.clone().fillSlots({ name }));
  }

  @renderer
  title(_request: IRequest | null, tag: Tag): Tag {
    return tag.add('Users');
  }
}
