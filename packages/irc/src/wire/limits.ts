/**
 * The IRC wire limits, in one place so a reader can see why each default is what it is.
 */

/**
 * RFC 1459 §2.3 / RFC 2812 §2.3: a message is at most 512 bytes including the CR LF. IRCv3
 * message-tags leave this count for the part after the tags.
 */
export const DEFAULT_MAX_LINE_BYTES = 512;

/**
 * IRCv3 message-tags: the tag section, counting the leading '@' and the trailing space, is at
 * most 8191 bytes (4094 of client-only tags from a client plus what a server adds).
 */
export const DEFAULT_MAX_TAG_BYTES = 8191;

/** IRCv3 message-tags: what a client may send itself ('@', client-only tags, and the space). */
export const MAX_CLIENT_TAG_BYTES = 4096;

/** The line terminator IRC requires on what we send. */
export const CRLF = '\r\n';
