import { addUser, ensureDemoUsers, loadUsers, removeUser, setPassword, updateUser } from "../../lib/auth/users";
import { audit } from "../../lib/auth/audit";
import { roleSchema } from "../../lib/auth/viewer";
import fs from "node:fs";
import path from "node:path";
import { dataDir } from "../../lib/env";

// Demo passwords are kept (0600, in the data directory) only so `npm start` can show them again after the build
// output scrolled them away; an account whose password was changed stops being a demo account and is not shown.
const demoFile = () => path.join(dataDir(), "demo-passwords.json");

async function printDemoAccounts(): Promise<void> {
  let saved: Record<string, string> = {};
  try {
    saved = JSON.parse(fs.readFileSync(demoFile(), "utf8")) as Record<string, string>;
  } catch {
    return;
  }
  const demo = (await loadUsers()).filter((u) => u.demo && saved[u.username]);
  if (demo.length === 0) return;
  console.log("\n  Demo accounts (change them with `npm run kaizen -- users set-password <name>`, or remove them):");
  for (const u of demo) console.log(`    ${u.username.padEnd(8)} ${saved[u.username]}   (${u.role}${u.groups.length ? `, group ${u.groups.join(", ")}` : ""})`);
  console.log("");
}
import { flagString, UsageError, type CliArgs } from "../cli-args";

/** The first line of standard input: a password never goes on the command line (shell history, `ps`). */
async function passwordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write("password: ");
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const line = Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
  if (!line) throw new UsageError("--password-stdin: no password on standard input");
  return line;
}

const USAGE = "kaizen users list [--json] | add <username> --role reader|author|admin [--groups a,b] [--name N] [--email E] [--password-stdin] | remove <username> | set-role <username> <role> | set-groups <username> <a,b> | set-password <username> (reads standard input) | ensure-demo | demo (the demo accounts still using their first password)";

function groupsOf(v: string | undefined): string[] {
  return (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

export const command = {
  summary: "manage local accounts: list, add, remove, set-role, set-groups, set-password",
  usage: USAGE.replace(/^kaizen users /, ""),
  options: {
    json: { type: "boolean", description: "list as JSON" },
    role: { type: "string", value: "ROLE", description: "reader, author or admin (add)" },
    groups: { type: "string", value: "a,b", description: "groups (add)" },
    name: { type: "string", value: "NAME", description: "display name (add)" },
    email: { type: "string", value: "EMAIL", description: "e-mail address (add)" },
    "password-stdin": { type: "boolean", description: "read the password from standard input (add, set-password); otherwise one is generated" },
  },
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
        const given = args.flags["password-stdin"] === true ? await passwordFromStdin() : undefined;
        const { password } = await addUser({ username, role: role.data, groups: groupsOf(flagString(args, "groups")), name: flagString(args, "name"), email: flagString(args, "email"), password: given });
        await audit({ type: "user-change", user: "cli", target: username, change: `added as ${role.data}` });
        console.log(`added ${username} (${role.data})${given ? "" : `; password: ${password}`}`);
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
      case "set-password": {
        if (!username) throw new UsageError(USAGE);
        await setPassword(username, await passwordFromStdin());
        await audit({ type: "user-change", user: "cli", target: username, change: "password changed" });
        console.log(`${username}: password changed`);
        return 0;
      }
      case "ensure-demo": {
        const created = await ensureDemoUsers();
        if (created.length > 0) {
          fs.mkdirSync(dataDir(), { recursive: true });
          fs.writeFileSync(demoFile(), JSON.stringify(Object.fromEntries(created.map((c) => [c.username, c.password])), null, 2) + "\n", { mode: 0o600 });
          console.log(`created the demo accounts ${created.map((c) => c.username).join(", ")} (passwords shown when the server starts)`);
        }
        return 0;
      }
      case "demo": {
        await printDemoAccounts();
        return 0;
      }
      default:
        throw new UsageError(USAGE);
    }
  },
};
