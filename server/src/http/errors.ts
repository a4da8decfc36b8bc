/**
 * Domain errors carry a stable machine code and a human message; they are mapped to HTTP once, in
 * the error handler. Services throw these; routes never build error bodies by hand.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (code: string, message: string, details?: unknown) =>
  new AppError(400, code, message, details);
export const unauthorized = (code = 'unauthenticated', message = 'Log in to continue.') =>
  new AppError(401, code, message);
export const forbidden = (code = 'forbidden', message = 'You do not have permission to do this.') =>
  new AppError(403, code, message);
export const notFound = (code: string, message: string) => new AppError(404, code, message);
export const conflict = (code: string, message: string, details?: unknown) => new AppError(409, code, message, details);
export const tooManyRequests = (message: string, retryAfterSeconds?: number) =>
  new AppError(429, 'rate_limited', message, retryAfterSeconds ? { retryAfterSeconds } : undefined);

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}
