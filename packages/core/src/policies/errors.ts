import { TwError } from '../errors/tw-error.js';

/**
 * The bytes at the start of a connection are not a valid PROXY protocol header (missing,
 * malformed, too long, or a version this server does not accept). The connection is closed.
 */
export class InvalidProxyHeader extends TwError {
  constructor(message: string) {
    super('TW_PROXY_INVALID_HEADER', message);
  }
}

/** The PROXY protocol header did not arrive within the allowed time. The connection is closed. */
export class ProxyHeaderTimeout extends TwError {
  readonly seconds: number;

  constructor(seconds: number) {
    super(
      'TW_PROXY_HEADER_TIMEOUT',
      `No complete PROXY protocol header arrived within ${seconds} seconds; raise the ` +
        `"timeout" option of ProxyProtocolWrappingFactory if the proxy is that slow.`,
    );
    this.seconds = seconds;
  }
}
