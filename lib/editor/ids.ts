import { ID_PATTERN } from "../schema/common";

/** `2026-03-14-checkout-latency-from-connection-pool`: the date, then up to eight words of the title. */
export function incidentIdFrom(title: string, date: string | undefined, taken: (id: string) => boolean): string {
  const day = /^\d{4}-\d{2}-\d{2}/.exec(date ?? "")?.[0] ?? new Date().toISOString().slice(0, 10);
  const slug = title
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .filter(Boolean)
    .slice(0, 8)
    .join("-")
    .slice(0, 60)
    .replace(/-+$/, "");
  const base = slug ? `${day}-${slug}` : `${day}-incident`;
  let id = base;
  for (let n = 2; taken(id); n++) id = `${base}-${n}`;
  if (!ID_PATTERN.test(id)) throw new Error(`generated id "${id}" is not valid`);
  return id;
}

const SUFFIX_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

/** Four random lowercase letters or digits (1.7 million values). */
export function randomIdSuffix(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(4));
  return [...bytes].map((b) => SUFFIX_CHARS[b % SUFFIX_CHARS.length]).join("");
}

/**
 * The natural id when no incident has it, else the natural id with a random suffix. Any collision, with an incident
 * the author can see or one they cannot, gets the same kind of suffix: a counter (`-2`) would point at hidden ones.
 */
export function unusedIncidentId(natural: string, taken: (id: string) => boolean, suffix: () => string = randomIdSuffix): string {
  let id = natural;
  while (taken(id)) id = `${natural}-${suffix()}`;
  if (!ID_PATTERN.test(id)) throw new Error(`generated id "${id}" is not valid`);
  return id;
}
