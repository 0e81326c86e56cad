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

function csvLine(r: FollowupRow, baseUrl: string): string {
  return [r.incident.id, stripInline(r.title), r.owner, r.due, r.status, r.type, r.daysOverdue, r.ticket, (r.addresses ?? []).join(" "), incidentUrl(baseUrl, r.incident.id)]
    .map(csvCell)
    .join(",");
}

/** CSV export of follow-up rows: header line, CRLF line endings (RFC 4180). */
export function rowsToCsv(rows: readonly FollowupRow[], baseUrl: string): string {
  return [...csvChunks(rows, baseUrl, Infinity)].join("");
}

/** Rows per chunk of the streamed export: small enough that one chunk never holds the event loop for long. */
export const CSV_CHUNK_ROWS = 500;

/** The same CSV as rowsToCsv, a chunk of `chunkRows` lines at a time (the header opens the first chunk). */
export function* csvChunks(rows: readonly FollowupRow[], baseUrl: string, chunkRows = CSV_CHUNK_ROWS): Generator<string> {
  let lines = [CSV_COLUMNS.map(csvCell).join(",")];
  for (const r of rows) {
    lines.push(csvLine(r, baseUrl));
    if (lines.length >= chunkRows) {
      yield `${lines.join("\r\n")}\r\n`;
      lines = [];
    }
  }
  if (lines.length) yield `${lines.join("\r\n")}\r\n`;
}

/**
 * The CSV as a byte stream: the header and first rows go out at once, the rest as the client reads (pull), so a
 * 30,000-row export neither waits for the whole text nor holds it in memory.
 */
export function csvStream(rows: readonly FollowupRow[], baseUrl: string, chunkRows = CSV_CHUNK_ROWS): ReadableStream<Uint8Array> {
  const chunks = csvChunks(rows, baseUrl, chunkRows);
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const next = chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      cancel() {
        chunks.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}
