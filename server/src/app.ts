import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { repoRoot } from './config/env.js';
import type { Container } from './container.js';
import { installAuth } from './http/auth-plugin.js';
import { installErrorHandler } from './http/error-handler.js';
import { AppError } from './http/errors.js';
import { registerRoutes } from './routes.js';
import { webStaticOptions } from './http/web-static.js';

export interface BuildAppOptions {
  /** Serve the built web app from web/dist (off in most tests). */
  serveWeb?: boolean;
  /** Where the built web app is; tests point it at a folder of their own. */
  webDist?: string;
}

export interface RouteEntry {
  method: string;
  url: string;
  permission?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every registered route, for the permission sweep tests and the route table. */
    routeList: RouteEntry[];
  }
}

export async function buildApp(container: Container, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: container.log as FastifyBaseLogger,
    trustProxy: container.env.TRUST_PROXY as boolean | string,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w-]{8,100}$/.test(incoming) ? incoming : randomUUID();
    },
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const routeList: RouteEntry[] = [];
  app.decorate('routeList', routeList);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routeList.push({ method, url: route.url, ...(route.config?.permission ? { permission: route.config.permission } : {}) });
    }
  });
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  const webDist = options.webDist ?? join(repoRoot, 'web', 'dist');
  const serveWeb = !!options.serveWeb && existsSync(join(webDist, 'index.html'));
  installErrorHandler(app, { spaFallback: serveWeb });
  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
    hsts: false, // set by the reverse proxy that terminates TLS (docs/reverse-proxy.md)
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new AppError(429, 'rate_limited', `Too many requests; try again in ${Math.ceil(context.ttl / 1000)} seconds.`, {
        retryAfterSeconds: Math.ceil(context.ttl / 1000),
      }),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Usher API', version: '1', description: 'Every admin action of Usher. Authenticate with a session cookie (plus X-CSRF-Token on writes) or an API key as a Bearer token.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'usher_session' },
          apiKey: { type: 'http', scheme: 'bearer' },
        },
      },
    },
    transform: jsonSchemaTransform,
    // Without it the schemas named with .meta({ id }) are referenced but never defined in components.
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  installAuth(app, container);

  await app.register(registerRoutes(container), { prefix: '/api' });
  app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());

  if (serveWeb) {
    await app.register(fastifyStatic, webStaticOptions(webDist));
  }

  return app;
}
