/** RFC 4180 CSV: quote fields with a comma, quote or line break; CRLF line ends (Excel opens it). */
export function toCsv(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (value: unknown): string => {
    const text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
    // A leading = + - @ would be run as a formula by spreadsheets (CSV injection): neutralise it.
    const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [headers, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
