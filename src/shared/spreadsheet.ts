/**
 * A value written to a CSV meant for a spreadsheet: a cell starting with = + - @ or a tab or
 * carriage return would be read as a formula (OWASP "CSV injection"), so it is prefixed with an
 * apostrophe, which spreadsheets show as text. Names are stored exactly as given; only exports
 * neutralise them.
 */
export function spreadsheetCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
