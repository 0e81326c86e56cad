import fs from "node:fs/promises";
import path from "node:path";
import { dataDir } from "../env";

export type AuditEvent =
  | { type: "sign-in"; user: string; method: string; ok: boolean; ip?: string; reason?: string }
  | { type: "sign-out"; user: string }
  | { type: "denied"; user: string | null; action: string; target: string; reason: string }
  | { type: "visibility-change"; user: string; incident: string; from: string; to: string; groups: string[] }
  | { type: "user-change"; user: string; target: string; change: string }
  | { type: "taxonomy-change"; user: string; change: string; commit: string; incidents: number }
  | { type: "ticket-close"; user: string; incident: string; countermeasure: string; source: string; ticket: string; commit: string };

export type AuditRecord = AuditEvent & { at: string };

function auditFile(): string {
  return path.join(dataDir(), "audit.log");
}

/** Appends one JSON line to the audit log; never throws (an audit failure must not turn a denial into a 500). */
export async function audit(event: AuditEvent): Promise<void> {
  try {
    await fs.mkdir(dataDir(), { recursive: true });
    await fs.appendFile(auditFile(), JSON.stringify({ at: new Date().toISOString(), ...event }) + "\n", { mode: 0o600 });
  } catch (err) {
    console.error("[kaizen] could not write the audit log:", (err as Error).message);
  }
}

/** The newest `limit` audit records, newest first. */
export async function readAudit(limit = 500): Promise<AuditRecord[]> {
  const raw = await fs.readFile(auditFile(), "utf8").catch(() => "");
  const lines = raw.split("\n").filter(Boolean);
  const out: AuditRecord[] = [];
  for (let i = lines.length - 1; i >= 0 && out.length < limit; i--) {
    try {
      out.push(JSON.parse(lines[i] ?? "") as AuditRecord);
    } catch {
      // a torn last line after a crash is skipped
    }
  }
  return out;
}
