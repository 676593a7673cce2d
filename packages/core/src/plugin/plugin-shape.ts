import { parseEndpointDescription } from '../endpoints/grammar.js';
import type { PluginOption, TwPlugin } from '../interfaces/plugin.js';

/** What a plugin name must look like: it becomes a subcommand, `tw <name>`. */
export const PLUGIN_NAME_PATTERN = /^[a-z][a-z0-9-]*$/;

/** What an option name must look like: camelCase, so its flag (`--data-dir`) is unambiguous. */
export const PLUGIN_OPTION_NAME_PATTERN = /^[a-z][a-zA-Z0-9]*$/;

/** Every option type a plugin may declare. */
export const PLUGIN_OPTION_TYPES: readonly PluginOption['type'][] = [
  'string',
  'number',
  'boolean',
  'endpoint',
  'path',
  'string[]',
  'endpoint[]',
];

/**
 * Everything wrong with `value` as a {@link TwPlugin}, in words a plugin author can act on;
 * empty when it is a valid plugin. Checks the name, description, makeService and every option
 * (name, type, help, default of the right type — a default endpoint must parse — and no two
 * options with the same name or short flag).
 */
export function findPluginProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) {
    return [
      `the plugin must be an object with name, description, options and makeService, not ${describeValue(value)}`,
    ];
  }
  const plugin = value as Record<string, unknown>;
  const problems: string[] = [];
  const name = plugin['name'];
  if (typeof name !== 'string' || !PLUGIN_NAME_PATTERN.test(name)) {
    problems.push(
      `its name ${describeValue(name)} must be a string of lowercase letters, digits and "-", starting with a letter (it becomes \`tw <name>\`)`,
    );
  }
  const label = typeof name === 'string' ? `plugin ${JSON.stringify(name)}` : 'the plugin';
  if (typeof plugin['description'] !== 'string') {
    problems.push(
      `${label}: description must be a one-line string, not ${describeValue(plugin['description'])}`,
    );
  }
  if (typeof plugin['makeService'] !== 'function') {
    problems.push(
      `${label}: makeService must be a function (options, context) => IService, not ${describeValue(plugin['makeService'])}`,
    );
  }
  for (const hook of ['connectHint', 'prepareDataDir', 'registerEndpoints'] as const) {
    if (plugin[hook] !== undefined && typeof plugin[hook] !== 'function') {
      problems.push(
        `${label}: ${hook} must be a function when present, not ${describeValue(plugin[hook])}`,
      );
    }
  }
  const options = plugin['options'];
  if (!Array.isArray(options)) {
    problems.push(
      `${label}: options must be an array of option descriptions (use [] for none), not ${describeValue(options)}`,
    );
    return problems;
  }
  const names = new Set<string>();
  const shorts = new Set<string>();
  options.forEach((option: unknown, index) => {
    for (const problem of findOptionProblems(option, names, shorts)) {
      problems.push(`${label}: options[${index}]${optionLabel(option)} ${problem}`);
    }
  });
  return problems;
}

/** True when `value` is a valid TwPlugin (see findPluginProblems for why it is not). */
export function isTwPlugin(value: unknown): value is TwPlugin {
  return findPluginProblems(value).length === 0;
}

function findOptionProblems(value: unknown, names: Set<string>, shorts: Set<string>): string[] {
  if (typeof value !== 'object' || value === null) {
    return [`must be an object { name, type, help }, not ${describeValue(value)}`];
  }
  const option = value as Record<string, unknown>;
  const problems: string[] = [];
  const name = option['name'];
  if (typeof name !== 'string' || !PLUGIN_OPTION_NAME_PATTERN.test(name)) {
    problems.push(
      `name ${describeValue(name)} must be camelCase letters and digits, starting with a lowercase letter`,
    );
  } else if (names.has(name)) {
    problems.push(`name ${JSON.stringify(name)} is declared twice`);
  } else {
    names.add(name);
  }
  const type = option['type'];
  const knownType = PLUGIN_OPTION_TYPES.includes(type as PluginOption['type']);
  if (!knownType) {
    problems.push(`type ${describeValue(type)} must be one of ${PLUGIN_OPTION_TYPES.join(', ')}`);
  }
  if (typeof option['help'] !== 'string') {
    problems.push(`help must be a string, not ${describeValue(option['help'])}`);
  }
  if (option['required'] !== undefined && typeof option['required'] !== 'boolean') {
    problems.push(`required must be true or false, not ${describeValue(option['required'])}`);
  }
  const short = option['short'];
  if (short !== undefined) {
    if (typeof short !== 'string' || !/^[a-zA-Z]$/.test(short)) {
      problems.push(`short must be a single letter, not ${describeValue(short)}`);
    } else if (shorts.has(short)) {
      problems.push(`short flag -${short} is used by another option`);
    } else {
      shorts.add(short);
    }
  }
  if (knownType && option['default'] !== undefined) {
    const problem = findDefaultProblem(type as PluginOption['type'], option['default']);
    if (problem !== null) problems.push(problem);
  }
  return problems;
}

function findDefaultProblem(type: PluginOption['type'], value: unknown): string | null {
  switch (type) {
    case 'string':
    case 'path':
      return typeof value === 'string'
        ? null
        : `default must be a string, not ${describeValue(value)}`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
        ? null
        : `default must be a finite number, not ${describeValue(value)}`;
    case 'boolean':
      return typeof value === 'boolean'
        ? null
        : `default must be true or false, not ${describeValue(value)}`;
    case 'endpoint':
      return typeof value === 'string'
        ? endpointProblem(value)
        : `default must be an endpoint description string, not ${describeValue(value)}`;
    case 'string[]':
    case 'endpoint[]': {
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
        return `default must be an array of strings, not ${describeValue(value)}`;
      }
      if (type === 'string[]') return null;
      for (const item of value as string[]) {
        const problem = endpointProblem(item);
        if (problem !== null) return problem;
      }
      return null;
    }
  }
}

function endpointProblem(description: string): string | null {
  try {
    parseEndpointDescription(description);
    return null;
  } catch (error) {
    return `default ${JSON.stringify(description)} is not an endpoint description: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function optionLabel(option: unknown): string {
  if (typeof option !== 'object' || option === null) return '';
  const name = (option as { name?: unknown }).name;
  return typeof name === 'string' ? ` (${JSON.stringify(name)})` : '';
}

/** A short, safe rendering of any value for an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined (missing)';
  if (value === null) return 'null';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
