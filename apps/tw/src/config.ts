import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isLogLevel, type LogLevel } from '@tw/core';
import { ConfigError } from './errors.js';

export type LogFormat = 'text' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

/** One service `tw serve` runs: a plugin by name, with the options its flags would give. */
export interface ServiceConfig {
  readonly plugin: string;
  /** Unique service name (default: the plugin's name, then `name-2`, …). */
  readonly name?: string;
  /** Option values by camelCase name, as the plugin declares them (`{ "listen": ["tcp:7000"] }`). */
  readonly options?: Readonly<Record<string, unknown>>;
}

/**
 * What `tw serve --config tw.json` reads:
 *
 * ```json
 * { "dataDir": "./data", "logFormat": "text",
 *   "services": [{ "plugin": "echo", "options": { "listen": ["tcp:7000:interface=127.0.0.1"] } }] }
 * ```
 */
export interface TwConfig {
  /** Relative paths are resolved against the config file's directory. */
  readonly dataDir?: string;
  readonly logFormat?: LogFormat;
  readonly logLevel?: LogLevel;
  /** Write each plugin's sample content and a demo account on start (default false). */
  readonly sampleData?: boolean;
  readonly services: readonly ServiceConfig[];
}

const TOP_LEVEL_KEYS = new Set(['dataDir', 'logFormat', 'logLevel', 'sampleData', 'services']);
const SERVICE_KEYS = new Set(['plugin', 'name', 'options']);

/** Read and check a JSON config file; relative `dataDir` becomes absolute. Throws ConfigError. */
export function loadConfigFile(path: string): TwConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, `cannot be read (${(error as Error).message}).`, { cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, `is not valid JSON (${(error as Error).message}).`, {
      cause: error,
    });
  }
  const config = checkConfig(data, path);
  return config.dataDir === undefined
    ? config
    : { ...config, dataDir: resolve(dirname(path), config.dataDir) };
}

/** Check that `data` has the shape of a TwConfig; `source` names it in error messages. */
export function checkConfig(data: unknown, source: string): TwConfig {
  const fail = (problem: string): never => {
    throw new ConfigError(source, problem);
  };
  if (!isRecord(data)) return fail('must hold a JSON object with a "services" array.');
  for (const key of Object.keys(data)) {
    if (!TOP_LEVEL_KEYS.has(key))
      fail(`unknown key "${key}" (known: ${[...TOP_LEVEL_KEYS].join(', ')}).`);
  }
  const { dataDir, logFormat, logLevel, sampleData, services } = data;
  if (dataDir !== undefined && typeof dataDir !== 'string') fail('"dataDir" must be a string.');
  if (logFormat !== undefined && !LOG_FORMATS.includes(logFormat as LogFormat)) {
    fail(`"logFormat" must be one of ${LOG_FORMATS.join(', ')}.`);
  }
  if (logLevel !== undefined && !isLogLevel(logLevel))
    fail('"logLevel" must be debug, info, warn, error or critical.');
  if (sampleData !== undefined && typeof sampleData !== 'boolean')
    fail('"sampleData" must be true or false.');
  if (!Array.isArray(services) || services.length === 0)
    fail('"services" must be a non-empty array.');
  (services as unknown[]).forEach((service, index) => {
    const where = `services[${index}]`;
    if (!isRecord(service)) return fail(`${where} must be an object like { "plugin": "echo" }.`);
    for (const key of Object.keys(service)) {
      if (!SERVICE_KEYS.has(key))
        fail(`${where} has an unknown key "${key}" (known: plugin, name, options).`);
    }
    if (typeof service['plugin'] !== 'string' || service['plugin'] === '')
      fail(`${where}.plugin must name a plugin.`);
    if (service['name'] !== undefined && typeof service['name'] !== 'string')
      fail(`${where}.name must be a string.`);
    if (service['options'] !== undefined && !isRecord(service['options']))
      fail(`${where}.options must be an object.`);
    return undefined;
  });
  return data as unknown as TwConfig;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
