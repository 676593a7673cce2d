import { createHash, randomBytes } from 'node:crypto';

/** The GUID RFC 6455 §1.3 appends to the key before hashing. */
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Sec-WebSocket-Accept for a Sec-WebSocket-Key: base64(SHA-1(key + GUID)). */
export function computeAcceptKey(key: string): string {
  return createHash('sha1')
    .update(key + WEBSOCKET_GUID)
    .digest('base64');
}

/** A fresh Sec-WebSocket-Key: 16 random bytes, base64. */
export function generateWebSocketKey(): string {
  return randomBytes(16).toString('base64');
}

/** Whether `key` is base64 of exactly 16 bytes (RFC 6455 §4.2.1 item 5). */
export function isValidWebSocketKey(key: string): boolean {
  return /^[A-Za-z0-9+/]{22}==$/.test(key);
}
