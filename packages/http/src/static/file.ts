/**
 * A directory tree (or one file) served over HTTP (twisted.web.static.File).
 *
 * ```ts
 * const root = new File('/srv/www', { directoryListing: true, cacheControl: 'max-age=60' });
 * const site = new Site(root);
 * ```
 *
 * Traversal: each path segment asks getChild() for a File one level deeper; '.', '..' and
 * segments holding '/', '\\' or NUL get 403 there. Rendering resolves the whole path with
 * realpath and refuses (403) anything that ends up outside the root's real path, which catches
 * symlinks placed inside the root that point out of it (unless `followSymlinksOutsideRoot`).
 * GET and HEAD only; everything else is 405 with Allow.
 */
import { close, constants, fstat, open } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { basename, resolve } from 'node:path';

import { NOT_DONE_YET, type IRequest, type IResource, type RenderResult } from '../interfaces.js';
import { ErrorPage, ForbiddenResource, NoResource, Resource } from '../resource/resource.js';
import { isCompressibleType, contentTypeFor } from './content-type.js';
import { readDirectoryEntries, renderDirectoryListing } from './directory-listing.js';
import { StaticProducer } from './static-producer.js';
import { type FileOptions, resolveFileOptions, type ResolvedFileOptions } from './file-options.js';
import { planFileResponse, type FileResponsePlan } from './file-response-plan.js';
import { realRootOf, resolveUnderRoot, unsafeSegmentReason } from './safe-path.js';

/** What every File in one tree shares: the root, its real path (found once), the options. */
interface StaticRoot {
  readonly path: string;
  readonly options: ResolvedFileOptions;
  realPath: Promise<string> | null;
}

export class File extends Resource {
  /** The path this resource stands for (root joined with the segments; not yet resolved). */
  readonly path: string;
  private readonly root: StaticRoot;
  /** Segments below the root, as traversal handed them over ('' for a trailing slash). */
  private readonly segments: readonly string[];

  /**
   * Serve `path` (a directory or a single file) with `options`. Every request re-checks the file
   * system: no caching of stats or contents.
   */
  constructor(path: string, options: FileOptions = {}) {
    super();
    this.path = resolve(path);
    this.root = { path: this.path, options: resolveFileOptions(options), realPath: null };
    this.segments = [];
  }

  /** A File one level down, in the same tree (twisted's createSimilarFile). */
  protected createSimilarFile(segments: readonly string[]): File {
    const child = Object.create(Object.getPrototypeOf(this) as object) as File;
    Object.assign(child, this, {
      children: new Map<string, IResource>(),
      segments,
      path: resolve(this.root.path, ...segments.filter((s) => s !== '')),
    });
    return child;
  }

  override getChild(name: string, _request: IRequest): IResource {
    if (name !== '' && unsafeSegmentReason(name) !== null) return new ForbiddenResource();
    return this.createSimilarFile([...this.segments, name]);
  }

  render_GET(request: IRequest): RenderResult {
    this.respond(request).catch((error: unknown) => failResponse(request, error));
    return NOT_DONE_YET;
  }

  /**
   * The producer that streams a file body (twisted's makeProducer). Override to observe or
   * replace it; the default reads `chunkSize` bytes at a time and pauses with the connection.
   */
  protected makeProducer(
    request: IRequest,
    fd: number,
    plan: Extract<FileResponsePlan, { kind: 'body' }>,
  ): StaticProducer {
    const producer = new StaticProducer({
      fd,
      pieces: plan.pieces,
      chunkSize: this.root.options.chunkSize,
      gzipLevel: plan.gzip ? this.root.options.gzipLevel : null,
      write: (chunk) => request.write(chunk),
      onDone: (error) => {
        request.unregisterProducer();
        if (error === null) request.finish();
        // The status line and a Content-Length went out already: the only honest way to say
        // the body is incomplete is to cut the connection.
        else request.transport.abortConnection();
      },
    });
    return producer;
  }

  private async respond(request: IRequest): Promise<void> {
    const options = this.root.options;
    this.root.realPath ??= realRootOf(this.root.path);
    let realRoot: string;
    try {
      realRoot = await this.root.realPath;
    } catch {
      this.root.realPath = null;
      return renderPage(request, new NoResource());
    }
    const found = await resolveUnderRoot(realRoot, this.segments, options);
    if (request.finished) return;
    if (found.kind === 'not-found') return renderPage(request, new NoResource());
    if (found.kind === 'forbidden') return renderPage(request, new ForbiddenResource());
    const endsWithSlash =
      this.segments.length > 0 && this.segments[this.segments.length - 1] === '';
    if (found.stats.isDirectory()) {
      if (!request.path.endsWith('/')) return redirectToSlash(request);
      return this.renderDirectory(request, realRoot, found.path);
    }
    if (!found.stats.isFile()) return renderPage(request, new ForbiddenResource());
    // 'file.txt/' names a directory that is not there.
    if (endsWithSlash) return renderPage(request, new NoResource());
    const name = this.segments.filter((s) => s !== '').at(-1) ?? basename(found.path);
    return this.serveFile(request, found.path, name);
  }

  private async renderDirectory(
    request: IRequest,
    realRoot: string,
    realDir: string,
  ): Promise<void> {
    const options = this.root.options;
    const base = this.segments.filter((s) => s !== '');
    for (const indexName of options.indexNames) {
      const index = await resolveUnderRoot(realRoot, [...base, indexName], options);
      if (request.finished) return;
      if (index.kind === 'found' && index.stats.isFile())
        return this.serveFile(request, index.path, indexName);
    }
    if (!options.directoryListing) return renderPage(request, new ForbiddenResource());
    const { entries, truncated } = await readDirectoryEntries(realDir, options.maxDirectoryEntries);
    if (request.finished) return;
    const html = renderDirectoryListing({ urlPath: decodedPath(request), entries, truncated });
    const body = new TextEncoder().encode(html);
    request.setResponseCode(200);
    request.setHeader('Content-Type', 'text/html; charset=utf-8');
    request.setHeader('Content-Length', String(body.length));
    if (options.cacheControl !== null) request.setHeader('Cache-Control', options.cacheControl);
    if (request.method !== 'HEAD') request.write(body);
    request.finish();
  }

  private async serveFile(request: IRequest, realPath: string, name: string): Promise<void> {
    const options = this.root.options;
    // O_NONBLOCK: if a FIFO was swapped in after the stat, opening it must not hang a thread.
    const fd = await openForReading(realPath);
    let stats: BigIntStats;
    try {
      stats = await fstatOf(fd);
      if (!stats.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
    } catch (error) {
      closeQuietly(fd);
      throw error;
    }
    if (request.finished) {
      closeQuietly(fd);
      return;
    }
    const contentType = contentTypeFor(name, options.contentTypes, options.defaultType);
    const plan = planFileResponse({
      method: request.method,
      requestHeaders: request.requestHeaders,
      size: Number(stats.size),
      mtimeMs: Number(stats.mtimeMs),
      mtimeNs: stats.mtimeNs,
      inode: options.etagIncludesInode ? stats.ino : undefined,
      contentType,
      compressible: isCompressibleType(contentType),
      now: options.now(),
      options,
    });
    request.setResponseCode(plan.status);
    for (const [header, value] of plan.headers) request.setHeader(header, value);
    if (plan.kind !== 'body' || request.method === 'HEAD') {
      closeQuietly(fd);
      if (plan.kind === 'page' && request.method !== 'HEAD') request.write(plan.body);
      request.finish();
      return;
    }
    const producer = this.makeProducer(request, fd, plan);
    request.notifyFinish().addErrback(() => producer.stopProducing());
    request.registerProducer(producer, true);
    producer.start();
  }
}

function openForReading(path: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0), (error, fd) =>
      error === null ? resolvePromise(fd) : reject(error),
    );
  });
}

function fstatOf(fd: number): Promise<BigIntStats> {
  return new Promise((resolvePromise, reject) => {
    fstat(fd, { bigint: true }, (error, stats) =>
      error === null ? resolvePromise(stats) : reject(error),
    );
  });
}

function closeQuietly(fd: number): void {
  close(fd, () => {});
}

function renderPage(request: IRequest, page: ErrorPage): void {
  const body = page.render(request);
  if (typeof body !== 'symbol' && request.method !== 'HEAD') request.write(body);
  request.finish();
}

/**
 * Redirect '/dir' to '/dir/' (301), keeping the query. Leading slashes are collapsed first:
 * '//evil.example/dir' must not become a protocol-relative Location pointing at another host.
 */
function redirectToSlash(request: IRequest): void {
  const query = request.uri.includes('?') ? request.uri.slice(request.uri.indexOf('?')) : '';
  const location = `${request.path.replace(/^\/+/, '/')}/${query}`;
  request.setResponseCode(301);
  request.setHeader('Location', location);
  request.setHeader('Content-Type', 'text/html; charset=utf-8');
  const body = `<html><body><a href="${location.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}">moved here</a></body></html>\n`;
  if (request.method !== 'HEAD') request.write(body);
  request.finish();
}

/** The request's path, percent-decoded for display (falls back to the raw path). */
function decodedPath(request: IRequest): string {
  try {
    return decodeURIComponent(request.path);
  } catch {
    return request.path;
  }
}

/** Something failed before or while answering: 500 if nothing was sent, else cut the connection. */
function failResponse(request: IRequest, error: unknown): void {
  if (request.finished) return;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  try {
    if (code === 'ENOENT' || code === 'ENOTDIR') return renderPage(request, new NoResource());
    if (code === 'EACCES' || code === 'EPERM' || code === 'EISDIR') {
      return renderPage(request, new ForbiddenResource());
    }
    renderPage(request, new ErrorPage(500, 'Internal Server Error', 'The file could not be read.'));
  } catch {
    request.transport.abortConnection();
  }
}
