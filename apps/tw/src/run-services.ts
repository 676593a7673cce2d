import { resolve } from 'node:path';
import {
  Logger,
  MultiService,
  NodeReactor,
  formatAddress,
  runService,
  type Failure,
  type LogLevel,
  type TwPlugin,
} from '@tw/core';
import type { LogFormat } from './config.js';
import { DEMO_ACCOUNT, prepareDataDir, type DataDirReport } from './data-dir.js';
import { usageErrorFrom } from './exit-codes.js';
import { startLogging } from './logging.js';
import { formatTable, listeningRows, type StartedService } from './table.js';

/** One service to run: a plugin and its options, already parsed and checked. */
export interface ServiceSpec {
  readonly name: string;
  readonly plugin: TwPlugin;
  readonly options: Record<string, unknown>;
}

export interface RunServicesOptions {
  readonly dataDir: string;
  readonly logFormat: LogFormat;
  readonly logLevel: LogLevel;
  /** Write sample content and the demo account into the data directory (the default config). */
  readonly sampleData: boolean;
  /** Where the table and the logs go. */
  readonly out: NodeJS.WritableStream;
}

const log = new Logger('tw.cli');

/**
 * Run `specs` in one NodeReactor until SIGINT/SIGTERM: each plugin's service becomes a named
 * child of one MultiService, started when the reactor runs and stopped before it shuts down.
 * Once every port is bound, prints the table of what listens where (text) or logs one event
 * per port (JSON). Resolves with the exit code: 0 after a clean stop, 1 when starting failed.
 * Throws UsageError (exit code 2) when a plugin rejects its options before anything started.
 */
export async function runServices(
  specs: readonly ServiceSpec[],
  options: RunServicesOptions,
): Promise<number> {
  const dataDir = resolve(options.dataDir);
  const report = await prepareDataDir(dataDir, {
    sampleData: options.sampleData,
    plugins: specs.map((spec) => spec.plugin),
  });
  const stopLogging = startLogging(options.logFormat, options.logLevel, options.out);
  try {
    const reactor = new NodeReactor();
    const root = new MultiService();
    const started: StartedService[] = [];
    for (const spec of specs) {
      const context = {
        reactor,
        dataDir,
        log: new Logger(`tw.${spec.name}`),
        // Read at request time, so a status page sees every service once all are listening.
        services: () => listeningRows(started),
      };
      let service;
      try {
        service = await spec.plugin.makeService(spec.options, context);
      } catch (error) {
        // Bad endpoint descriptions and the like are the user's to fix: exit code 2.
        throw usageErrorFrom(error, `${spec.name}: `) ?? error;
      }
      service.setName(spec.name);
      root.addService(service);
      started.push({ name: spec.name, plugin: spec.plugin, service });
    }

    let exitCode = 0;
    reactor.addSystemEventTrigger('before', 'shutdown', () => log.info('Shutting down'));
    reactor.addSystemEventTrigger('after', 'shutdown', () => log.info('Stopped'));
    runService(reactor, root).addCallbacks(
      () => announce(started, report, options),
      (failure: Failure) => {
        log.error('tw could not start: {reason}', { reason: failure.getErrorMessage() });
        exitCode = 1;
        reactor.stop();
      },
    );
    await reactor.run();
    return exitCode;
  } finally {
    stopLogging();
  }
}

function announce(
  started: readonly StartedService[],
  report: DataDirReport,
  options: RunServicesOptions,
): void {
  const rows = listeningRows(started);
  if (options.logFormat === 'text') {
    options.out.write(`\ntw is serving:\n\n${formatTable(rows, tableNotes(report))}\n`);
    return;
  }
  // JSON lines stay machine-readable: one event per port carries what the table would show.
  for (const row of rows) {
    log.info('{service} listening on {address} ({endpoint}); try: {connect}', {
      service: row.service,
      address: formatAddress(row.address),
      endpoint: row.endpoint,
      connect: row.connect,
    });
  }
}

function tableNotes(report: DataDirReport): string[] {
  const notes = [`data directory: ${report.dataDir}${report.created ? ' (created)' : ''}`];
  if (report.passwordFile !== null) {
    notes.push(
      report.demoAccountWritten
        ? `demo account: ${DEMO_ACCOUNT.username} / password ${DEMO_ACCOUNT.password} (in ${report.passwordFile})`
        : `accounts: ${report.passwordFile} (created with ${DEMO_ACCOUNT.username} / ${DEMO_ACCOUNT.password}; \`tw passwd\` adds more)`,
    );
  }
  if (report.certificate !== null)
    notes.push(`TLS certificate (self-signed): ${report.certificate}`);
  notes.push('Ctrl-C stops it.');
  return notes;
}
