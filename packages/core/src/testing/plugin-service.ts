/**
 * A `tw` plugin's service run in a test the way `tw <plugin>` runs it: options parsed from raw
 * CLI-style values, makeService() with a reactor, a quiet logger and a data dir, started, and
 * the ports it listens on read back (so tests can pass `tcp:0:interface=127.0.0.1`).
 */
import { StreamServerEndpointService } from '../application/endpoint-service.js';
import type { TwPlugin } from '../interfaces/plugin.js';
import type { IReactor } from '../interfaces/reactor.js';
import type { IService } from '../interfaces/service.js';
import { LogPublisher } from '../log/publisher.js';
import { Logger } from '../log/logger.js';
import { parsePluginOptions } from '../plugin/options.js';
import { startNodeReactor, stopNodeReactor } from './node-reactor-harness.js';

/** Options of {@link startPluginService}. */
export interface PluginServiceOptions {
  /** The reactor to run on (default: a fresh quiet NodeReactor, stopped by stop()). */
  readonly reactor?: IReactor;
  /** The data dir handed to the plugin (default '.'). */
  readonly dataDir?: string;
}

/** A started plugin service; see {@link startPluginService}. */
export interface RunningPluginService {
  readonly service: IService;
  readonly reactor: IReactor;
  /** The TCP ports its endpoint services bound, in service order. */
  readonly ports: readonly number[];
  /** Stop the service (and the reactor, when startPluginService made it). */
  stop(): Promise<void>;
}

/** The TCP/TLS ports bound by every StreamServerEndpointService in `service`'s tree. */
export function listeningPortsOf(service: IService): number[] {
  if (service instanceof StreamServerEndpointService) {
    const address = service.listeningPort?.getHost();
    return address !== undefined && (address.family === 'IPv4' || address.family === 'IPv6')
      ? [address.port]
      : [];
  }
  const children = (service as Partial<Iterable<IService>>)[Symbol.iterator];
  if (typeof children !== 'function') return [];
  return [...(service as unknown as Iterable<IService>)].flatMap(listeningPortsOf);
}

/**
 * Parse `rawOptions` as `tw <plugin>` would, make the plugin's service and start it. Stop it
 * with {@link RunningPluginService.stop} (in a finally or afterEach).
 */
export async function startPluginService<O extends Record<string, unknown>>(
  plugin: TwPlugin<O>,
  rawOptions: Readonly<Record<string, unknown>>,
  options: PluginServiceOptions = {},
): Promise<RunningPluginService> {
  const ownReactor = options.reactor === undefined ? startNodeReactor() : null;
  const reactor = options.reactor ?? ownReactor!;
  try {
    const service = await plugin.makeService(parsePluginOptions(plugin, rawOptions), {
      reactor,
      // A publisher nobody observes: the plugin's log lines stay out of the test output.
      log: new Logger(`test.${plugin.name}`, new LogPublisher()),
      dataDir: options.dataDir ?? '.',
    });
    await service.startService();
    return {
      service,
      reactor,
      ports: listeningPortsOf(service),
      async stop() {
        try {
          if (service.running) await service.stopService();
        } finally {
          if (ownReactor !== null) await stopNodeReactor(ownReactor);
        }
      },
    };
  } catch (error) {
    if (ownReactor !== null) await stopNodeReactor(ownReactor);
    throw error;
  }
}
