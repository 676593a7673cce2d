import { reasonPhrase } from '../wire/status-codes.js';
import { dateHeaderLine } from './date-cache.js';
import { escapeAttribute as escapeHTML } from '../template/escape.js';

/**
 * A complete response for a request we refuse before any resource saw it (bad framing, limits,
 * timeouts): short plain text, no detail an attacker could use, and Connection: close.
 */
export function errorResponseBytes(status: number, serverName: string | null): Uint8Array {
  const reason = reasonPhrase(status);
  const body = `${status} ${reason}\n`;
  const head =
    `HTTP/1.1 ${status} ${reason}\r\n` +
    dateHeaderLine() +
    (serverName === null ? '' : `Server: ${serverName}\r\n`) +
    `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
  return Buffer.from(head + body, 'latin1');
}

/**
 * The HTML body of a status page rendered for a request. `detailHTML` is inserted as it is:
 * escape any text in it first (escapeHTML).
 */
export function errorPageHTML(status: number, detailHTML: string): string {
  const reason = reasonPhrase(status);
  return `<!DOCTYPE html>\n<html><head><title>${status} ${reason}</title></head><body><h1>${status} ${reason}</h1>${detailHTML}</body></html>\n`;
}

/**
 * The body of the 500 page for a resource that threw (twisted's processingFailed). With
 * `displayTracebacks` the error and its stack are shown, HTML-escaped — a debugging aid that
 * leaks internals, so the default is a generic message.
 */
export function internalErrorPageHTML(error: unknown, displayTracebacks: boolean): string {
  if (!displayTracebacks) return errorPageHTML(500, '<p>An internal error occurred.</p>');
  return errorPageHTML(
    500,
    `<p>An error occurred while rendering the resource:</p>\n<pre>${escapeHTML(describeError(error))}</pre>`,
  );
}

/** The error's stack (which starts with its name and message), or its text when it has none. */
function describeError(error: unknown): string {
  if (error instanceof Error) {
    const stack = error.stack;
    return typeof stack === 'string' && stack.length > 0
      ? stack
      : `${error.name}: ${error.message}`;
  }
  try {
    return `Thrown value: ${String(error)}`;
  } catch {
    return 'Thrown value that cannot be shown as text.';
  }
}
