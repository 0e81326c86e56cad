import type { FollowupRow } from "./model";

export const CSV_COLUMNS = ["incident", "title", "owner", "due", "status", "type", "days overdue", "ticket", "addresses", "url"] as const;

/** Spreadsheets run a cell that starts with one of these as a formula (CSV injection); a leading ' defuses it. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One RFC 4180 field: formula starts defused, quoted when it holds a quote, comma or line break. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(value);
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The link to an incident page under the app's base URL. */
export function incidentUrl(baseUrl: string, incidentId: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/incidents/${encodeURIComponent(incidentId)}`;
}

/** CSV export of follow-up rows: header line, CRLF line endings (RFC 4180). */
export function rowsToCsv(rows: readonly FollowupRow[], baseUrl: string): string {
  const lines = [CSV_COLUMNS.map(csvCell).join(",")];
  for (const r of rows) {
    lines.push(
      [r.incident.id, r.title, r.owner, r.due, r.status, r.type, r.daysOverdue, r.ticket, (r.addresses ?? []).join(" "), incidentUrl(baseUrl, r.incident.id)]
        .map(csvCell)
        .join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}
