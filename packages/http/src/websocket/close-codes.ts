/**
 * WebSocket close codes (RFC 6455 §7.4 and the IANA registry) and the rules for which of them
 * may appear on the wire.
 */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  UNSUPPORTED_DATA: 1003,
  /** Never sent: stands for "the close frame carried no code". */
  NO_STATUS_RECEIVED: 1005,
  /** Never sent: stands for "the connection dropped without a close frame". */
  ABNORMAL_CLOSURE: 1006,
  INVALID_PAYLOAD: 1007,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  MANDATORY_EXTENSION: 1010,
  INTERNAL_ERROR: 1011,
  SERVICE_RESTART: 1012,
  TRY_AGAIN_LATER: 1013,
  BAD_GATEWAY: 1014,
  /** Never sent: stands for "the TLS handshake failed". */
  TLS_HANDSHAKE: 1015,
} as const;

export type CloseCodeName = keyof typeof CloseCode;

/**
 * Whether `code` may be carried in a close frame, sent or received. Valid: 1000–1003, 1007–1014
 * (1012–1014 are IANA-registered after RFC 6455 and sent by real servers), and 3000–4999
 * (registered and private use). Everything else — below 1000, 1004 (reserved), 1005, 1006 and
 * 1015 (local-only stand-ins), 1016–2999 (reserved for future RFCs) and 5000+ — is a protocol
 * error when received, and is refused by close() when a caller tries to send it.
 */
export function isValidCloseCode(code: number): boolean {
  if (!Number.isInteger(code)) return false;
  if (code >= 3000 && code <= 4999) return true;
  if (code >= 1000 && code <= 1003) return true;
  return code >= 1007 && code <= 1014;
}

/** The most bytes a close reason may take (125 payload bytes minus the 2-byte code). */
export const MAX_CLOSE_REASON_BYTES = 123;
