// CSV (RFC 4180) for the admin's records and spreadsheets. Text that came from servers goes into these files, so
// a cell a spreadsheet would take as a formula (= + - @, or a tab or carriage return before one) is prefixed
// with ' (OWASP's advice for CSV injection), and a field is quoted when it holds a comma, a quote, a line
// break or edge spaces.

export function csvField(value: string | number | boolean | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]|^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A host id as the registration protocol issues it: a lowercase UUID. */
export const HOST_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
