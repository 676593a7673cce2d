import { TwError } from '@tw/core';

/** The ssh: endpoint could not hand a connection to the factory. */
export class SSHEndpointError extends TwError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TW_SSH_ENDPOINT_FAILED', `ssh: endpoint: ${message}`, options);
  }
}
