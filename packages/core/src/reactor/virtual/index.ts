/**
 * @tw/core/virtual — the virtual-time reactor and its simulated network of named hosts.
 */
export {};
