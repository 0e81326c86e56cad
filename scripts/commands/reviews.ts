import { findUserByLogin, toViewer } from "../../lib/auth/users";
import { configSection } from "../../lib/content/kaizen-config";
import { canReadEntry } from "../../lib/knowledge/facts";
import { ContentStore } from "../../lib/content/store";
import { contentDir } from "../../lib/env";
import { formatDateTime } from "../../lib/knowledge/dates";
import { reviewsAt } from "../../lib/reviews/read";
import { reviewState } from "../../lib/reviews/state";
import { reviewsWaitingFor } from "../../lib/reviews/waiting";
import { flagString, UsageError, type CliArgs } from "../cli-args";
import { cliViewer } from "../cli-viewer";

const USAGE = "reviews [--content DIR] [--mine [--user NAME]] [--include-restricted] [--json]";

interface Row {
  id: string;
  title: string;
  visibility: string;
  approvals: number;
  needed: number;
  waitingFor: string[];
  requestedBy: string | null;
  requestedAt: string | null;
}

export const command = {
  summary: "post-mortems in review and what they wait for (--mine: the ones waiting for you)",
  usage: USAGE.replace(/^reviews \[--content DIR\] /, ""),
  options: {
    mine: { type: "boolean", description: "only reviews waiting for this user (--user, else KAIZEN_USER)" },
    user: { type: "string", value: "NAME", description: "the local user (username or e-mail) for --mine" },
    "include-restricted": { type: "boolean", description: "without --mine: list restricted incidents too" },
    json: { type: "boolean", description: "print the rows as JSON" },
  },
  async run(args: CliArgs): Promise<number> {
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"\n  ${USAGE}`);
    if (args.flags.user !== undefined && args.flags.mine !== true) throw new UsageError(`--user goes with --mine\n  ${USAGE}`);
    if (args.flags.mine === true && args.flags["include-restricted"] === true) throw new UsageError(`--include-restricted does not apply to --mine: you see what you may read\n  ${USAGE}`);
    const store = new ContentStore(contentDir());
    const snap = await store.snapshot();
    const { files } = await reviewsAt(store, snap);
    const policy = configSection(snap, "review");
    for (const p of policy.problems) console.error(`warning: ${p.file}:${p.line}:${p.col}  ${p.field}  ${p.message}`);
    const broken = [...files].filter(([, f]) => !f.ok);
    for (const [id] of broken) console.error(`warning: reviews/${id}.yml does not validate and is read as empty (run: kaizen lint)`);

    let rows: Row[];
    if (args.flags.mine === true) {
      const login = flagString(args, "user") ?? process.env.KAIZEN_USER;
      if (!login) throw new UsageError(`--mine needs a user: --user NAME or KAIZEN_USER\n  ${USAGE}`);
      const user = await findUserByLogin(login);
      if (!user) throw new UsageError(`no local user "${login}" (see: kaizen users list)`);
      const viewer = toViewer(user);
      rows = reviewsWaitingFor(viewer, snap.incidents, files, policy.policy).map(({ incident, state }) => ({
        id: incident.id,
        title: incident.frontmatter.title,
        visibility: incident.frontmatter.visibility,
        approvals: state.approvals,
        needed: state.needed,
        waitingFor: [viewer.id],
        requestedBy: state.request?.name ?? state.request?.by ?? null,
        requestedAt: state.request?.at ?? null,
      }));
    } else {
      const viewer = cliViewer("reviews", { admin: args.flags["include-restricted"] === true });
      rows = snap.incidents
        .filter((i) => i.frontmatter.status === "in-review" && canReadEntry(viewer, i))
        .map((i) => {
          const f = files.get(i.id);
          const state = reviewState(i.frontmatter, f?.ok ? f.entries : [], policy.policy);
          return {
            id: i.id,
            title: i.frontmatter.title,
            visibility: i.frontmatter.visibility,
            approvals: state.approvals,
            needed: state.needed,
            waitingFor: state.reviewers.filter((r) => r.decision === "pending").map((r) => r.handle),
            requestedBy: state.request?.name ?? state.request?.by ?? null,
            requestedAt: state.request?.at ?? null,
          };
        })
        .sort((a, b) => (a.requestedAt ?? "").localeCompare(b.requestedAt ?? "") || a.id.localeCompare(b.id));
    }

    if (args.flags.json === true) {
      console.log(JSON.stringify(rows, null, 2));
      return 0;
    }
    for (const r of rows) {
      const who = r.waitingFor.length ? `waiting for ${r.waitingFor.join(", ")}` : "no reviewer asked";
      const asked = r.requestedBy ? ` · asked by ${r.requestedBy} ${formatDateTime(r.requestedAt)}` : "";
      console.log(`${`${r.approvals}/${r.needed}`.padEnd(6)} ${r.id}${r.visibility === "restricted" ? " [restricted]" : ""}`);
      console.log(`       ${r.title}`);
      console.log(`       ${who}${asked}`);
    }
    console.error(`${rows.length} review(s)${args.flags.mine === true ? " waiting for you" : " in progress"}`);
    return 0;
  },
};
