/**
 * The status of an error that says the request itself was at fault — an object with a numeric
 * `status` from 400 to 499 (FormParseError, HTTPParseError) — or null for anything else,
 * which is the server's fault (500).
 */
export function clientErrorStatus(error: unknown): number | null {
  if (typeof error !== 'object' || error === null || !(error instanceof Error)) return null;
  const status = (error as { status?: unknown }).status;
  if (typeof status !== 'number' || !Number.isInteger(status)) return null;
  return status >= 400 && status <= 499 ? status : null;
}
