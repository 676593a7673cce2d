import type { DirectTcpipRequest, ForwardingPolicy } from '../server/options.js';

/**
 * A forwarding policy from `host:port` patterns (`*` for any host or any port; `[::1]:80` for
 * IPv6). No patterns: null, i.e. forwarding off.
 */
export function forwardingPolicyFromPatterns(patterns: readonly string[]): ForwardingPolicy | null {
  const rules = patterns.map(parsePattern);
  if (rules.length === 0) return null;
  return (request: DirectTcpipRequest) =>
    rules.some(
      (rule) =>
        (rule.host === '*' || rule.host === request.destHost.toLowerCase()) &&
        (rule.port === '*' || rule.port === request.destPort),
    );
}

function parsePattern(pattern: string): { host: string; port: number | '*' } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\*|\d{1,5})$/.exec(pattern.trim());
  if (pattern.trim() === '*') return { host: '*', port: '*' };
  if (match === null) {
    throw new Error(
      `The forwarding pattern ${JSON.stringify(pattern)} is not host:port (use * for any host or port, [v6]:port for IPv6).`,
    );
  }
  const host = (match[1] ?? match[2] ?? '').toLowerCase();
  const port = match[3] === '*' ? '*' : Number(match[3]);
  return { host, port };
}
