# syntax=docker/dockerfile:1
# Stage 1: production dependencies only.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Stage 2: the runtime image, as the unprivileged `node` user, config mounted read-only at /config.
FROM node:20-bookworm-slim
ENV NODE_ENV=production SWITCHBOARD_CONFIG=/config SB_HOST=0.0.0.0
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
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "bin/switchboard.js"]
CMD ["serve", "--config", "/config"]
