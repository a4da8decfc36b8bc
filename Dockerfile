# syntax=docker/dockerfile:1
# Usher: build with `docker build -t usher .`, run with `docker compose up -d` (see docs/install.md).

ARG NODE_IMAGE=node:22-bookworm-slim

# ---- build: every workspace's dependencies, then the compiled server and the web app ----------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first, so the dependency layer is reused until a package.json or the lockfile changes.
COPY package.json package-lock.json ./
COPY server/package.json server/
COPY web/package.json web/
COPY fakes/package.json fakes/
COPY e2e/package.json e2e/
COPY bench/package.json bench/
# --ignore-scripts: the root `prepare` script would build before the sources are copied, and the
# build itself needs no native module (better-sqlite3 is compiled in the deps stage below).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json ./
COPY server server
COPY web web
RUN npm run build

# ---- deps: the server's production dependencies only, with better-sqlite3's native binding -----
FROM ${NODE_IMAGE} AS deps
# Toolchain for node-gyp, used only when no prebuilt better-sqlite3 binary matches this platform.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY server/package.json server/
COPY web/package.json web/
COPY fakes/package.json fakes/
COPY e2e/package.json e2e/
COPY bench/package.json bench/
# --workspace=server leaves out the web app's and the tests' packages; --ignore-scripts again skips
# the root `prepare` build, and `npm rebuild` then runs the one install script the server needs.
# server/node_modules holds any package npm could not hoist; created empty so the COPY below
# works either way.
RUN npm ci --omit=dev --workspace=server --ignore-scripts --no-audit --no-fund \
  && npm rebuild better-sqlite3 \
  && mkdir -p server/node_modules \
  && npm cache clean --force

# ---- runtime ------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    USHER_DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
# Application files stay owned by root: the `node` user can read them but not change them.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/server/node_modules ./server/node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/server/package.json ./server/package.json
COPY --from=build /app/server/dist ./server/dist
COPY --from=build /app/web/dist ./web/dist
# The data directory (SQLite database, secret key, backups) is the only place Usher writes.
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# Slim images have no curl; Node's own fetch asks the readiness probe (database up, migrations applied).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/api/ready', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node directly, not npm: signals reach Usher, which shuts down gracefully on SIGTERM.
CMD ["node", "server/dist/main.js"]
