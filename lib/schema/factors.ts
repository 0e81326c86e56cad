import { z } from "zod";
import { idSchema, stringList } from "./common";

export const factorSchema = z.strictObject(
  {
    id: idSchema,
    name: z.string().min(1, "required"),
    category: z.string().min(1, "required"),
    description: z.string().min(1, "required"),
    aliases: stringList.default([]),
    merged_into: idSchema.optional(),
    /** Outside categories this factor maps to, when they differ from its category's `maps_to`. */
    maps_to: stringList.optional(),
  },
  { error: (iss) => (iss.code === "unrecognized_keys" ? `unknown field(s): ${iss.keys.join(", ")}` : undefined) },
);

export const categorySchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1, "required"),
  description: z.string().default(""),
  /** Names of outside taxonomies' categories this one maps to (e.g. postmortems-app `config-change`). */
  maps_to: stringList.default([]),
});

const taxonomyObject = z.strictObject({
  categories: z.array(categorySchema).default([]),
  factors: z.array(factorSchema),
});

/** factors.yml is either a plain list of factors (ARCHITECTURE §2) or `{ categories, factors }`. */
export const taxonomySchema = z.preprocess(
  (v) => (Array.isArray(v) ? { categories: [], factors: v } : v),
  taxonomyObject,
);

export type Factor = z.infer<typeof factorSchema>;
export type FactorCategory = z.infer<typeof categorySchema>;
export type TaxonomyFile = z.infer<typeof taxonomySchema>;
