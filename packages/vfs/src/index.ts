/**
 * @tw/vfs — the public surface. Everything here is re-exported from the module that owns it.
 */
export {};
