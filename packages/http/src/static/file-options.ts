/**
 * The options of the File resource, their defaults, and the reasons for them.
 */
import { DEFAULT_CONTENT_TYPE } from './content-type.js';
import { DEFAULT_CHUNK_SIZE } from './static-producer.js';
import { DEFAULT_MAX_RANGES } from './range.js';

export interface FileOptions {
  /** List a directory that has no index file (default false: 403). */
  readonly directoryListing?: boolean;
  /** Files served for a directory URL ending in '/', first found wins (default ['index.html']). */
  readonly indexNames?: readonly string[];
  /** Serve files reached through symlinks pointing out of the root (default false: 403). */
  readonly followSymlinksOutsideRoot?: boolean;
  /** The Cache-Control header of file responses (default none). */
  readonly cacheControl?: string | null;
  /** gzip compressible responses when the client's Accept-Encoding allows it (default true). */
  readonly gzip?: boolean;
  /**
   * Files smaller than this are sent as they are (default 1024 bytes): gzip's 18 bytes of
   * framing and the loss of Content-Length are not worth it.
   */
  readonly gzipMinSize?: number;
  /** zlib compression level 1–9 (default 6, zlib's own default). */
  readonly gzipLevel?: number;
  /** Most ranges one request may ask for before getting 416 (default 16). */
  readonly maxRanges?: number;
  /** Bytes read per chunk while streaming (default 64 KiB). */
  readonly chunkSize?: number;
  /** Content types by extension ('md' or '.md' → 'text/markdown'), before mime-types' table. */
  readonly contentTypes?: Readonly<Record<string, string>>;
  /** The type of files with no known extension (default application/octet-stream). */
  readonly defaultType?: string;
  /** Most entries a directory listing shows (default 10 000); the rest are left out. */
  readonly maxDirectoryEntries?: number;
  /**
   * Put the inode number in ETags (default true). Turn off when several servers serve copies of
   * the same files and must hand out the same ETags.
   */
  readonly etagIncludesInode?: boolean;
  /** The clock, epoch milliseconds (default Date.now); conditional requests compare with it. */
  readonly now?: () => number;
}

export interface ResolvedFileOptions {
  readonly directoryListing: boolean;
  readonly indexNames: readonly string[];
  readonly followSymlinksOutsideRoot: boolean;
  readonly cacheControl: string | null;
  readonly gzip: boolean;
  readonly gzipMinSize: number;
  readonly gzipLevel: number;
  readonly maxRanges: number;
  readonly chunkSize: number;
  readonly contentTypes: Readonly<Record<string, string>>;
  readonly defaultType: string;
  readonly maxDirectoryEntries: number;
  readonly etagIncludesInode: boolean;
  readonly now: () => number;
}

export const DEFAULT_GZIP_MIN_SIZE = 1024;
export const DEFAULT_MAX_DIRECTORY_ENTRIES = 10_000;

/** Fill in the defaults. */
export function resolveFileOptions(options: FileOptions): ResolvedFileOptions {
  return {
    directoryListing: options.directoryListing ?? false,
    indexNames: options.indexNames ?? ['index.html'],
    followSymlinksOutsideRoot: options.followSymlinksOutsideRoot ?? false,
    cacheControl: options.cacheControl ?? null,
    gzip: options.gzip ?? true,
    gzipMinSize: options.gzipMinSize ?? DEFAULT_GZIP_MIN_SIZE,
    gzipLevel: Math.min(9, Math.max(1, options.gzipLevel ?? 6)),
    maxRanges: Math.max(1, options.maxRanges ?? DEFAULT_MAX_RANGES),
    chunkSize: Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE),
    contentTypes: options.contentTypes ?? {},
    defaultType: options.defaultType ?? DEFAULT_CONTENT_TYPE,
    maxDirectoryEntries: Math.max(0, options.maxDirectoryEntries ?? DEFAULT_MAX_DIRECTORY_ENTRIES),
    etagIncludesInode: options.etagIncludesInode ?? true,
    now: options.now ?? Date.now,
  };
}
