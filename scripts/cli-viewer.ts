import type { Viewer } from "../lib/auth/viewer";

/**
 * Who a command's report is for when no account is named: a reader without groups (internal incidents only), a reader
 * in these groups, or an admin (`--include-restricted`). What it may see is then decided by lib/knowledge/facts
 * canReadEntry, the rule every page uses.
 */
export function cliViewer(command: string, opts: { groups?: string; admin?: boolean } = {}): Viewer {
  const groups = (opts.groups ?? "").split(",").map((g) => g.trim()).filter(Boolean);
  return { id: "cli", name: `kaizen ${command}`, email: "", role: opts.admin ? "admin" : "reader", groups };
}
