import { formatExtension, type ExtensionOffer } from './extension-header.js';

/**
 * permessage-deflate (RFC 7692) negotiation. The four parameters name a side: `server_*` limit
 * what the server's compressor may do, `client_*` what the client's may do.
 */

export const PERMESSAGE_DEFLATE = 'permessage-deflate';

/** What the application allows when offering (client) or accepting (server) permessage-deflate. */
export interface PerMessageDeflateOptions {
  /**
   * Client: ask the server to reset its compression context after every message. Server: reset
   * ours (always accepted). Either way it means less compression and less memory on the
   * receiving side. Default false.
   */
  readonly serverNoContextTakeover?: boolean;
  /** Ask the client to reset its compression context per message. Default false. */
  readonly clientNoContextTakeover?: boolean;
  /** Client: the window bits (8–15) to request for the server's compressor. Server: the most we use. */
  readonly serverMaxWindowBits?: number;
  /** The window bits (8–15) to limit the client's compressor to. */
  readonly clientMaxWindowBits?: number;
  /** Messages shorter than this are sent uncompressed (default 1024; 0 compresses all). */
  readonly threshold?: number;
  /** zlib compression level 0–9 (default 1: most of the gain for WebSocket-sized messages, fastest). */
  readonly level?: number;
}

/** The agreed parameters, from one side's point of view. */
export interface NegotiatedDeflate {
  /** The window bits our compressor may use (8–15). */
  readonly ownMaxWindowBits: number;
  /** The peer resets its context per message: we need not keep a decompression window. */
  readonly peerNoContextTakeover: boolean;
  /** The header value that states the agreement (server's response / client's view of it). */
  readonly responseHeader: string;
}

function windowBitsValue(value: string | true): number | null {
  if (value === true || !/^[0-9]{1,2}$/.test(value)) return null;
  const bits = Number(value);
  return bits >= 8 && bits <= 15 ? bits : null;
}

/**
 * Server side: pick the first permessage-deflate offer we can accept (RFC 7692 §5: an offer with
 * an unknown or duplicated parameter or a bad value is declined, and the next one is tried).
 * Returns null when there is none; the connection then runs without compression.
 */
export function acceptDeflateOffer(
  offers: readonly ExtensionOffer[],
  options: PerMessageDeflateOptions = {},
): NegotiatedDeflate | null {
  for (const offer of offers) {
    if (offer.name !== PERMESSAGE_DEFLATE) continue;
    const accepted = acceptOne(offer, options);
    if (accepted !== null) return accepted;
  }
  return null;
}

function acceptOne(
  offer: ExtensionOffer,
  options: PerMessageDeflateOptions,
): NegotiatedDeflate | null {
  const seen = new Set<string>();
  let serverNoContext = false;
  let clientNoContext = false;
  let serverBits: number | null = null;
  let clientBitsOffered: number | true | null = null;
  for (const [name, value] of offer.params) {
    if (seen.has(name)) return null;
    seen.add(name);
    switch (name) {
      case 'server_no_context_takeover':
        if (value !== true) return null;
        serverNoContext = true;
        break;
      case 'client_no_context_takeover':
        if (value !== true) return null;
        clientNoContext = true;
        break;
      case 'server_max_window_bits':
        serverBits = windowBitsValue(value);
        if (serverBits === null) return null;
        break;
      case 'client_max_window_bits':
        if (value === true) clientBitsOffered = true;
        else {
          clientBitsOffered = windowBitsValue(value);
          if (clientBitsOffered === null) return null;
        }
        break;
      default:
        return null;
    }
  }
  const params: string[] = [PERMESSAGE_DEFLATE];
  if (serverNoContext || options.serverNoContextTakeover === true) {
    params.push('server_no_context_takeover');
  }
  const peerNoContext = clientNoContext || options.clientNoContextTakeover === true;
  if (peerNoContext) params.push('client_no_context_takeover');
  const ownLimit = options.serverMaxWindowBits ?? 15;
  const ownBits = Math.min(serverBits ?? 15, ownLimit);
  if (serverBits !== null || ownBits < 15) params.push(`server_max_window_bits=${ownBits}`);
  // We may only limit the client's window when it said it supports the parameter.
  if (clientBitsOffered !== null && options.clientMaxWindowBits !== undefined) {
    const bits =
      clientBitsOffered === true
        ? options.clientMaxWindowBits
        : Math.min(clientBitsOffered, options.clientMaxWindowBits);
    params.push(`client_max_window_bits=${bits}`);
  }
  return {
    ownMaxWindowBits: ownBits,
    peerNoContextTakeover: peerNoContext,
    responseHeader: params.join('; '),
  };
}

/** Client side: the offer to send in Sec-WebSocket-Extensions. */
export function formatDeflateOffer(options: PerMessageDeflateOptions = {}): string {
  const params: string[] = [PERMESSAGE_DEFLATE];
  if (options.serverNoContextTakeover === true) params.push('server_no_context_takeover');
  if (options.clientNoContextTakeover === true) params.push('client_no_context_takeover');
  if (options.serverMaxWindowBits !== undefined) {
    params.push(`server_max_window_bits=${options.serverMaxWindowBits}`);
  }
  params.push(
    options.clientMaxWindowBits === undefined
      ? 'client_max_window_bits'
      : `client_max_window_bits=${options.clientMaxWindowBits}`,
  );
  return params.join('; ');
}

/**
 * Client side: check the server's response to our offer. Returns the agreement, or a string
 * saying what is wrong (the client then fails the connection, RFC 7692 §5).
 */
export function acceptDeflateResponse(
  response: ExtensionOffer,
  offered: PerMessageDeflateOptions = {},
): NegotiatedDeflate | string {
  const seen = new Set<string>();
  let ownBits = offered.clientMaxWindowBits ?? 15;
  let peerNoContext = false;
  for (const [name, value] of response.params) {
    if (seen.has(name)) return `the parameter ${name} appears twice`;
    seen.add(name);
    switch (name) {
      case 'server_no_context_takeover':
        if (value !== true) return 'server_no_context_takeover has a value';
        peerNoContext = true;
        break;
      case 'client_no_context_takeover':
        if (value !== true) return 'client_no_context_takeover has a value';
        break;
      case 'server_max_window_bits': {
        const bits = windowBitsValue(value);
        if (bits === null) return `server_max_window_bits=${String(value)} is not 8–15`;
        if (offered.serverMaxWindowBits !== undefined && bits > offered.serverMaxWindowBits) {
          return `server_max_window_bits=${bits} is larger than the ${offered.serverMaxWindowBits} we asked for`;
        }
        break;
      }
      case 'client_max_window_bits': {
        const bits = windowBitsValue(value);
        if (bits === null) return `client_max_window_bits=${String(value)} is not 8–15`;
        ownBits = Math.min(ownBits, bits);
        break;
      }
      default:
        return `unknown parameter ${name}`;
    }
  }
  return {
    ownMaxWindowBits: ownBits,
    peerNoContextTakeover: peerNoContext,
    responseHeader: formatExtension(response),
  };
}
