import { Option, type Command } from 'commander';
import {
  optionFlagName,
  parsePluginOptions,
  type DiscoveredPlugin,
  type PluginOption,
} from '@tw/core';
import { collect, type CommandContext } from '../cli.js';
import { DEFAULT_DATA_DIR } from '../default-config.js';
import { runServices } from '../run-services.js';

/** Flags `tw` itself owns; a plugin option with one of these names is settable in a config file only. */
const GLOBAL_FLAGS = new Set([
  '--plugin-path',
  '--data-dir',
  '--log-format',
  '--log-level',
  '--help',
  '--version',
]);

/**
 * `tw <plugin> [options]`: one subcommand per plugin found, its flags made from the plugin's
 * option data (`maxQueryLength` → `--max-query-length <value>`; booleans get `--no-…` too;
 * list options repeat). Values are checked by parsePluginOptions, so a bad one is a usage error.
 */
export function addPluginCommand(
  program: Command,
  found: DiscoveredPlugin,
  context: CommandContext,
): void {
  const { plugin } = found;
  const thirdParty = found.packageName.startsWith('@tw/') ? '' : ` [${found.packageName}]`;
  const command = program
    .command(plugin.name)
    .description(`${plugin.description}${thirdParty}`)
    .helpGroup('Plugins:')
    .allowExcessArguments(false);
  for (const option of plugin.options) {
    if (GLOBAL_FLAGS.has(optionFlagName(option.name))) continue;
    for (const flag of commanderOptions(option)) command.addOption(flag);
  }
  command.addHelpText(
    'after',
    `\nFrom ${found.packageName}${found.packageVersion === null ? '' : `@${found.packageVersion}`} (${found.packageDir}).`,
  );
  command.action(async (_options: unknown, self: Command) => {
    const raw = Object.fromEntries(
      Object.entries(self.opts()).filter(([, value]) => value !== undefined),
    );
    const options = parsePluginOptions(plugin, raw);
    const globals = context.globals(self);
    context.setExitCode(
      await runServices([{ name: plugin.name, plugin, options }], {
        dataDir: globals.dataDir ?? DEFAULT_DATA_DIR,
        logFormat: globals.logFormat ?? 'text',
        logLevel: globals.logLevel,
        sampleData: false,
        out: context.io.out,
      }),
    );
  });
}

function commanderOptions(option: PluginOption): Option[] {
  const flag = optionFlagName(option.name);
  const short = option.short === undefined ? '' : `-${option.short}, `;
  const help = `${option.help}${describeDefault(option)}`;
  // No commander defaults: parsePluginOptions applies the plugin's, for flags and config alike.
  switch (option.type) {
    case 'boolean':
      return [
        new Option(`${short}${flag}`, help),
        new Option(`--no-${flag.slice(2)}`, `turn ${flag} off`),
      ];
    case 'string[]':
    case 'endpoint[]':
      return [
        new Option(`${short}${flag} <${valueName(option)}>`, `${help} (repeatable)`).argParser(
          collect,
        ),
      ];
    case 'string':
    case 'number':
    case 'path':
    case 'endpoint':
      return [new Option(`${short}${flag} <${valueName(option)}>`, help)];
  }
}

function valueName(option: PluginOption): string {
  switch (option.type) {
    case 'endpoint':
    case 'endpoint[]':
      return 'endpoint';
    case 'number':
      return 'number';
    case 'path':
      return 'path';
    case 'boolean':
    case 'string':
    case 'string[]':
      return 'value';
  }
}

function describeDefault(option: PluginOption): string {
  if (option.required === true) return ' (required)';
  if (option.default === undefined) return '';
  const shown = Array.isArray(option.default) ? option.default.join(' ') : String(option.default);
  return ` (default: ${shown})`;
}
