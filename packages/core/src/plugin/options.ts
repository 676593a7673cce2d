import { parseEndpointDescription } from '../endpoints/grammar.js';
import type { PluginOption, TwPlugin } from '../interfaces/plugin.js';
import {
  InvalidPluginOptionValueError,
  MissingPluginOptionError,
  UnknownPluginOptionError,
} from './errors.js';
import { describeValue } from './plugin-shape.js';

/** The command-line flag of an option: `dataDir` → `--data-dir`. */
export function optionFlagName(optionName: string): string {
  return `--${optionName.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/**
 * Check and convert raw option values — strings from the command line, or values from a JSON
 * or YAML config file — against `plugin.options`, giving what makeService() receives:
 *
 * - keys are option names (`dataDir`) or their flag form without dashes (`data-dir`);
 * - `number` accepts numbers and decimal strings ("12", "0.5", "1e3");
 * - `boolean` accepts true/false and the strings "true"/"false" (any case);
 * - `string` and `path` accept strings (and numbers, which YAML produces for `name: 123`);
 * - `endpoint` must parse with the endpoint grammar (`tcp:8080:interface=127.0.0.1`);
 * - `string[]` / `endpoint[]` accept an array (repeated flags) or a single value;
 *   a scalar option given several values is an error;
 * - defaults are applied; a missing boolean without a default is false, a missing list [];
 * - a missing required option, an unknown option or a bad value throws a PluginOptionError
 *   (`tw` reports it as a usage error, exit code 2). Null/undefined values count as missing.
 */
export function parsePluginOptions<O extends Record<string, unknown>>(
  plugin: TwPlugin<O>,
  raw: Readonly<Record<string, unknown>>,
): O {
  const byKey = new Map<string, PluginOption>();
  for (const option of plugin.options) {
    byKey.set(option.name, option);
    byKey.set(optionFlagName(option.name).slice(2), option);
  }
  const given = new Map<PluginOption, { key: string; value: unknown }>();
  for (const key of Object.keys(raw)) {
    const option = byKey.get(key);
    if (option === undefined) {
      throw new UnknownPluginOptionError(
        plugin.name,
        key,
        plugin.options.map((known) => optionFlagName(known.name)),
      );
    }
    const value = raw[key];
    if (value === undefined || value === null) continue;
    const earlier = given.get(option);
    if (earlier !== undefined) {
      throw new InvalidPluginOptionValueError(
        plugin.name,
        option.name,
        flagOf(option),
        `it is given twice, as ${JSON.stringify(earlier.key)} and ${JSON.stringify(key)}; give it once.`,
      );
    }
    given.set(option, { key, value });
  }

  const parsed: Record<string, unknown> = {};
  for (const option of plugin.options) {
    const entry = given.get(option);
    if (entry !== undefined) {
      parsed[option.name] = coerce(plugin.name, option, entry.value);
    } else if (option.default !== undefined) {
      parsed[option.name] = Array.isArray(option.default) ? [...option.default] : option.default;
    } else if (option.required === true) {
      throw new MissingPluginOptionError(plugin.name, option.name, flagOf(option), option.help);
    } else if (option.type === 'boolean') {
      parsed[option.name] = false;
    } else if (option.type === 'string[]' || option.type === 'endpoint[]') {
      parsed[option.name] = [];
    }
  }
  return parsed as O;
}

function flagOf(option: PluginOption): string {
  return optionFlagName(option.name);
}

function coerce(pluginName: string, option: PluginOption, value: unknown): unknown {
  const invalid = (problem: string): InvalidPluginOptionValueError =>
    new InvalidPluginOptionValueError(pluginName, option.name, flagOf(option), problem);
  const type = option.type;
  if (type === 'string[]' || type === 'endpoint[]') {
    const items: unknown[] = Array.isArray(value) ? value : [value];
    const itemType = type === 'string[]' ? 'string' : 'endpoint';
    return items.map((item) => {
      const result = coerceOne(itemType, item);
      if (typeof result === 'object') throw invalid(result.problem);
      return result;
    });
  }
  let single = value;
  if (Array.isArray(value)) {
    if (value.length !== 1) {
      throw invalid(
        `it takes one value but was given ${value.length} (${value.map(describeValue).join(', ')}).`,
      );
    }
    single = value[0];
  }
  const result = coerceOne(type, single);
  if (typeof result === 'object') throw invalid(result.problem);
  return result;
}

type ScalarType = Exclude<PluginOption['type'], 'string[]' | 'endpoint[]'>;

/** The converted value, or `{ problem }` saying what is wrong with it. */
function coerceOne(
  type: ScalarType,
  value: unknown,
): string | number | boolean | { problem: string } {
  switch (type) {
    case 'string':
    case 'path': {
      const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
      if (typeof text !== 'string')
        return { problem: `expected ${article(type)}, got ${describeValue(value)}.` };
      if (type === 'path' && text === '')
        return { problem: 'expected a path, got an empty string.' };
      return text;
    }
    case 'number': {
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (typeof value === 'string' && DECIMAL.test(value.trim())) {
        const number = Number(value.trim());
        if (Number.isFinite(number)) return number;
      }
      return { problem: `expected a number such as 12 or 0.5, got ${describeValue(value)}.` };
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string') {
        const word = value.trim().toLowerCase();
        if (word === 'true') return true;
        if (word === 'false') return false;
      }
      return { problem: `expected true or false, got ${describeValue(value)}.` };
    }
    case 'endpoint': {
      if (typeof value !== 'string') {
        return {
          problem: `expected an endpoint description such as "tcp:8080", got ${describeValue(value)}.`,
        };
      }
      try {
        parseEndpointDescription(value);
      } catch (error) {
        return { problem: error instanceof Error ? error.message : String(error) };
      }
      return value;
    }
  }
}

/** A decimal number as people write it: "12", "-3", "0.5", ".5", "1e3". Not "0x10", "", "12abc". */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function article(type: 'string' | 'path'): string {
  return type === 'string' ? 'a string' : 'a path';
}
