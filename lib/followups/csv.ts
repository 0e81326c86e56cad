import type { FollowupRow } from "./rows";
import { stripInline } from "../mdx/inline";

export const CSV_COLUMNS = ["incident", "title", "owner", "due", "status", "type", "days overdue", "ticket", "addresses", "url"] as const;

/**
 * Spreadsheets run a cell that starts with one of these as a formula (CSV injection), also after leading blanks and
 * in the full-width forms some locales accept; a leading tab or line break is how a cell hides such a start. A
 * leading ' makes the cell text.
 */
const FORMULA_START = /^[\s\u00a0\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r\n]/;

/**
 * Characters that end a cell in some reader: RFC 4180's comma, quote and line breaks, plus the semicolon (the list
 * separator of locales with a decimal comma) and tab (tab-separated imports). A bare one would start a new cell, and
 * that cell could start with a formula.
 */
const NEEDS_QUOTES = /[",;\t\r\n]/;

/** One RFC 4180 field: formula starts defused, quoted when it holds anything a reader might split on. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
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
      [r.incident.id, stripInline(r.title), r.owner, r.due, r.status, r.type, r.daysOverdue, r.ticket, (r.addresses ?? []).join(" "), incidentUrl(baseUrl, r.incident.id)]
        .map(csvCell)
        .join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}
