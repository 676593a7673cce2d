import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { setPasswordInFile } from '@tw/core';
import type { CommandContext } from '../cli.js';
import { PASSWORD_FILE } from '../data-dir.js';
import { DEFAULT_DATA_DIR } from '../default-config.js';
import { UsageError } from '../errors.js';

/** `tw passwd [--file FILE] [--password-stdin] USERNAME`. */
export function addPasswdCommand(program: Command, context: CommandContext): void {
  program
    .command('passwd')
    .description('add a user to an scrypt password file, or change their password')
    .argument('<username>', 'the user to add or change')
    .option('--file <path>', `the password file (default: ${PASSWORD_FILE} in the data directory)`)
    .option('--password-stdin', 'read the password from the first line of standard input')
    .action(
      async (
        username: string,
        options: { file?: string; passwordStdin?: boolean },
        command: Command,
      ) => {
        const globals = context.globals(command);
        context.setExitCode(
          await runPasswd(
            {
              username,
              file: options.file,
              dataDir: globals.dataDir ?? DEFAULT_DATA_DIR,
              passwordStdin: options.passwordStdin === true,
            },
            context.io.out,
          ),
        );
      },
    );
}

/** What `tw passwd` was given. */
export interface PasswdCommandOptions {
  readonly username: string;
  /** The password file (default: `passwd` in the data directory). */
  readonly file: string | undefined;
  readonly dataDir: string;
  /** Read the password from standard input (the first line) rather than asking for it. */
  readonly passwordStdin: boolean;
}

/**
 * `tw passwd [--file FILE] USERNAME`: add USERNAME to an scrypt password file, or change their
 * password. The password comes from the terminal (asked twice, not echoed) or, with
 * --password-stdin or when stdin is not a terminal, from the first line of standard input.
 */
export async function runPasswd(
  options: PasswdCommandOptions,
  out: NodeJS.WritableStream,
): Promise<number> {
  const file = resolve(options.file ?? join(options.dataDir, PASSWORD_FILE));
  const interactive = !options.passwordStdin && process.stdin.isTTY === true;
  let password: string;
  if (interactive) {
    password = await askHidden(`Password for ${options.username}: `);
    const again = await askHidden('Again: ');
    if (again !== password) throw new UsageError('The two passwords differ; nothing was written.');
  } else {
    password = firstLine(await readAll(process.stdin));
  }
  if (password === '') throw new UsageError('The password is empty; nothing was written.');
  await mkdir(dirname(file), { recursive: true });
  await setPasswordInFile(file, options.username, password);
  out.write(`Password for ${options.username} set in ${file}\n`);
  return 0;
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').replace(/\r$/, '');
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Ask on the terminal without echoing what is typed (Backspace edits, Ctrl-C aborts). */
function askHidden(prompt: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolvePassword, reject) => {
    let typed = '';
    const finish = (error: Error | null): void => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      if (error === null) resolvePassword(typed);
      else reject(error);
    };
    const onData = (chunk: Buffer): void => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n' || char === '\u0004') return finish(null);
        if (char === '\u0003') return finish(new UsageError('Interrupted; nothing was written.'));
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    input.setRawMode(true);
    input.resume();
    input.on('data', onData);
  });
}
