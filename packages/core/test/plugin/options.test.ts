import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  InvalidPluginOptionValueError,
  MissingPluginOptionError,
  PluginOptionError,
  UnknownPluginOptionError,
  findPluginProblems,
  isTwPlugin,
  optionFlagName,
  parsePluginOptions,
  type PluginOption,
  type TwPlugin,
} from '../../src/index.js';

function pluginWith(options: PluginOption[]): TwPlugin {
  return {
    name: 'demo',
    description: 'A plugin for tests',
    options,
    makeService: () => {
      throw new Error('not used');
    },
  };
}

const demo = pluginWith([
  { name: 'listen', type: 'endpoint', help: 'where to listen', default: 'tcp:8080' },
  { name: 'maxClients', type: 'number', help: 'connection limit', default: 100 },
  { name: 'verbose', type: 'boolean', help: 'log more', short: 'v' },
  { name: 'dataDir', type: 'path', help: 'where to keep state' },
  { name: 'motd', type: 'string', help: 'message of the day' },
  { name: 'users', type: 'string[]', help: 'allowed users' },
  { name: 'also', type: 'endpoint[]', help: 'more ports', default: ['tcp:1', 'tcp:2'] },
]);

function errorOf(fn: () => unknown): PluginOptionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PluginOptionError);
    return error as PluginOptionError;
  }
  throw new Error('expected a PluginOptionError');
}

describe('parsePluginOptions', () => {
  it('applies defaults; booleans default to false and lists to []', () => {
    expect(parsePluginOptions(demo, {})).toEqual({
      listen: 'tcp:8080',
      maxClients: 100,
      verbose: false,
      users: [],
      also: ['tcp:1', 'tcp:2'],
    });
  });

  it('coerces command-line strings', () => {
    expect(
      parsePluginOptions(demo, {
        listen: 'tcp:0:interface=127.0.0.1',
        'max-clients': '12',
        verbose: 'TRUE',
        'data-dir': '/var/lib/demo',
        motd: 'hello',
        users: ['alice', 'bob'],
        also: 'unix:/run/demo.sock',
      }),
    ).toEqual({
      listen: 'tcp:0:interface=127.0.0.1',
      maxClients: 12,
      verbose: true,
      dataDir: '/var/lib/demo',
      motd: 'hello',
      users: ['alice', 'bob'],
      also: ['unix:/run/demo.sock'],
    });
  });

  it('accepts config-file values as they come from JSON/YAML', () => {
    const parsed = parsePluginOptions(demo, {
      maxClients: 5,
      verbose: false,
      motd: 42,
      users: null,
    });
    expect(parsed).toMatchObject({ maxClients: 5, verbose: false, motd: '42', users: [] });
  });

  it('does not share a default array between calls', () => {
    const first = parsePluginOptions(demo, {});
    (first['also'] as string[]).push('tcp:3');
    expect(parsePluginOptions(demo, {})['also']).toEqual(['tcp:1', 'tcp:2']);
  });

  it('rejects what is not a number', () => {
    for (const bad of ['abc', '12abc', '', '0x10', '1e400', 'Infinity', true]) {
      const error = errorOf(() => parsePluginOptions(demo, { maxClients: bad }));
      expect(error).toBeInstanceOf(InvalidPluginOptionValueError);
      expect(error.code).toBe('TW_PLUGIN_OPTION_INVALID_VALUE');
      expect(error.message).toContain('--max-clients');
      expect(error.optionName).toBe('maxClients');
    }
  });

  it('rejects a boolean that is not true or false', () => {
    const error = errorOf(() => parsePluginOptions(demo, { verbose: 'yes' }));
    expect(error.message).toMatch(/--verbose.*expected true or false, got "yes"/);
  });

  it('rejects an endpoint that does not parse, with the grammar’s reason', () => {
    const error = errorOf(() => parsePluginOptions(demo, { listen: ':8080' }));
    expect(error).toBeInstanceOf(InvalidPluginOptionValueError);
    expect(error.message).toMatch(/--listen.*no scheme/);
    expect(() => parsePluginOptions(demo, { also: ['tcp:1', 'tcp:2:a=1:a=2'] })).toThrow(
      /given more than once/,
    );
  });

  it('rejects several values for a single-valued option', () => {
    const error = errorOf(() => parsePluginOptions(demo, { motd: ['a', 'b'] }));
    expect(error.message).toMatch(/takes one value but was given 2/);
    expect(parsePluginOptions(demo, { motd: ['only'] })['motd']).toBe('only');
  });

  it('rejects unknown options, listing the known ones', () => {
    const error = errorOf(() => parsePluginOptions(demo, { prot: 'tcp:1' }));
    expect(error).toBeInstanceOf(UnknownPluginOptionError);
    expect(error.code).toBe('TW_PLUGIN_OPTION_UNKNOWN');
    expect(error.message).toContain('--listen, --max-clients');
    expect(() => parsePluginOptions(demo, JSON.parse('{"__proto__": 1}') as never)).toThrow(
      UnknownPluginOptionError,
    );
  });

  it('rejects the same option given in both spellings', () => {
    expect(() => parsePluginOptions(demo, { dataDir: '/a', 'data-dir': '/b' })).toThrow(
      /given twice/,
    );
  });

  it('requires required options', () => {
    const strict = pluginWith([
      { name: 'host', type: 'string', help: 'server name', required: true },
    ]);
    const error = errorOf(() => parsePluginOptions(strict, {}));
    expect(error).toBeInstanceOf(MissingPluginOptionError);
    expect(error.code).toBe('TW_PLUGIN_OPTION_MISSING');
    expect(error.message).toMatch(/needs the option --host \(server name\)/);
    expect(parsePluginOptions(strict, { host: 'example.org' })).toEqual({ host: 'example.org' });
  });

  it('any finite number round-trips through its decimal string', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const parsed = parsePluginOptions(demo, { maxClients: String(n) })['maxClients'];
        expect(Object.is(parsed, n) || (parsed === 0 && n === 0)).toBe(true);
      }),
    );
  });

  it('any list of strings passes through string[] unchanged', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (users) => {
        expect(parsePluginOptions(demo, { users })['users']).toEqual(users);
      }),
    );
  });
});

describe('optionFlagName', () => {
  it('turns camelCase into a kebab-case flag', () => {
    expect(optionFlagName('dataDir')).toBe('--data-dir');
    expect(optionFlagName('port')).toBe('--port');
    expect(optionFlagName('maxTLSVersion')).toBe('--max-t-l-s-version');
  });
});

describe('findPluginProblems', () => {
  it('accepts a well-formed plugin', () => {
    expect(findPluginProblems(demo)).toEqual([]);
    expect(isTwPlugin(demo)).toBe(true);
  });

  it('names every problem', () => {
    const problems = findPluginProblems({
      name: 'x_y',
      options: [
        { name: 'Port', type: 'number', help: 'p' },
        { name: 'a', type: 'number', help: 'a', default: '1', short: 'v' },
        { name: 'a', type: 'boolean', help: 1, short: 'v' },
        { name: 'e', type: 'endpoint', help: 'e', default: 'tcp:1:x=1:x=2' },
        'nope',
      ],
    });
    expect(problems.join('\n')).toMatchInlineSnapshot(`
      "its name "x_y" must be a string of lowercase letters, digits and "-", starting with a letter (it becomes \`tw <name>\`)
      plugin "x_y": description must be a one-line string, not undefined (missing)
      plugin "x_y": makeService must be a function (options, context) => IService, not undefined (missing)
      plugin "x_y": options[0] ("Port") name "Port" must be camelCase letters and digits, starting with a lowercase letter
      plugin "x_y": options[1] ("a") default must be a finite number, not "1"
      plugin "x_y": options[2] ("a") name "a" is declared twice
      plugin "x_y": options[2] ("a") help must be a string, not 1
      plugin "x_y": options[2] ("a") short flag -v is used by another option
      plugin "x_y": options[3] ("e") default "tcp:1:x=1:x=2" is not an endpoint description: Invalid endpoint description "tcp:1:x=1:x=2": the keyword "x" is given more than once.
      plugin "x_y": options[4] must be an object { name, type, help }, not "nope""
    `);
  });

  it('checks the optional hooks are functions', () => {
    expect(findPluginProblems({ ...demo, registerEndpoints: 'ws' })).toEqual([
      'plugin "demo": registerEndpoints must be a function when present, not "ws"',
    ]);
    expect(findPluginProblems({ ...demo, registerEndpoints: () => undefined })).toEqual([]);
  });
});
