// Other search engines, used plainly the way their documentation shows, on the same text as Kaizen: the baselines of
// the search eval and the benchmark.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import MiniSearch from "minisearch";
import lunr from "lunr";
import { Document } from "flexsearch";

export interface PeerDoc {
  id: string;
  title: string;
  summary: string;
  body: string;
  tags: string;
  company: string;
  severity: string;
}

export interface PeerQuery {
  text: string;
  /** Match the (single) word as a prefix. */
  prefix?: boolean;
  /** Required exact phrase (engines without phrase support check it on the stored text). */
  phrase?: string;
  severity?: string;
}

export interface Peer {
  readonly name: string;
  build(docs: readonly PeerDoc[]): void;
  search(q: PeerQuery, limit: number): string[];
  /** Writes the index to `dir`; returns bytes written. */
  save(dir: string): number;
  /** Loads the index saved in `dir` into a fresh instance. */
  load(dir: string, docs: readonly PeerDoc[]): void;
  /** Replaces one document (or rebuilds, if the engine cannot update). */
  update(doc: PeerDoc, docs: readonly PeerDoc[]): void;
}

const FIELDS = ["title", "summary", "body", "tags", "company"] as const;
const words = (s: string): string[] => (s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 64);

function phraseFilter(q: PeerQuery, byId: Map<string, PeerDoc>): (id: string) => boolean {
  const phrase = q.phrase?.toLowerCase();
  return (id) => {
    const d = byId.get(id);
    if (!d) return false;
    if (q.severity && d.severity !== q.severity) return false;
    if (phrase && !`${d.title}\n${d.summary}\n${d.body}`.toLowerCase().includes(phrase)) return false;
    return true;
  };
}

/** MiniSearch with its default OR combination and a title boost. */
export class MiniSearchPeer implements Peer {
  readonly name = "minisearch";
  private ms = MiniSearchPeer.create();
  private byId = new Map<string, PeerDoc>();
  private static create() {
    return new MiniSearch<PeerDoc>({ fields: [...FIELDS], storeFields: [], searchOptions: { boost: { title: 2, summary: 1.5 } } });
  }
  build(docs: readonly PeerDoc[]): void {
    this.ms = MiniSearchPeer.create();
    this.ms.addAll([...docs]);
    this.byId = new Map(docs.map((d) => [d.id, d]));
  }
  search(q: PeerQuery, limit: number): string[] {
    const text = [q.text, q.phrase ?? ""].join(" ").trim();
    const keep = phraseFilter(q, this.byId);
    return this.ms.search(text, { filter: (r) => keep(String(r.id)), prefix: q.prefix === true }).slice(0, limit).map((r) => String(r.id));
  }
  save(dir: string): number {
    const json = JSON.stringify(this.ms);
    fs.writeFileSync(path.join(dir, "minisearch.json"), json);
    return Buffer.byteLength(json);
  }
  load(dir: string, docs: readonly PeerDoc[]): void {
    this.ms = MiniSearch.loadJSON<PeerDoc>(fs.readFileSync(path.join(dir, "minisearch.json"), "utf8"), { fields: [...FIELDS], storeFields: [] });
    this.byId = new Map(docs.map((d) => [d.id, d]));
  }
  update(doc: PeerDoc): void {
    if (this.ms.has(doc.id)) this.ms.replace(doc);
    else this.ms.add(doc);
    this.byId.set(doc.id, doc);
  }
}

/** lunr with field boosts; its index is immutable, so an update rebuilds it. */
export class LunrPeer implements Peer {
  readonly name = "lunr";
  private idx: lunr.Index | null = null;
  private byId = new Map<string, PeerDoc>();
  build(docs: readonly PeerDoc[]): void {
    this.idx = lunr(function () {
      this.ref("id");
      this.field("title", { boost: 2 });
      this.field("summary", { boost: 1.5 });
      this.field("body");
      this.field("tags");
      this.field("company");
      for (const d of docs) this.add(d);
    });
    this.byId = new Map(docs.map((d) => [d.id, d]));
  }
  search(q: PeerQuery, limit: number): string[] {
    if (!this.idx) return [];
    const terms = words([q.text, q.phrase ?? ""].join(" "));
    const keep = phraseFilter(q, this.byId);
    return this.idx
      .query((b) => {
        for (const t of terms) b.term(t, q.prefix ? { wildcard: lunr.Query.wildcard.TRAILING, usePipeline: false } : {});
      })
      .filter((r) => keep(r.ref))
      .slice(0, limit)
      .map((r) => r.ref);
  }
  save(dir: string): number {
    const json = JSON.stringify(this.idx);
    fs.writeFileSync(path.join(dir, "lunr.json"), json);
    return Buffer.byteLength(json);
  }
  load(dir: string, docs: readonly PeerDoc[]): void {
    this.idx = lunr.Index.load(JSON.parse(fs.readFileSync(path.join(dir, "lunr.json"), "utf8")));
    this.byId = new Map(docs.map((d) => [d.id, d]));
  }
  update(doc: PeerDoc, docs: readonly PeerDoc[]): void {
    this.build(docs.map((d) => (d.id === doc.id ? doc : d)));
  }
}

/** SQLite FTS5 with the porter tokenizer, ranked by bm25() with column weights. */
export class Fts5Peer implements Peer {
  readonly name = "sqlite-fts5";
  private db: Database.Database | null = null;
  constructor(private readonly file = ":memory:") {}
  private open(file: string): Database.Database {
    this.db?.close();
    this.db = new Database(file);
    return this.db;
  }
  build(docs: readonly PeerDoc[]): void {
    if (this.file !== ":memory:") fs.rmSync(this.file, { force: true });
    const db = this.open(this.file);
    db.exec("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, summary, body, tags, company, severity UNINDEXED, tokenize = 'porter unicode61')");
    const ins = db.prepare("INSERT INTO docs (id, title, summary, body, tags, company, severity) VALUES (?, ?, ?, ?, ?, ?, ?)");
    db.transaction(() => {
      for (const d of docs) ins.run(d.id, d.title, d.summary, d.body, d.tags, d.company, d.severity);
    })();
  }
  search(q: PeerQuery, limit: number): string[] {
    if (!this.db) return [];
    const terms = words(q.text).map((t) => (q.prefix ? `"${t}"*` : `"${t}"`));
    const parts: string[] = [];
    if (terms.length) parts.push(`(${terms.join(" OR ")})`);
    if (q.phrase) parts.push(`"${words(q.phrase).join(" ")}"`);
    if (parts.length === 0) return [];
    const where = q.severity ? "AND severity = ?" : "";
    const sql = `SELECT id FROM docs WHERE docs MATCH ? ${where} ORDER BY bm25(docs, 0, 2.0, 1.5, 1.0, 1.0, 1.0, 0) LIMIT ?`;
    const args: (string | number)[] = [parts.join(" AND ")];
    if (q.severity) args.push(q.severity);
    args.push(limit);
    return (this.db.prepare(sql).all(...args) as { id: string }[]).map((r) => r.id);
  }
  save(dir: string): number {
    if (!this.db) return 0;
    const file = path.join(dir, "fts5.sqlite");
    fs.rmSync(file, { force: true });
    this.db.exec(`VACUUM INTO '${file.replace(/'/g, "''")}'`);
    return fs.statSync(file).size;
  }
  load(dir: string): void {
    this.open(path.join(dir, "fts5.sqlite"));
  }
  update(doc: PeerDoc): void {
    if (!this.db) return;
    const db = this.db;
    db.transaction(() => {
      db.prepare("DELETE FROM docs WHERE id = ?").run(doc.id);
      db.prepare("INSERT INTO docs (id, title, summary, body, tags, company, severity) VALUES (?, ?, ?, ?, ?, ?, ?)").run(doc.id, doc.title, doc.summary, doc.body, doc.tags, doc.company, doc.severity);
    })();
  }
}

type FlexDoc = Record<string, string>;

/** flexsearch Document used plainly: default options, per-field results merged in order (suggest on for OR-like recall). */
export class FlexsearchPeer implements Peer {
  readonly name = "flexsearch";
  private doc = FlexsearchPeer.create();
  private byId = new Map<string, PeerDoc>();
  private static create() {
    return new Document<FlexDoc>({ document: { id: "id", index: [...FIELDS] } });
  }
  build(docs: readonly PeerDoc[]): void {
    this.doc = FlexsearchPeer.create();
    for (const d of docs) this.doc.add({ ...d });
    this.byId = new Map(docs.map((d) => [d.id, d]));
  }
  search(q: PeerQuery, limit: number): string[] {
    const text = [q.text, q.phrase ?? ""].join(" ").trim();
    const keep = phraseFilter(q, this.byId);
    const fieldResults = this.doc.search(text, { limit: Math.max(limit * 5, 50), suggest: true }) as unknown as { field: string; result: (string | number)[] }[];
    const order: string[] = [];
    const seen = new Set<string>();
    // Interleave fields in their declared order so a title hit is not drowned by body hits.
    const max = Math.max(0, ...fieldResults.map((r) => r.result.length));
    for (let i = 0; i < max; i++) {
      for (const r of fieldResults) {
        const id = r.result[i];
        if (id === undefined) continue;
        const s = String(id);
        if (!seen.has(s) && keep(s)) {
          seen.add(s);
          order.push(s);
        }
      }
    }
    return order.slice(0, limit);
  }
  save(dir: string): number {
    let bytes = 0;
    const out = path.join(dir, "flexsearch");
    fs.mkdirSync(out, { recursive: true });
    void this.doc.export((key: string, data: string) => {
      if (data === undefined || data === null) return;
      fs.writeFileSync(path.join(out, key), data);
      bytes += Buffer.byteLength(data);
    });
    return bytes;
  }
  load(dir: string, docs: readonly PeerDoc[]): void {
    this.doc = FlexsearchPeer.create();
    const out = path.join(dir, "flexsearch");
    for (const key of fs.readdirSync(out)) this.doc.import(key, fs.readFileSync(path.join(out, key), "utf8"));
    this.byId = new Map(docs.map((d) => [d.id, d]));
  }
  update(doc: PeerDoc): void {
    this.doc.update({ ...doc });
    this.byId.set(doc.id, doc);
  }
}

/** Every peer, fresh. */
export function allPeers(): Peer[] {
  return [new Fts5Peer(), new MiniSearchPeer(), new LunrPeer(), new FlexsearchPeer()];
}
