import path from "node:path";
import { findUser, toViewer } from "../../lib/auth/users";
import { ContentStore } from "../../lib/content/store";
import { contentDir } from "../../lib/env";
import { buildSite, type ExportAudience } from "../../lib/export/build";
import { siteAssets, writeSite } from "../../lib/export/write";
import { flagString, UsageError, type CliArgs } from "../cli-args";

export const command = {
  summary: "write a static site: public versions (--public DIR) or a read-only copy for one user or group (--internal DIR)",
  usage: "--public DIR | --internal DIR (--as USER | --group GROUP) [--title TEXT]",
  options: {
    public: { type: "string", value: "DIR", description: "export the public versions of published `publish: public` incidents into DIR" },
    internal: { type: "string", value: "DIR", description: "export everything one user or group may read into DIR" },
    as: { type: "string", value: "USER", description: "with --internal: what this local user may read" },
    group: { type: "string", value: "GROUP", description: "with --internal: what a reader in this group may read" },
    title: { type: "string", value: "TEXT", description: "the site's title (default: Engineering post-mortems)" },
  },
  async run(args: CliArgs): Promise<number> {
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
    const publicDir = flagString(args, "public");
    const internalDir = flagString(args, "internal");
    const as = flagString(args, "as");
    const group = flagString(args, "group");
    if ((publicDir === undefined) === (internalDir === undefined)) throw new UsageError("give exactly one of --public DIR and --internal DIR");
    let audience: ExportAudience;
    if (publicDir !== undefined) {
      if (as !== undefined || group !== undefined) throw new UsageError("--as and --group go with --internal; a public export is for everyone");
      audience = { kind: "public" };
    } else {
      if ((as === undefined) === (group === undefined)) throw new UsageError("--internal needs exactly one of --as USER and --group GROUP");
      if (as !== undefined) {
        const user = await findUser(as);
        if (!user) throw new UsageError(`no local user "${as}" (see kaizen users list)`);
        audience = { kind: "internal", viewer: toViewer(user), label: `user ${user.username}` };
      } else {
        const g = (group ?? "").trim();
        if (!g) throw new UsageError("--group needs a group name");
        audience = { kind: "internal", viewer: { id: `group:${g}`, name: `group ${g}`, email: "", role: "reader", groups: [g] }, label: `group ${g}` };
      }
    }
    const dir = path.resolve(publicDir ?? internalDir ?? "");
    const snap = await new ContentStore(contentDir()).snapshot();
    const site = buildSite(snap, audience, await siteAssets(), { title: flagString(args, "title") });
    await writeSite(dir, site, audience.kind);
    for (const s of site.skipped) console.error(`skipped ${s.id}: ${s.reason}`);
    if (audience.kind === "internal" && snap.broken.length > 0) console.error(`${snap.broken.length} incident file(s) do not validate and are not in the copy (kaizen lint lists them)`);
    console.log(`${site.incidents.length} incident(s), ${site.files.size} files written to ${dir}`);
    console.log(`open ${path.join(dir, "index.html")}`);
    return site.skipped.length > 0 ? 1 : 0;
  },
};
