// Inline search fixtures shared by the search unit tests.
import type { SearchDoc } from "../../lib/search/document";

/** A search record with defaults for everything not given. */
export function sdoc(id: string, over: Partial<SearchDoc> = {}): SearchDoc {
  return {
    id,
    blob: `blob-${id}`,
    title: `Incident ${id}`,
    summary: "",
    text: "",
    factorIds: [],
    factorText: "",
    countermeasures: "",
    services: [],
    teams: [],
    tags: [],
    company: "",
    severity: "SEV2",
    status: "published",
    kind: "incident",
    startedAt: "2024-01-01T00:00:00Z",
    ...over,
  };
}

export const FIXTURE: SearchDoc[] = [
  sdoc("dns-outage", {
    title: "DNS resolver outage in us-east-1",
    summary: "Resolvers in us-east-1 returned SERVFAIL after a bad zone push.",
    text: "The zone file push broke DNS resolution. Pods were OOMKilled while retrying. See CVE-2024-1234 for the library bug.",
    services: ["dns", "edge"],
    teams: ["network"],
    tags: ["dns", "5xx"],
    severity: "SEV1",
    startedAt: "2024-03-05T10:00:00Z",
    factorIds: ["config-push"],
    factorText: "config-push Unvalidated config push",
  }),
  sdoc("http3-hang", {
    title: "Browser network hang with HTTP/3",
    summary: "Clients using http3 hung on a malformed header.",
    text: "An http3 code path looped forever on a header with an unexpected length.",
    services: ["browser"],
    teams: ["client"],
    tags: ["http3"],
    severity: "SEV2",
    startedAt: "2022-01-13T08:00:00Z",
  }),
  sdoc("db-failover", {
    title: "Database failover lost committed transactions",
    summary: "The primary database failed over and replication lag meant committed writes were lost.",
    text: "Asynchronous replication lagged behind. After the failover the replica was promoted and the connection pool reconnected.",
    services: ["ledger-db"],
    teams: ["data"],
    tags: ["database", "failover"],
    severity: "SEV1",
    status: "in-review",
    startedAt: "2023-06-01T00:00:00Z",
    factorIds: ["replication-lag"],
    factorText: "replication-lag Replication lag",
  }),
  sdoc("cert-expiry", {
    title: "Expired TLS certificate on the payments gateway",
    summary: "A certificate expired and payments failed with handshake errors.",
    text: "Nobody renewed the certificate. The database was fine. <script>alert(1)</script> appeared in a log line.",
    services: ["payments-gateway"],
    teams: ["payments"],
    tags: ["tls", "certificate"],
    severity: "SEV2",
    startedAt: "2025-01-12T00:00:00Z",
  }),
  sdoc("cjk", {
    title: "数据库故障 in the Tokyo region",
    summary: "東京リージョンで数据库故障が発生しました",
    text: "数据库故障导致服务中断",
    services: ["tokyo-db"],
    teams: ["apac"],
    tags: ["database"],
    severity: "SEV3",
    kind: "near-miss",
    startedAt: "2023-09-09T00:00:00Z",
  }),
];
