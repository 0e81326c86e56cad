import "server-only";
import { NextResponse } from "next/server";
import { AppError, isAppError } from "./errors";

/** Responses that may contain incident data are never stored by shared caches or the browser. */
export const PRIVATE_HEADERS = { "Cache-Control": "private, no-store" };

export function json(data: unknown, init: { status?: number; headers?: Record<string, string> } = {}): NextResponse {
  return NextResponse.json(data, { status: init.status ?? 200, headers: { ...PRIVATE_HEADERS, ...init.headers } });
}

/** Runs a route handler body and maps AppError (and anything else) to a JSON error with the right status. */
export async function handle(fn: () => Promise<Response>): Promise<Response> {
  try {
    return await fn();
  } catch (err) {
    if (isAppError(err)) return json({ error: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) }, { status: err.status });
    console.error("[kaizen] unhandled error in a route handler:", err);
    return json({ error: "internal", message: "something went wrong" }, { status: 500 });
  }
}

export { AppError };
