import { serverFromString } from '../endpoints/default-registry.js';
import type { ILogger } from '../interfaces/logger.js';
import type { IProtocolFactory } from '../interfaces/protocol.js';
import type { IReactor } from '../interfaces/reactor.js';
import { StreamServerEndpointService } from './endpoint-service.js';
import { MultiService } from './multi-service.js';

/**
 * One StreamServerEndpointService per endpoint description, all serving `factory`, under one
 * MultiService — what a `tw` plugin's makeService() returns for its `--listen` endpoints.
 * Descriptions are parsed now, so a bad one fails here, naming itself.
 */
export function listeningServices(
  reactor: IReactor,
  descriptions: readonly string[],
  factory: IProtocolFactory,
  log?: ILogger,
): MultiService {
  const service = new MultiService();
  for (const description of descriptions) {
    const endpoint = serverFromString(reactor, description);
    new StreamServerEndpointService(endpoint, factory, {
      description,
      ...(log === undefined ? {} : { log }),
    }).setServiceParent(service);
  }
  return service;
}
