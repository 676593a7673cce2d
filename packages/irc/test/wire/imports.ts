/**
 * The wire layer's names, from its own modules (so these tests do not depend on the rest of
 * the package compiling); index.test.ts checks the package entry re-exports them.
 */
export * from '../../src/wire/errors.js';
export * from '../../src/wire/message.js';
export * from '../../src/wire/tags.js';
export * from '../../src/wire/parser.js';
export * from '../../src/wire/line-decoder.js';
export * from '../../src/wire/limits.js';
export * from '../../src/wire/serializer.js';
export * from '../../src/wire/split-text.js';
export * from '../../src/wire/latin1.js';
export * from '../../src/wire/casemapping.js';
export * from '../../src/wire/isupport.js';
export * from '../../src/wire/modes.js';
export * from '../../src/wire/ctcp.js';
export * from '../../src/wire/numerics.js';
export * from '../../src/wire/masks.js';
export * from '../../src/wire/names.js';
export * from '../../src/wire/membership.js';
export { isTwError as isTwErrorCode } from '@tw/core';
