import "server-only";
import { publicBaseUrl } from "./auth/client-address";
import { headers } from "next/headers";
import { NextResponse } from "next/server";
import type { z } from "zod";
import { AppError, isAppError } from "./errors";
import type { SaveResult } from "./editor/save";

/** Responses that may contain incident data are never stored by shared caches or the browser. */
export const PRIVATE_HEADERS = { "Cache-Control": "private, no-store" };

export function json(data: unknown, init: { status?: number; headers?: Record<string, string> } = {}): NextResponse {
  return NextResponse.json(data, { status: init.status ?? 200, headers: { ...PRIVATE_HEADERS, ...init.headers } });
}

/** A JSON answer already serialized (a cached one: see searchJsonFor), with the same headers as json(). */
export function jsonText(text: string, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new Response(text, { status: init.status ?? 200, headers: { "Content-Type": "application/json", ...PRIVATE_HEADERS, ...init.headers } });
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

/** The largest request body a route reads (an incident file with room to spare). */
export const MAX_BODY_BYTES = 1_100_000;

const tooLarge = (limit: number) => new AppError("payload_too_large", `request body too large (limit ${limit} bytes)`);

/**
 * Reads a request body as UTF-8 text, at most `limit` bytes: a declared Content-Length over the limit is refused
 * before reading, and a chunked body is read as a stream and abandoned as soon as it passes the limit, so an endless
 * or huge upload costs at most `limit` bytes of memory. Every route that reads a body goes through here; authorize
 * before calling it, so that nobody without the right to write makes the server read anything.
 */
export async function readBodyText(req: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = req.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) throw tooLarge(limit);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    // A client that goes away mid-upload is its own failure, not the server's: a 400 rather than a logged 500.
    const { done, value } = await reader.read().catch(() => {
      throw new AppError("bad_request", "the request body was cut off");
    });
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("bad_request", "the body is not valid UTF-8");
  }
}

/** Reads a JSON body through readBodyText: malformed JSON is a 400, an oversized body a 413. */
export async function readJsonBody(req: Request, limit = MAX_BODY_BYTES): Promise<unknown> {
  const text = await readBodyText(req, limit);
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

/** The base URL links in exports and feeds point at (see publicBaseUrl): configured, else this request's host. */
export async function requestBaseUrl(): Promise<string> {
  return publicBaseUrl(await headers());
}

/** A request's query string as an object for a route's zod schema: a key given more than once becomes an array. */
export function queryOf(req: Request): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URL(req.url).searchParams) {
    const seen = out[key];
    out[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

/**
 * Checks a route's query string or body against the zod schema declared beside the route. A mismatch is a 400 whose
 * message names the field ("query field limit: …"), with every problem in `details`; nothing of the input is echoed.
 */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown, part: "query" | "body"): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => ({ field: i.path.map(String).join(".") || "(root)", message: i.message }));
  const first = problems[0]!;
  throw new AppError("bad_request", `${part} field ${first.field}: ${first.message}`, { problems });
}
