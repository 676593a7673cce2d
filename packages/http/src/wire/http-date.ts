/**
 * HTTP dates (RFC 9110 §5.6.7). We send IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), which is
 * exactly what Date.prototype.toUTCString() produces.
 */
export function formatHTTPDate(date: Date | number): string {
  return (typeof date === 'number' ? new Date(date) : date).toUTCString();
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * Parse the three formats a recipient must accept: IMF-fixdate, obsolete RFC 850
 * ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime ("Sun Nov  6 08:49:37 1994").
 * Returns epoch milliseconds, or null when `text` is none of them.
 */
export function parseHTTPDate(text: string): number | null {
  const imf = /^[A-Za-z]{3}, (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(text);
  if (imf) return build(imf[3]!, imf[2]!, imf[1]!, imf[4]!, imf[5]!, imf[6]!);
  const rfc850 = /^[A-Za-z]+, (\d{2})-([A-Za-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(
    text,
  );
  if (rfc850) {
    // Two-digit years that look more than 50 years ahead are in the past century (§5.6.7).
    const yy = Number(rfc850[3]);
    const now = new Date().getUTCFullYear();
    let year = Math.floor(now / 100) * 100 + yy;
    if (year > now + 50) year -= 100;
    return build(String(year), rfc850[2]!, rfc850[1]!, rfc850[4]!, rfc850[5]!, rfc850[6]!);
  }
  const asctime = /^[A-Za-z]{3} ([A-Za-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/.exec(
    text,
  );
  if (asctime) {
    return build(
      asctime[6]!,
      asctime[1]!,
      asctime[2]!.trim(),
      asctime[3]!,
      asctime[4]!,
      asctime[5]!,
    );
  }
  return null;
}

function build(
  year: string,
  month: string,
  day: string,
  hour: string,
  minute: string,
  second: string,
): number | null {
  const monthIndex = MONTHS.indexOf(month.toLowerCase());
  if (monthIndex < 0) return null;
  const d = Number(day);
  const h = Number(hour);
  const m = Number(minute);
  const s = Number(second);
  if (d < 1 || d > 31 || h > 23 || m > 59 || s > 60) return null;
  return Date.UTC(Number(year), monthIndex, d, h, m, Math.min(s, 59));
}
