import type { IncidentDoc } from "../content";
import { startedAt } from "../knowledge/facts";

export interface IncidentRowData {
  id: string;
  title: string;
  summary: string;
  severity?: string;
  status: string;
  kind: string;
  visibility: string;
  groups: string[];
  teams: string[];
  services: string[];
  startedAt?: string;
}

/** The plain data a list row shows. */
export function toRowData(i: IncidentDoc): IncidentRowData {
  const fm = i.frontmatter;
  return { id: i.id, title: fm.title, summary: fm.summary, severity: fm.severity, status: fm.status, kind: fm.kind, visibility: fm.visibility, groups: fm.groups, teams: fm.teams, services: fm.services, startedAt: startedAt(i) ?? undefined };
}
