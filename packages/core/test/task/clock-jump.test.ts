import { describe, expect, it } from 'vitest';
import { Clock } from '../../src/index.js';

describe('Clock.jump', () => {
  it('runs every call that fell due, in order, all seeing the new time', () => {
    const clock = new Clock();
    const seen: string[] = [];
    clock.callLater(2, () => seen.push(`b@${clock.seconds()}`));
    clock.callLater(1, () => seen.push(`a@${clock.seconds()}`));
    clock.callLater(5, () => seen.push(`c@${clock.seconds()}`));
    clock.jump(3);
    expect(seen).toEqual(['a@3', 'b@3']);
    expect(clock.seconds()).toBe(3);
  });

  it('differs from advance(), which runs each call at its own time', () => {
    const clock = new Clock();
    const seen: number[] = [];
    clock.callLater(1, () => seen.push(clock.seconds()));
    clock.advance(3);
    expect(seen).toEqual([1]);
  });

  it('refuses to go backwards', () => {
    expect(() => new Clock().jump(-1)).toThrow(RangeError);
  });
});
