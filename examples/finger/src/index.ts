/**
 * tw-finger — a Finger (RFC 1288) server built only on @tw/core's public API, with a `tw finger`
 * plugin (./plugin). A template for third-party protocol packages.
 */
export {
  parseFingerQuery,
  formatUser,
  formatUserList,
  printable,
  FingerReplies,
  VALID_USER_NAME,
  type FingerQuery,
  type FingerUser,
} from './wire.js';
export { MemoryFingerDirectory, type FingerDirectory } from './directory.js';
export { FileFingerDirectory } from './file-directory.js';
export {
  FingerServer,
  FingerFactory,
  FINGER_DEFAULTS,
  type FingerServerOptions,
} from './server.js';
export { writeSampleFingerUsers, FINGER_DATA_SUBDIR } from './sample-data.js';
