import type { Command } from 'commander';
import type { CommandContext } from '../cli.js';

/** `tw plugins`: every plugin found, with its package and folder, then the warnings. */
export function addPluginsCommand(program: Command, context: CommandContext): void {
  program
    .command('plugins')
    .description('list the plugins found, where they come from, and any that failed to load')
    .allowExcessArguments(false)
    .action(() => {
      const { catalog, io } = context;
      const width = Math.max(6, ...catalog.plugins.map((found) => found.plugin.name.length));
      for (const found of catalog.plugins) {
        const version = found.packageVersion === null ? '' : `@${found.packageVersion}`;
        io.out.write(
          `${found.plugin.name.padEnd(width)}  ${found.packageName}${version}  ${found.packageDir}\n`,
        );
        io.out.write(`${''.padEnd(width)}  ${found.plugin.description}\n`);
      }
      if (catalog.plugins.length === 0) io.out.write('No plugins found.\n');
      io.out.write(
        `\nSearched: ${catalog.searchPaths.join(', ')} (and their parents' node_modules)\n`,
      );
      for (const warning of catalog.warnings) io.err.write(`warning: ${warning}\n`);
      context.setExitCode(0);
    });
}
