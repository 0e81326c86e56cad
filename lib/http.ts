import "server-only";
import { headers } from "next/headers";
import { NextResponse } from "next/server";
import { AppError, isAppError } from "./errors";
import type { SaveResult } from "./editor/save";

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

const MAX_BODY = 1_100_000;

/** Reads a JSON body with a size limit; malformed JSON is a 400, an oversized body a 413. */
export async function readJsonBody(req: Request): Promise<unknown> {
  const len = Number(req.headers.get("content-length") ?? 0);
  if (len > MAX_BODY) throw new AppError("payload_too_large", "request body too large");
  const text = await req.text();
  if (text.length > MAX_BODY) throw new AppError("payload_too_large", "request body too large");
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "the body is not valid JSON");
  }
}

/** Maps a save result to HTTP: 200/201, 409 with the current text, 422 with the problems. */
export function saveResponse(result: SaveResult): Response {
  if (result.ok) return json(result, { status: result.created ? 201 : 200 });
  if (result.reason === "conflict") return json({ error: "conflict", ...result }, { status: 409 });
  return json({ error: "invalid", ...result }, { status: 422 });
}

/** The base URL links in exports and feeds point at: KAIZEN_BASE_URL, NEXTAUTH_URL, else this request's host. */
export async function requestBaseUrl(): Promise<string> {
  const configured = process.env.KAIZEN_BASE_URL ?? process.env.NEXTAUTH_URL;
  if (configured && /^https?:\/\//.test(configured)) return configured.replace(/\/+$/, "");
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost";
  const proto = h.get("x-forwarded-proto") ?? "http";
  return `${proto}://${host}`;
}
