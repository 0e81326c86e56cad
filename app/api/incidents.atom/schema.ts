import { z } from "zod";

/** `GET /api/incidents.atom?token=…&limit=…` */
export const atomQuerySchema = z.strictObject(
  {
    token: z.string({ error: "token: the personal feed token is required" }).min(1, "token: the personal feed token is required").max(200, "token: longer than 200 characters"),
    limit: z.coerce.number({ error: "limit: expected a number" }).int("limit: expected a whole number").min(1, "limit: at least 1").max(200, "limit: at most 200").optional(),
  },
  { error: (iss) => (iss.code === "unrecognized_keys" ? `unknown parameter(s): ${iss.keys.join(", ")}` : undefined) },
);
