import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "../../lib/auth/viewer";
import { saveIncident } from "../../lib/editor/save";
import { resolveChannels, type Channel } from "../../lib/notify/channels";
import { messagesForSave } from "../../lib/notify/events";
import { mrkdwnLink } from "../../lib/notify/messages";
import { configSection, kaizenConfigOf } from "../../lib/content/kaizen-config";
import { EMPTY_NOTIFY_POLICY } from "../../lib/schema/notify-policy";
import { git, removeTempDirs, tempDir } from "../fixtures/git-repo";
import { incidentText, makeContentRepo } from "./notify-fixtures";

const BASE = "https://kaizen.example.com";
const ADA: Viewer = { id: "ada", name: "Ada Admin", email: "ada@example.com", role: "admin", groups: [] };

const doneCm = ["countermeasures:", "  - id: alert-on-lag", "    title: Alert on replication lag", "    type: detect", "    owner: ana@example.com", "    due: 2026-01-20", "    status: done", "    done_at: 2026-01-10", "    addresses: [missing-alert]"];
const FILES = {
  "payments-outage": incidentText("Payments outage", ["started_at: 2026-01-01T10:00:00Z", "teams: [payments]", "contributing_factors:", "  - factor: missing-alert", ...doneCm]),
  "search-lag": incidentText("Search index lag", ["started_at: 2026-02-01T10:00:00Z", "teams: [search]", "contributing_factors:", "  - factor: missing-alert"]),
  "vault-leak": incidentText("Vault token exposure", ["started_at: 2026-02-15T10:00:00Z", "teams: [secops]", "visibility: restricted", "groups: [security]", "contributing_factors:", "  - factor: missing-alert"]),
  "checkout-down": incidentText("Checkout <down> & out", ["started_at: 2026-03-01T10:00:00Z", "teams: [checkout]", "summary: Orders failed for 40 minutes.", "contributing_factors:", "  - factor: missing-alert"]),
};

const channel = (label: string, groups: string[], teams: string[] | null, internal = true): Channel => ({
  label,
  url: `https://hooks.example.com/${label}`,
  audience: { id: `channel:${label}`, name: label, email: "", role: "reader", groups },
  teams,
  groups,
  internal,
});
const DEFAULT = channel("default", [], null);
const SECURITY = channel("group security", ["security"], [], false);

const parseNotifyPolicy = (raw: string | null) => configSection(kaizenConfigOf(raw), "notifications");

const texts = (m: { message: { text: string; blocks: { text?: { text: string } }[] } }) => [m.message.text, ...m.message.blocks.map((b) => b.text?.text ?? "")].join("\n");

afterAll(removeTempDirs);

describe("notification policy (kaizen.yml notifications:)", () => {
  it("reads teams and groups mapped to environment variables or URLs", () => {
    const { policy, problems } = parseNotifyPolicy("notifications:\n  teams:\n    sre: SLACK_SRE_WEBHOOK\n  groups:\n    security: https://hooks.example.com/sec\n");
    expect(problems).toEqual([]);
    expect(policy.teams).toEqual({ sre: "SLACK_SRE_WEBHOOK" });
    expect(policy.groups).toEqual({ security: "https://hooks.example.com/sec" });
    expect(policy.events).toEqual({ published: true, recurrence: true, review_requested: true });
  });

  it("a missing file or key is the empty policy", () => {
    expect(parseNotifyPolicy(null)).toEqual({ policy: EMPTY_NOTIFY_POLICY, problems: [] });
    expect(parseNotifyPolicy("redact: [acme]\n")).toEqual({ policy: EMPTY_NOTIFY_POLICY, problems: [] });
  });

  it("names file, line and field of a bad target and of an unknown key, and maps nothing", () => {
    const { policy, problems } = parseNotifyPolicy("redact: []\nnotifications:\n  teams:\n    sre: not a webhook\n  channels: {}\n");
    expect(policy).toEqual(EMPTY_NOTIFY_POLICY);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: "kaizen.yml", line: 4, field: "notifications.teams.sre", message: expect.stringContaining("environment variable name") }),
        expect.objectContaining({ file: "kaizen.yml", field: "notifications", message: expect.stringContaining("unknown field(s): channels") }),
      ]),
    );
  });
});

describe("channels", () => {
  it("resolves variables, warns about unset ones by name, and merges channels sharing a URL", () => {
    const { policy } = parseNotifyPolicy("notifications:\n  teams:\n    sre: SRE_HOOK\n    web: WEB_HOOK\n  groups:\n    security: SRE_HOOK\n");
    const { channels, warnings } = resolveChannels(policy, { KAIZEN_SLACK_WEBHOOK: "https://hooks.example.com/all", SRE_HOOK: "https://hooks.example.com/sre" });
    expect(channels.map((c) => [c.label, c.teams, c.groups])).toEqual([
      ["default", null, []],
      ["team sre, group security", ["sre"], ["security"]],
    ]);
    expect(warnings).toEqual(["team web: environment variable WEB_HOOK is not set; nothing is sent there"]);
    expect(JSON.stringify(warnings)).not.toContain("hooks.example.com");
  });

  it("link labels cannot break out of Slack's link syntax", () => {
    expect(mrkdwnLink("https://x.example/i/a", "a|b <c> & d")).toBe("<https://x.example/i/a|a¦b &lt;c&gt; &amp; d>");
  });
});

describe("messages for a save", () => {
  it("a published post-mortem: title, severity, factors and the teams that saw the factor before, without restricted ones", async () => {
    const { store } = await makeContentRepo(FILES);
    const after = await store.snapshot();
    const out = messagesForSave({ id: "checkout-down", previous: null, before: null, after, channels: [DEFAULT], policy: EMPTY_NOTIFY_POLICY, baseUrl: BASE });
    const published = out.find((m) => m.kind === "published");
    expect(published?.channel.label).toBe("default");
    const text = texts(published!);
    expect(text).toContain("Post-mortem published: Checkout <down> & out (SEV2)");
    expect(text).toContain("<https://kaizen.example.com/incidents/checkout-down|Checkout &lt;down&gt; &amp; out>");
    expect(text).toContain("Contributing factors:* Missing alert");
    expect(text).toContain("_Missing alert_ was already seen by teams payments and search (2 other incidents)");
    // The restricted incident with the same factor is neither named nor counted nor its team listed.
    expect(text).not.toMatch(/secops|Vault|3 other/);
  });

  it("a recurrence after a done countermeasure is announced once, with the countermeasure", async () => {
    const { store } = await makeContentRepo(FILES);
    const after = await store.snapshot();
    const first = messagesForSave({ id: "search-lag", previous: null, before: null, after, channels: [DEFAULT], policy: EMPTY_NOTIFY_POLICY, baseUrl: BASE });
    const rec = first.find((m) => m.kind === "recurrence");
    expect(texts(rec!)).toContain("Recurred after a countermeasure: Missing alert in Search index lag");
    expect(texts(rec!)).toContain("Alert on replication lag>");
    expect(texts(rec!)).toContain("done 2026-01-10, from Payments outage");
    // Saved again, already published and the same recurrence: nothing new to say.
    const prev = after.byId.get("search-lag");
    const again = messagesForSave({ id: "search-lag", previous: prev?.ok ? prev.frontmatter : null, before: after, after, channels: [DEFAULT], policy: EMPTY_NOTIFY_POLICY, baseUrl: BASE });
    expect(again).toEqual([]);
  });

  it("a restricted incident is never in a channel message unless the policy maps its group to that channel", async () => {
    const { store } = await makeContentRepo(FILES);
    const after = await store.snapshot();
    const team = channel("team secops", [], ["secops"]);
    const out = messagesForSave({ id: "vault-leak", previous: null, before: null, after, channels: [DEFAULT, team, SECURITY], policy: EMPTY_NOTIFY_POLICY, baseUrl: BASE });
    expect(new Set(out.map((m) => m.channel.label))).toEqual(new Set(["group security"]));
    expect(out.map((m) => m.kind).sort()).toEqual(["published", "recurrence"]);
    // And the other incidents' messages in the default channel never mention it.
    for (const id of ["checkout-down", "search-lag", "payments-outage"]) {
      for (const m of messagesForSave({ id, previous: null, before: null, after, channels: [DEFAULT], policy: EMPTY_NOTIFY_POLICY, baseUrl: BASE })) {
        expect(texts(m)).not.toMatch(/Vault|secops|vault-leak/);
      }
    }
  });

  it("drafts announce nothing; events can be switched off", async () => {
    const { store } = await makeContentRepo({ ...FILES, "search-lag": FILES["search-lag"].replace("status: published", "status: draft") });
    const after = await store.snapshot();
    expect(messagesForSave({ id: "search-lag", previous: null, before: null, after, channels: [DEFAULT], policy: EMPTY_NOTIFY_POLICY, baseUrl: BASE })).toEqual([]);
    const off = { ...EMPTY_NOTIFY_POLICY, events: { published: false, recurrence: true, review_requested: true } };
    const out = messagesForSave({ id: "checkout-down", previous: null, before: null, after, channels: [DEFAULT], policy: off, baseUrl: BASE });
    expect(out.map((m) => m.kind)).toEqual(["recurrence"]);
  });
});

describe("the save path's hook", () => {
  let server: http.Server;
  let port = 0;
  const received: { path: string; body: string }[] = [];
  let onRequest: () => void = () => undefined;
  let status = 200;
  const prev = { data: process.env.KAIZEN_DATA_DIR, hook: process.env.KAIZEN_SLACK_WEBHOOK };

  beforeAll(async () => {
    process.env.KAIZEN_DATA_DIR = await tempDir("kaizen-notify-data-");
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push({ path: req.url ?? "", body });
        res.writeHead(status).end(status === 200 ? "ok" : "boom");
        onRequest();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    process.env.KAIZEN_SLACK_WEBHOOK = `http://127.0.0.1:${port}/services/T0/B0/secret-part`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    for (const [k, v] of [["KAIZEN_DATA_DIR", prev.data], ["KAIZEN_SLACK_WEBHOOK", prev.hook]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it("publishing through the one save path posts the announcement after the commit", async () => {
    const { root, store } = await makeContentRepo({ ...FILES, "checkout-down": FILES["checkout-down"].replace("status: published", "status: in-review") });
    const got = new Promise<void>((resolve) => (onRequest = resolve));
    const text = await fs.readFile(path.join(root, "incidents", "checkout-down.mdx"), "utf8");
    const baseBlob = git(root, "rev-parse", "HEAD:incidents/checkout-down.mdx").trim();
    const result = await saveIncident(ADA, { id: "checkout-down", baseBlob, text: text.replace("status: in-review", "status: published") }, store);
    expect(result.ok).toBe(true);
    await got;
    const body = JSON.parse(received.at(-1)?.body ?? "{}") as { text: string };
    expect(body.text).toBe("Post-mortem published: Checkout <down> & out (SEV2)");
    expect(received.at(-1)?.path).toBe("/services/T0/B0/secret-part");
  });

  it("a failing webhook neither fails nor holds up the save, and its log names no secret", async () => {
    status = 500;
    const errors: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args.map(String).join(" "));
    try {
      const { store } = await makeContentRepo({});
      const result = await saveIncident(ADA, { id: "new-one", baseBlob: null, text: FILES["checkout-down"].replace("Checkout <down> & out", "Another outage") }, store);
      expect(result.ok).toBe(true);
      // The first attempt is under way or done; the save already answered. Wait until all attempts were made.
      await new Promise<void>((resolve) => {
        const check = () => (errors.some((e) => e.includes("notification")) ? resolve() : setTimeout(check, 50));
        check();
      });
      expect(errors.join("\n")).toContain('notification "published" to default failed after 4 attempt(s): HTTP 500');
      expect(errors.join("\n")).not.toContain("secret-part");
    } finally {
      console.error = original;
      status = 200;
    }
  });
});
