import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorBody } from './errors.js';
import { IntegrationError } from '../adapters/http/integration-error.js';

const FASTIFY_CODES: Record<string, { code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json', message: 'The request body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_json', message: 'The request body is empty but JSON was declared.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', message: 'Send the body as application/json.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'body_too_large', message: 'The request body is too large.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid_content_length', message: 'The Content-Length header is wrong.' },
};

/** One error body for the whole API: {"error":{"code","message","details"?}}. */
export function installErrorHandler(app: FastifyInstance, options: { spaFallback: boolean }): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      if (error.status === 429 && typeof (error.details as { retryAfterSeconds?: number })?.retryAfterSeconds === 'number') {
        void reply.header('retry-after', String((error.details as { retryAfterSeconds: number }).retryAfterSeconds));
      }
      return reply.status(error.status).send(body(error.code, error.message, error.details));
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      return reply.status(400).send(
        body('validation_failed', 'Some fields are missing or not valid.', {
          issues: error.validation.map((v) => ({
            location: error.validationContext ?? 'body',
            path: v.instancePath.replace(/^\//, '').replace(/\//g, '.'),
            message: v.message ?? 'invalid',
          })),
        }),
      );
    }
    if (error instanceof IntegrationError) {
      // The low-level code helps whoever reads the log; the admin gets the plain message.
      request.log.warn({ service: error.service, kind: error.kind, ...(error.networkCode ? { networkCode: error.networkCode } : {}) }, error.message);
      return reply.status(502).send(body(`integration_${error.kind}`, error.message, error.fix ? { fix: error.fix } : undefined));
    }
    const known = error.code ? FASTIFY_CODES[error.code] : undefined;
    const status = error.statusCode ?? 500;
    if (known) return reply.status(status).send(body(known.code, known.message));
    if (status >= 400 && status < 500) {
      return reply.status(status).send(body(status === 429 ? 'rate_limited' : 'bad_request', error.message));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .status(500)
      .send(body('internal_error', `Something went wrong on our side. Quote this id when reporting it: ${request.id}`, { correlationId: request.id }));
  });

  // With the web app served, every other GET path belongs to the single-page app's router. A missing
  // /assets/ file (a tab still open on an older release) gets a 404, not index.html posing as code.
  app.setNotFoundHandler((request, reply) => {
    if (options.spaFallback && request.method === 'GET' && !request.url.startsWith('/api/') && !request.url.startsWith('/assets/')) {
      return reply.type('text/html').sendFile('index.html');
    }
    return reply.status(404).send(body('not_found', `No route ${request.method} ${request.url.split('?')[0]}.`));
  });
}

function body(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}
