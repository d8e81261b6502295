# syntax=docker/dockerfile:1
# Node 26, the Active LTS line (LTS since 2026-10-28); the code also runs on Node 20.18+, 22 and 24.
# Stage 1: production dependencies only.
FROM node:26-trixie-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Stage 2: the compiled JavaScript (`npm run build`: src/ -> dist/ with the project's TypeScript).
FROM node:26-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY scripts ./scripts
COPY src ./src
RUN npm run build

# Stage 3: the runtime image, as the unprivileged `node` user, config mounted read-only at /config.
# It ships dist/ and no src/, so bin/switchboard.js runs the compiled code (tsx, a dependency, is
# loaded only to import a `module` action written in TypeScript).
FROM node:26-trixie-slim
# SB_HOST=0.0.0.0: reachable through the published port. Off loopback `serve` refuses to start with the
# example's development key, a key shorter than 32 characters or a clear-text password (exit 4).
ENV NODE_ENV=production SWITCHBOARD_CONFIG=/config SWITCHBOARD_DATA=/data SB_HOST=0.0.0.0
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root package.json ./
COPY --chown=root:root bin ./bin
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root switchboard.yaml /config/switchboard.yaml
COPY --chown=root:root aliases /config/aliases
COPY --chown=root:root actions /config/actions
COPY --chown=root:root channels /config/channels
COPY --chown=root:root rules /config/rules
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 8080
# probes /healthz on the port (and host) switchboard.yaml configures
HEALTHCHECK --interval=30s --timeout=5s CMD ["node", "bin/healthcheck.js"]
# young generation capped at 2 MB per semi-space: about 20 MB less RSS at idle (docs/DEPLOYMENT.md "Memory")
ENTRYPOINT ["node", "--max-semi-space-size=2", "bin/switchboard.js"]
CMD ["serve", "--config", "/config"]
