import { reasonPhrase } from '../wire/status-codes.js';
import { dateHeaderLine } from './date-cache.js';

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

/** The HTML body of a 500 (or other status) page rendered for a request: no stack trace. */
export function errorPageHTML(status: number, detail: string): string {
  const reason = reasonPhrase(status);
  return `<!DOCTYPE html>\n<html><head><title>${status} ${reason}</title></head><body><h1>${status} ${reason}</h1><p>${detail}</p></body></html>\n`;
}
