/**
 * @tw/vfs — the public surface. Everything here is re-exported from the module that owns it.
 */
export type {
  DirectoryEntry,
  FileStat,
  FileType,
  IFileHandle,
  IFilesystem,
  OpenFlags,
  RenameOptions,
  SetAttributes,
  SymlinkPolicy,
} from './interfaces.js';
export {
  FilesystemError,
  filesystemError,
  filesystemErrorFromNode,
  isFilesystemError,
  type FilesystemErrorKind,
} from './errors.js';
export {
  resolveVirtualPath,
  resolveLinkTarget,
  virtualBasename,
  virtualDirname,
  virtualPathParts,
} from './virtual-path.js';
export { LocalFilesystem, type LocalFilesystemOptions } from './local-filesystem.js';
export { MemoryFilesystem, type MemoryFilesystemOptions } from './memory-filesystem.js';
export {
  homeDirectoryFilesystem,
  InvalidUsernameError,
  type HomeDirectoryOptions,
} from './home-directory.js';
export { readChunks, type ReadChunksOptions } from './read-chunks.js';
