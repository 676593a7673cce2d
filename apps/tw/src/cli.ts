import { readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import {
  LOG_LEVELS,
  defaultEndpointRegistry,
  discoverPlugins,
  type DiscoveredPlugin,
  type LogLevel,
} from '@tw/core';
import { addConnectCommand } from './commands/connect.js';
import { addPasswdCommand } from './commands/passwd.js';
import { addPluginsCommand } from './commands/plugins.js';
import { addPluginCommand } from './commands/run-plugin.js';
import { addServeCommand } from './commands/serve.js';
import { LOG_FORMATS, type LogFormat } from './config.js';
import { DEFAULT_DATA_DIR } from './default-config.js';
import { ExitCode, usageErrorFrom } from './exit-codes.js';

/** Where `tw` reads and writes; tests hand in their own. */
export interface CliIO {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
}

/** The options every command understands (given before or after the command name). */
export interface GlobalOptions {
  readonly pluginPath: readonly string[];
  readonly dataDir: string | undefined;
  readonly logFormat: LogFormat | undefined;
  readonly logLevel: LogLevel;
}

/** The plugins found, and what went wrong finding them (shown as warnings). */
export interface PluginCatalog {
  readonly plugins: readonly DiscoveredPlugin[];
  readonly warnings: readonly string[];
  readonly searchPaths: readonly string[];
}

/** What command modules get from the program. */
export interface CommandContext {
  readonly io: CliIO;
  readonly catalog: PluginCatalog;
  /** Record the exit code a command finished with. */
  readonly setExitCode: (code: number) => void;
  /** The global options, as parsed, with env defaults applied. */
  readonly globals: (command: Command) => GlobalOptions;
}

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Run the `tw` command line (`argv` as in process.argv: node, script, args…) and resolve with
 * the exit code: 0 ok (including a clean stop on SIGINT/SIGTERM), 1 runtime failure, 2 usage.
 */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let exitCode: number = ExitCode.ok;
  try {
    const catalog = await findPlugins(argv.slice(2), io.env);
    const program = buildProgram(catalog, io, (code) => (exitCode = code));
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message already; --help and --version are successes.
      const success =
        ['commander.helpDisplayed', 'commander.version'].includes(error.code) ||
        error.exitCode === 0;
      return success ? ExitCode.ok : ExitCode.usage;
    }
    const usage = usageErrorFrom(error);
    if (usage !== null) {
      io.err.write(`tw: ${usage.message}\n`);
      return ExitCode.usage;
    }
    io.err.write(
      `tw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return ExitCode.failure;
  }
}

/** Build the commander program: built-in commands, then one command per plugin. */
export function buildProgram(
  catalog: PluginCatalog,
  io: CliIO,
  setExitCode: (code: number) => void,
): Command {
  const program = new Command('tw');
  program
    .description(
      'Run @tw protocol plugins: one (`tw <plugin>`), or several in one reactor (`tw serve`).',
    )
    .version(readVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out.write(text),
      writeErr: (text) => io.err.write(text),
    })
    .showHelpAfterError('(`tw --help` lists the commands and the plugins installed)')
    .addOption(
      new Option(
        '--plugin-path <dir>',
        `also look for plugins installed in <dir>/node_modules (repeatable; env TW_PLUGIN_PATH)`,
      ).argParser(collect),
    )
    .addOption(
      new Option(
        '--data-dir <dir>',
        `data directory (env TW_DATA_DIR; default ./${DEFAULT_DATA_DIR})`,
      ),
    )
    .addOption(
      new Option('--log-format <format>', 'log lines as text or JSON (default text)').choices(
        LOG_FORMATS,
      ),
    )
    .addOption(
      new Option('--log-level <level>', 'least severe level logged')
        .choices(LOG_LEVELS)
        .default('info'),
    )
    .commandsGroup('Commands:');

  const context: CommandContext = {
    io,
    catalog,
    setExitCode,
    globals: (command) => globalOptions(command, io.env),
  };
  addServeCommand(program, context);
  addPasswdCommand(program, context);
  addConnectCommand(program, context);
  addPluginsCommand(program, context);
  for (const found of catalog.plugins) addPluginCommand(program, found, context);

  program.addHelpText('after', () => helpFooter(catalog));
  return program;
}

function helpFooter(catalog: PluginCatalog): string {
  const lines = ['', "Run `tw <plugin> --help` for a plugin's options."];
  if (catalog.plugins.length === 0) {
    lines.push(
      'No plugins are installed: add a package with a "tw" field (see @tw/cli\'s README).',
    );
  }
  if (catalog.warnings.length > 0) {
    lines.push('', 'Warnings:');
    for (const warning of catalog.warnings) lines.push(`  ${warning}`);
  }
  return lines.join('\n');
}

/** Find plugins in the CLI's own dependencies, the current directory and the extra paths. */
export async function findPlugins(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<PluginCatalog> {
  const searchPaths = [packageDir, process.cwd(), ...pluginPathsFrom(args, env)];
  const { plugins, errors } = await discoverPlugins({ searchPaths });
  const warnings = errors.map((error) => error.message);
  warnings.push(...registerPluginEndpoints(plugins));
  return { plugins, warnings, searchPaths };
}

/**
 * Let each plugin add its endpoint schemes (`ssh:`, `ws:`) to the default registry, so every
 * command understands them; a plugin that fails here is reported, the others still register.
 */
function registerPluginEndpoints(plugins: readonly DiscoveredPlugin[]): string[] {
  const warnings: string[] = [];
  for (const { plugin, packageName } of plugins) {
    try {
      plugin.registerEndpoints?.(defaultEndpointRegistry);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      warnings.push(
        `plugin ${plugin.name} (${packageName}) could not register its endpoints: ${message}`,
      );
    }
  }
  return warnings;
}

/**
 * The --plugin-path values, read before commander runs: the plugins found decide which
 * subcommands exist, so they must be known before the command line is parsed.
 */
function pluginPathsFrom(args: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const paths = (env['TW_PLUGIN_PATH'] ?? '').split(delimiter).filter((path) => path !== '');
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    if (arg === '--plugin-path' && i + 1 < args.length) paths.push(args[++i]!);
    else if (arg.startsWith('--plugin-path=')) paths.push(arg.slice('--plugin-path='.length));
  }
  return paths;
}

function globalOptions(command: Command, env: NodeJS.ProcessEnv): GlobalOptions {
  const options = command.optsWithGlobals<{
    pluginPath?: string[];
    dataDir?: string;
    logFormat?: LogFormat;
    logLevel: LogLevel;
  }>();
  return {
    pluginPath: options.pluginPath ?? [],
    dataDir: options.dataDir ?? nonEmpty(env['TW_DATA_DIR']),
    logFormat: options.logFormat,
    logLevel: options.logLevel,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Commander argParser for repeatable options. */
export function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function readVersion(): string {
  try {
    const parsed = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof parsed.version === 'string' ? parsed.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function processIO(): CliIO {
  return { out: process.stdout, err: process.stderr, env: process.env };
}
