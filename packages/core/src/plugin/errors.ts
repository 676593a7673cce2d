import { TwError } from '../errors/tw-error.js';

/** Where a plugin came from, as far as it is known when something goes wrong. */
export interface PluginSource {
  /** The package's name from its package.json, or null if that could not be read. */
  readonly packageName: string | null;
  /** The package's folder. */
  readonly packageDir: string | null;
  /** The plugin module as package.json names it (`./dist/plugin.js`), when one is involved. */
  readonly modulePath?: string | null;
}

/**
 * A package that declares `tw` plugins could not be loaded: its package.json "tw" field is
 * malformed, a module is missing or throws when imported, or what it exports is not a valid
 * plugin. `problems` lists everything found wrong; discovery reports it and carries on with the
 * other packages.
 */
export class PluginLoadError extends TwError {
  readonly packageName: string | null;
  readonly packageDir: string | null;
  readonly modulePath: string | null;
  readonly problems: readonly string[];

  constructor(
    source: PluginSource,
    problems: readonly string[],
    options?: { cause?: unknown },
    code = 'TW_PLUGIN_LOAD_FAILED',
  ) {
    super(code, `${describeSource(source)}: ${problems.join('; ')}. ${ADVICE}`, options);
    this.packageName = source.packageName;
    this.packageDir = source.packageDir;
    this.modulePath = source.modulePath ?? null;
    this.problems = problems;
  }
}

const ADVICE =
  'Fix the package (see docs/plugins.md for the plugin contract), or uninstall it to silence this.';

/** Two installed plugins have the same name; the first one found is used, this one is not. */
export class DuplicatePluginNameError extends PluginLoadError {
  readonly pluginName: string;
  /** The package whose plugin of that name is used. */
  readonly keptPackageName: string;

  constructor(pluginName: string, kept: PluginSource, ignored: PluginSource) {
    super(
      ignored,
      [
        `its plugin ${JSON.stringify(pluginName)} has the same name as a plugin of ` +
          `${describeSource(kept)}, which is used instead; plugin names must be unique`,
      ],
      undefined,
      'TW_PLUGIN_DUPLICATE_NAME',
    );
    this.pluginName = pluginName;
    this.keptPackageName = kept.packageName ?? '(unnamed package)';
  }
}

function describeSource(source: PluginSource): string {
  const name =
    source.packageName === null ? 'A package' : `Package ${JSON.stringify(source.packageName)}`;
  const where = source.packageDir === null ? '' : ` (${source.packageDir})`;
  const module =
    source.modulePath == null ? '' : `, plugin module ${JSON.stringify(source.modulePath)}`;
  return `${name}${where}${module}`;
}

/**
 * The options given to a plugin (command-line flags or a config file section) do not fit its
 * option schema. The `tw` command reports these as usage errors (exit code 2).
 */
export class PluginOptionError extends TwError {
  readonly pluginName: string;
  /** The option concerned (as given, for an unknown one), or null. */
  readonly optionName: string | null;

  constructor(pluginName: string, optionName: string | null, message: string, code: string) {
    super(code, message);
    this.pluginName = pluginName;
    this.optionName = optionName;
  }
}

/** An option the plugin does not declare was given. */
export class UnknownPluginOptionError extends PluginOptionError {
  readonly knownOptions: readonly string[];

  constructor(pluginName: string, given: string, knownOptions: readonly string[]) {
    super(
      pluginName,
      given,
      `Unknown option ${JSON.stringify(given)} for \`tw ${pluginName}\`. ` +
        (knownOptions.length === 0
          ? 'It takes no options.'
          : `Its options are: ${knownOptions.join(', ')} (see \`tw ${pluginName} --help\`).`),
      'TW_PLUGIN_OPTION_UNKNOWN',
    );
    this.knownOptions = knownOptions;
  }
}

/** A required option was not given and has no default. */
export class MissingPluginOptionError extends PluginOptionError {
  constructor(pluginName: string, optionName: string, flag: string, help: string) {
    super(
      pluginName,
      optionName,
      `\`tw ${pluginName}\` needs the option ${flag} (${help}); give it on the command line or in the config file.`,
      'TW_PLUGIN_OPTION_MISSING',
    );
  }
}

/** A value given for an option is not of the option's type (or not a valid endpoint). */
export class InvalidPluginOptionValueError extends PluginOptionError {
  constructor(pluginName: string, optionName: string, flag: string, problem: string) {
    super(
      pluginName,
      optionName,
      `Invalid value for ${flag} of \`tw ${pluginName}\`: ${problem}`,
      'TW_PLUGIN_OPTION_INVALID_VALUE',
    );
  }
}
