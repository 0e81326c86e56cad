/** The one error type of Kaizen: its code maps to an HTTP status and a message that is safe to show. */
export type AppErrorCode =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "too_many_requests"
  | "payload_too_large"
  | "unavailable"
  | "internal";

const statusByCode: Record<AppErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  too_many_requests: 429,
  unavailable: 503,
  internal: 500,
};

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly details?: unknown;
  constructor(code: AppErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return statusByCode[this.code];
  }
}

export function isAppError(err: unknown): err is AppError {
  if (err instanceof AppError) return true;
  // Pages and route handlers are bundled in separate layers, each with its own copy of this class, while the content
  // store is one object per process: an AppError thrown by the store may come from another copy.
  const code: unknown = err instanceof Error && err.name === "AppError" ? Reflect.get(err, "code") : undefined;
  return typeof code === "string" && code in statusByCode;
}
