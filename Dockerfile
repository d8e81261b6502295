# syntax=docker/dockerfile:1
# Node 26, the Active LTS line (LTS since 2026-10-28); the code also runs on Node 20.18+, 22 and 24.
# Stage 1: production dependencies only.
FROM node:26-trixie-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Stage 2: the runtime image, as the unprivileged `node` user, config mounted read-only at /config.
FROM node:26-trixie-slim
# SB_HOST=0.0.0.0: reachable through the published port. Off loopback `serve` refuses to start with the
# example's development key, a key shorter than 32 characters or a clear-text password (exit 4).
ENV NODE_ENV=production SWITCHBOARD_CONFIG=/config SWITCHBOARD_DATA=/data SB_HOST=0.0.0.0
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root package.json ./
COPY --chown=root:root bin ./bin
COPY --chown=root:root src ./src
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
ENTRYPOINT ["node", "bin/switchboard.js"]
CMD ["serve", "--config", "/config"]
