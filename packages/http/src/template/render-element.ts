import { Logger } from '@tw/core';
import { NOT_DONE_YET, type IRequest, type NotDoneYet } from '../interfaces.js';
import { flatten } from './flatten.js';
import type { Flattenable } from './nodes.js';

/** Options for renderElement(). */
export interface RenderElementOptions {
  /** Written (with a newline) before the element; null for none. Default `<!DOCTYPE html>`. */
  readonly doctype?: string | null;
  /** Where rendering failures are logged. Default: a Logger in namespace `tw.http.template`. */
  readonly logger?: Logger;
}

const encoder = new TextEncoder();

/** Sent when rendering fails before anything was written: a plain 500 page, no details. */
const ERROR_PAGE =
  '<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1>' +
  '<p>An error occurred while rendering the response.</p></body></html>\n';

/** Appended when rendering fails after part of the page went out (Twisted's notice). */
const ERROR_NOTICE =
  '<div style="font-size:800%;background-color:#FFF;color:#F00">An error occurred while rendering the response.</div>';

/**
 * Render `element` as the response to `request` and finish it; return the result of a
 * resource's render() (twisted.web.template.renderElement):
 *
 * ```ts
 * render(request: IRequest) { return renderElement(request, new PageElement()); }
 * ```
 *
 * The body streams as flatten() produces it, with `Content-Type: text/html; charset=utf-8`
 * unless the resource set one. The doctype goes out with the first chunk, so a failure before
 * any output becomes a 500 page; a failure after part of the page was sent cannot change the
 * status any more, so a notice is appended and the response finished, as Twisted does. Errors
 * are logged, never shown to the client. If the connection is lost, flattening is cancelled.
 */
export function renderElement(
  request: IRequest,
  element: Flattenable,
  options: RenderElementOptions = {},
): NotDoneYet {
  const doctype = options.doctype === undefined ? '<!DOCTYPE html>' : options.doctype;
  let prefix: Uint8Array | null = doctype === null ? null : encoder.encode(`${doctype}\n`);
  let started = false;

  if (!request.responseHeaders.hasHeader('content-type')) {
    request.setHeader('content-type', 'text/html; charset=utf-8');
  }
  const write = (chunk: Uint8Array): void => {
    if (request.finished) return;
    started = true;
    if (prefix !== null) {
      const joined = new Uint8Array(prefix.length + chunk.length);
      joined.set(prefix);
      joined.set(chunk, prefix.length);
      prefix = null;
      request.write(joined);
    } else {
      request.write(chunk);
    }
  };

  const rendering = flatten(request, element, write);
  // A lost connection fails notifyFinish(): there is no one left to write to.
  request.notifyFinish().addCallbacks(
    () => undefined,
    () => rendering.cancel(),
  );
  rendering
    .addCallbacks(
      () => {
        if (prefix !== null && !request.finished) write(new Uint8Array(0));
      },
      (failure) => {
        if (request.finished) return;
        (options.logger ?? new Logger('tw.http.template')).failure(
          'An error occurred while rendering the response.',
          failure,
          { uri: request.uri },
          'error',
        );
        try {
          if (!started) {
            request.setResponseCode(500);
            request.setHeader('content-type', 'text/html; charset=utf-8');
            const head = doctype === null ? '' : `${doctype}\n`;
            request.write(encoder.encode(head + ERROR_PAGE));
          } else {
            request.write(encoder.encode(ERROR_NOTICE));
          }
        } catch {
          // The response cannot take more (it failed in write() itself): finishing is all that is left.
        }
      },
    )
    .addBoth(() => {
      if (!request.finished) request.finish();
    })
    .addErrback((failure) => {
      (options.logger ?? new Logger('tw.http.template')).failure(
        'Could not finish the response.',
        failure,
      );
    });
  return NOT_DONE_YET;
}
