import { resolve } from 'node:path';
import type { Command } from 'commander';
import { parsePluginOptions, type DiscoveredPlugin } from '@tw/core';
import type { CommandContext } from '../cli.js';
import { loadConfigFile, type TwConfig } from '../config.js';
import { DEFAULT_DATA_DIR, DEFAULT_PORT_BASE, defaultConfig } from '../default-config.js';
import { UsageError } from '../errors.js';
import { usageErrorFrom } from '../exit-codes.js';
import { runServices, type ServiceSpec } from '../run-services.js';

/**
 * `tw serve [--config FILE]`: several plugins in one reactor. Without --config it runs the
 * embedded default (every plugin of the repository on loopback, sample data, a demo account).
 */
export function addServeCommand(program: Command, context: CommandContext): void {
  program
    .command('serve')
    .description('run several plugins in one reactor: those in --config, or the built-in demo set')
    .option('-c, --config <file>', 'JSON config file (without it: the built-in default config)')
    .option(
      '--port-base <port>',
      `first port of the default config (env TW_PORT_BASE; 0 picks free ports; default ${DEFAULT_PORT_BASE})`,
    )
    .allowExcessArguments(false)
    .action(async (options: { config?: string; portBase?: string }, command: Command) => {
      const globals = context.globals(command);
      const { io } = context;
      let config: TwConfig;
      let dataDir: string;
      if (options.config !== undefined) {
        config = loadConfigFile(resolve(options.config));
        dataDir = globals.dataDir ?? config.dataDir ?? DEFAULT_DATA_DIR;
      } else {
        dataDir = resolve(globals.dataDir ?? DEFAULT_DATA_DIR);
        const base = parsePortBase(options.portBase ?? io.env['TW_PORT_BASE']);
        config = withInstalledPlugins(
          defaultConfig(dataDir, base),
          context.catalog.plugins,
          io.err,
        );
      }
      const specs = specsFor(
        config,
        context.catalog.plugins,
        options.config ?? 'the default config',
      );
      context.setExitCode(
        await runServices(specs, {
          dataDir,
          logFormat: globals.logFormat ?? config.logFormat ?? 'text',
          logLevel: globals.logLevel === 'info' ? (config.logLevel ?? 'info') : globals.logLevel,
          sampleData: config.sampleData ?? false,
          out: io.out,
        }),
      );
    });
}

/** Resolve each configured service to its plugin and check its options (all before starting). */
function specsFor(
  config: TwConfig,
  plugins: readonly DiscoveredPlugin[],
  source: string,
): ServiceSpec[] {
  const byName = new Map(plugins.map((found) => [found.plugin.name, found.plugin]));
  const used = new Set<string>();
  return config.services.map((service, index) => {
    const plugin = byName.get(service.plugin);
    if (plugin === undefined) {
      const installed = [...byName.keys()].join(', ') || 'none';
      throw new UsageError(
        `${source}: services[${index}] names the plugin "${service.plugin}", which is not installed (installed: ${installed}).`,
      );
    }
    let name = service.name ?? plugin.name;
    if (service.name !== undefined && used.has(name)) {
      throw new UsageError(`${source}: two services are named "${name}"; names must be unique.`);
    }
    for (let n = 2; used.has(name); n++) name = `${plugin.name}-${n}`;
    used.add(name);
    try {
      return { name, plugin, options: parsePluginOptions(plugin, service.options ?? {}) };
    } catch (error) {
      throw usageErrorFrom(error, `${source}: services[${index}] (${name}): `) ?? error;
    }
  });
}

/** The default config without services whose plugin is not installed (each one said on stderr). */
function withInstalledPlugins(
  config: TwConfig,
  plugins: readonly DiscoveredPlugin[],
  err: NodeJS.WritableStream,
): TwConfig {
  const installed = new Set(plugins.map((found) => found.plugin.name));
  const services = config.services.filter((service) => {
    if (installed.has(service.plugin)) return true;
    err.write(
      `tw: the default config's "${service.plugin}" service is skipped: no plugin of that name is installed.\n`,
    );
    return false;
  });
  if (services.length === 0) {
    throw new UsageError(
      "None of the default config's plugins is installed; install some, or give --config.",
    );
  }
  return { ...config, services };
}

function parsePortBase(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_PORT_BASE;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65000) {
    throw new UsageError(
      `The port base must be 0 (free ports) or a port up to 65000, not "${value}".`,
    );
  }
  return port;
}
