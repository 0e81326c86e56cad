import { z } from "zod";
import { ID_PATTERN } from "@/lib/schema/common";

export { reviewActionSchema as reviewPostSchema } from "@/lib/reviews/input";

/** The route's path parameter. */
export const reviewParamsSchema = z.object({ id: z.string().regex(ID_PATTERN, "id: expected an incident id (lowercase letters, digits and dashes)") });

/** GET takes no query parameters: an unknown one is a mistake worth saying so. */
export const reviewQuerySchema = z.strictObject({}, { error: (iss) => (iss.code === "unrecognized_keys" ? `unknown query parameter(s): ${(iss.keys ?? []).join(", ")}` : undefined) });
