/**
 * @tw/core/browser — the browser reactor and the browser-safe part of @tw/core.
 */
export {};
