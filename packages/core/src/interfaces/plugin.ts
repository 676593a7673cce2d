import type { Address } from './address.js';
import type { IReactor } from './reactor.js';
import type { ILogger } from './logger.js';
import type { IService } from './service.js';
import type { EndpointRegistry } from '../endpoints/registry.js';

/** One command-line option of a plugin, as data, so `tw` builds its CLI and config schema from it. */
export interface PluginOption {
  /** camelCase name; the CLI flag is its kebab-case form (`dataDir` → `--data-dir`). */
  readonly name: string;
  readonly type: 'string' | 'number' | 'boolean' | 'endpoint' | 'path' | 'string[]' | 'endpoint[]';
  readonly help: string;
  readonly default?: string | number | boolean | readonly string[];
  readonly required?: boolean;
  /** One-letter alias for the CLI, e.g. 'p'. */
  readonly short?: string;
}

/** What `tw` hands a plugin's makeService besides the parsed options. */
export interface PluginContext {
  readonly reactor: IReactor;
  readonly log: ILogger;
  /** The data directory `tw` runs with (created if missing); plugins keep their state under it. */
  readonly dataDir: string;
  /**
   * Optional: what `tw` is serving right now, one entry per listening port, as in the table it
   * prints (a status page renders it). Call it when needed, not in makeService: services that
   * start later are not listening yet. Absent when the plugin runs outside `tw`.
   */
  readonly services?: () => readonly RunningServiceListing[];
}

/** One listening port of a service `tw` runs (see PluginContext.services). */
export interface RunningServiceListing {
  /** The service's name (the plugin's name unless the config named it). */
  readonly service: string;
  /** The name of the plugin that made the service. */
  readonly plugin: string;
  /** The endpoint description it was started with. */
  readonly endpoint: string;
  /** The address actually bound. */
  readonly address: Address;
  /** A command a user can paste to talk to it (TwPlugin.connectHint). */
  readonly connect: string;
}

/**
 * A `tw` plugin: the default export of the module a package names in package.json
 * (`"tw": { "plugins": ["./dist/plugin.js"] }`). `tw <name> [options]` runs it;
 * `tw serve --config` composes several.
 */
export interface TwPlugin<O extends Record<string, unknown> = Record<string, unknown>> {
  /** The subcommand name, lowercase: `tw echo`. */
  readonly name: string;
  /** One line for `tw --help`. */
  readonly description: string;
  readonly options: readonly PluginOption[];
  makeService(options: O, context: PluginContext): IService | Promise<IService>;
  /**
   * Optional: one line telling a user how to reach one of this plugin's listening ports, for the
   * table `tw` prints (`curl http://127.0.0.1:8080/`). Without it `tw` prints
   * `tw connect <clientEndpoint>`, which works wherever `tw` does.
   */
  connectHint?(listening: PluginListening): string;
  /**
   * Optional: write sample content under `dataDir` when `tw serve` creates the data directory
   * (a demo `.plan`, a sample mailbox). Must never overwrite a file that exists.
   */
  prepareDataDir?(dataDir: string): void | Promise<void>;
  /**
   * Optional: add the endpoint schemes this package provides (`ws:`, `ssh:`) to `registry`, so
   * that every `tw` command — `tw connect ssh:…`, a config's `listen` strings — understands them.
   * `tw` calls it once per process, before any command runs. Register with `{ replace: true }`:
   * an embedding application may call it again.
   */
  registerEndpoints?(registry: EndpointRegistry): void;
}

/** One port a plugin's service listens on, as `tw` reports it (see TwPlugin.connectHint). */
export interface PluginListening {
  /** The endpoint description it was started with (`tcp:7000:interface=127.0.0.1`). */
  readonly endpoint: string;
  /** The address actually bound (the real port when the description said 0). */
  readonly address: Address;
  /**
   * A client endpoint description that reaches it (`tcp:host=127.0.0.1:port=7000`), for hints
   * such as `tw connect <clientEndpoint>`; null when `tw` cannot derive one.
   */
  readonly clientEndpoint: string | null;
  /** How to run `tw` here (`tw`, or `node apps/tw/dist/bin.js` inside the repository). */
  readonly twCommand: string;
}
