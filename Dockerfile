# syntax=docker/dockerfile:1
# One image for every role: the API (default command), the worker (`node dist/worker.js`) and
# the one-shot migration run (see docker-compose.yml).

ARG NODE_IMAGE=node:24-bookworm
ARG NODE_RUNTIME_IMAGE=node:24-bookworm-slim

# --- build: all dependencies, SWC build of src/ and migrations/ ---------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV CI=true
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json nest-cli.json .swcrc ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build
# The WordPress plugin's release zip, served by /api/plugins/igny8-wp-bridge/download/.
COPY wordpress-plugin/igny8-wp-bridge ./wordpress-plugin/igny8-wp-bridge
COPY scripts/wordpress/plugin-zip.mjs ./scripts/wordpress/plugin-zip.mjs
RUN npm run plugin:zip

# --- production dependencies only (native addons built here, on the same Debian as the runtime) --
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
ENV CI=true
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime --------------------------------------------------------------------------------------
FROM ${NODE_RUNTIME_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/wordpress-plugin/dist ./wordpress-plugin/dist
COPY package.json ./
COPY scripts/healthcheck.mjs ./scripts/healthcheck.mjs
# A font, so the offline AI provider's images show their prompt text (sharp renders the SVG).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
# Writable places of the default configuration: LOG_DIR (./logs), MEDIA_DIR (./.data/media).
RUN mkdir -p logs .data/media && chown -R node:node logs .data
USER node
EXPOSE 3000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "scripts/healthcheck.mjs", "api"]
CMD ["node", "dist/main.js"]
