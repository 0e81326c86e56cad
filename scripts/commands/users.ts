import { addUser, ensureDemoUsers, loadUsers, removeUser, updateUser } from "../../lib/auth/users";
import { audit } from "../../lib/auth/audit";
import { roleSchema } from "../../lib/auth/viewer";
import { flagString, UsageError, type CliArgs } from "../cli-args";

const USAGE = "kaizen users list | add <username> --role reader|author|admin [--groups a,b] [--name N] [--email E] [--password P] | remove <username> | set-role <username> <role> | set-groups <username> <a,b> | ensure-demo";

function groupsOf(v: string | undefined): string[] {
  return (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

export const command = {
  summary: "manage local accounts: list, add, remove, set-role, set-groups",
  async run(args: CliArgs): Promise<number> {
    const [sub, username, value] = args.positionals;
    switch (sub) {
      case "list": {
        const users = await loadUsers();
        if (args.flags.json === true) console.log(JSON.stringify(users.map((u) => ({ username: u.username, name: u.name, email: u.email, role: u.role, groups: u.groups, demo: u.demo })), null, 2));
        else for (const u of users) console.log(`${u.username.padEnd(20)} ${u.role.padEnd(7)} ${u.groups.join(",").padEnd(20)} ${u.email}${u.demo ? "  (demo)" : ""}`);
        return 0;
      }
      case "add": {
        if (!username) throw new UsageError(USAGE);
        const role = roleSchema.safeParse(flagString(args, "role") ?? "reader");
        if (!role.success) throw new UsageError("--role must be reader, author or admin");
        const { password } = await addUser({ username, role: role.data, groups: groupsOf(flagString(args, "groups")), name: flagString(args, "name"), email: flagString(args, "email"), password: flagString(args, "password") });
        await audit({ type: "user-change", user: "cli", target: username, change: `added as ${role.data}` });
        console.log(`added ${username} (${role.data})${flagString(args, "password") ? "" : `; password: ${password}`}`);
        return 0;
      }
      case "remove":
        if (!username) throw new UsageError(USAGE);
        await removeUser(username);
        await audit({ type: "user-change", user: "cli", target: username, change: "removed" });
        console.log(`removed ${username}`);
        return 0;
      case "set-role": {
        const role = roleSchema.safeParse(value);
        if (!username || !role.success) throw new UsageError(USAGE);
        await updateUser(username, { role: role.data });
        await audit({ type: "user-change", user: "cli", target: username, change: `role ${role.data}` });
        console.log(`${username} is now ${role.data}`);
        return 0;
      }
      case "set-groups":
        if (!username || value === undefined) throw new UsageError(USAGE);
        await updateUser(username, { groups: groupsOf(value) });
        await audit({ type: "user-change", user: "cli", target: username, change: `groups ${value}` });
        console.log(`${username} groups: ${groupsOf(value).join(", ") || "(none)"}`);
        return 0;
      case "ensure-demo": {
        const created = await ensureDemoUsers();
        if (created.length > 0) {
          console.log("\n  Demo accounts created (shown once; change or remove them with `npm run kaizen -- users`):");
          for (const c of created) console.log(`    ${c.username.padEnd(8)} ${c.password}   (${c.role}${c.role === "admin" ? ", group security" : ""})`);
          console.log("");
        }
        return 0;
      }
      default:
        throw new UsageError(USAGE);
    }
  },
};
