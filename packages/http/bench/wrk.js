// Running wrk and reading its report.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PIPELINE_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'pipeline.lua');

/**
 * One wrk run: one thread, `connections` keep-alive connections for `seconds`, each sending
 * `depth` requests per write (1: no pipelining). Resolves with { rps, requests, errors }.
 */
export async function runWrk(wrk, port, { connections, depth, seconds }, prefix = []) {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '5s'];
  if (depth > 1) args.push('-s', PIPELINE_SCRIPT);
  args.push(`http://127.0.0.1:${port}/`);
  if (depth > 1) args.push('--', String(depth));
  const argv = [...prefix, wrk, ...args];
  const { stdout } = await run(argv[0], argv.slice(1), { timeout: (seconds + 30) * 1000 });
  return parseWrkReport(stdout);
}

/** requests/s, total requests and the error counts of a wrk report. */
export function parseWrkReport(text) {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1]);
  const requests = Number(/(\d+) requests in/.exec(text)?.[1]);
  if (!Number.isFinite(rps)) throw new Error(`no Requests/sec in wrk's report:\n${text}`);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  const errors =
    non2xx + (socket === null ? 0 : socket.slice(1).reduce((a, b) => a + Number(b), 0));
  return { rps, requests, errors };
}
