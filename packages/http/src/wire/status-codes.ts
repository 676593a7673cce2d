/** Reason phrases of the status codes in RFC 9110 §15 and the IANA registry. */
export const STATUS_REASONS: ReadonlyMap<number, string> = new Map([
  [100, 'Continue'],
  [101, 'Switching Protocols'],
  [102, 'Processing'],
  [103, 'Early Hints'],
  [200, 'OK'],
  [201, 'Created'],
  [202, 'Accepted'],
  [203, 'Non-Authoritative Information'],
  [204, 'No Content'],
  [205, 'Reset Content'],
  [206, 'Partial Content'],
  [207, 'Multi-Status'],
  [208, 'Already Reported'],
  [226, 'IM Used'],
  [300, 'Multiple Choices'],
  [301, 'Moved Permanently'],
  [302, 'Found'],
  [303, 'See Other'],
  [304, 'Not Modified'],
  [305, 'Use Proxy'],
  [307, 'Temporary Redirect'],
  [308, 'Permanent Redirect'],
  [400, 'Bad Request'],
  [401, 'Unauthorized'],
  [402, 'Payment Required'],
  [403, 'Forbidden'],
  [404, 'Not Found'],
  [405, 'Method Not Allowed'],
  [406, 'Not Acceptable'],
  [407, 'Proxy Authentication Required'],
  [408, 'Request Timeout'],
  [409, 'Conflict'],
  [410, 'Gone'],
  [411, 'Length Required'],
  [412, 'Precondition Failed'],
  [413, 'Content Too Large'],
  [414, 'URI Too Long'],
  [415, 'Unsupported Media Type'],
  [416, 'Range Not Satisfiable'],
  [417, 'Expectation Failed'],
  [418, "I'm a teapot"],
  [421, 'Misdirected Request'],
  [422, 'Unprocessable Content'],
  [423, 'Locked'],
  [424, 'Failed Dependency'],
  [425, 'Too Early'],
  [426, 'Upgrade Required'],
  [428, 'Precondition Required'],
  [429, 'Too Many Requests'],
  [431, 'Request Header Fields Too Large'],
  [451, 'Unavailable For Legal Reasons'],
  [500, 'Internal Server Error'],
  [501, 'Not Implemented'],
  [502, 'Bad Gateway'],
  [503, 'Service Unavailable'],
  [504, 'Gateway Timeout'],
  [505, 'HTTP Version Not Supported'],
  [506, 'Variant Also Negotiates'],
  [507, 'Insufficient Storage'],
  [508, 'Loop Detected'],
  [510, 'Not Extended'],
  [511, 'Network Authentication Required'],
]);

/** The registered reason phrase, or a generic one for the class ('Unknown Status'). */
export function reasonPhrase(code: number): string {
  return STATUS_REASONS.get(code) ?? 'Unknown Status';
}

/** True for statuses whose responses never carry content (RFC 9110 §6.4.1): 1xx, 204, 304. */
export function statusHasNoBody(code: number): boolean {
  return (code >= 100 && code < 200) || code === 204 || code === 304;
}

const statusLines11 = new Map<number, string>();
const statusLines10 = new Map<number, string>();
for (const [code, reason] of STATUS_REASONS) {
  statusLines11.set(code, `HTTP/1.1 ${code} ${reason}\r\n`);
  statusLines10.set(code, `HTTP/1.0 ${code} ${reason}\r\n`);
}

/**
 * "HTTP/1.1 200 OK\r\n": precomputed for registered codes with their standard reason, built
 * otherwise. `reason` must already be validated (no CR/LF).
 */
export function statusLine(version: string, code: number, reason?: string): string {
  if (reason === undefined) {
    const cached = (version === 'HTTP/1.1' ? statusLines11 : statusLines10).get(code);
    if (cached !== undefined && (version === 'HTTP/1.1' || version === 'HTTP/1.0')) return cached;
    reason = reasonPhrase(code);
  }
  return `${version} ${code} ${reason}\r\n`;
}
