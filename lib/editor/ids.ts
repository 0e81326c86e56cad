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
