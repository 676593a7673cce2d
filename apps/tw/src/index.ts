/**
 * @tw/cli — the `tw` command as a library, for tests and for programs that embed it.
 */
export {
  main,
  buildProgram,
  findPlugins,
  type CliIO,
  type GlobalOptions,
  type PluginCatalog,
} from './cli.js';
export {
  loadConfigFile,
  checkConfig,
  type TwConfig,
  type ServiceConfig,
  type LogFormat,
} from './config.js';
export { defaultConfig, DEFAULT_DATA_DIR, DEFAULT_PORT_BASE } from './default-config.js';
export { prepareDataDir, DEMO_ACCOUNT, PASSWORD_FILE, type DataDirReport } from './data-dir.js';
export { runServices, type ServiceSpec, type RunServicesOptions } from './run-services.js';
export { formatTable, listeningRows, genericConnectHint, type ListeningRow } from './table.js';
export { ExitCode } from './exit-codes.js';
export { UsageError, ConfigError } from './errors.js';
