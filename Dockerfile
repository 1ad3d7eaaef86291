# One image for every process of docker-compose.yml (the simulator, the api and the worker):
# dependencies are installed once, here, with `npm ci` from the lockfile, instead of each
# container installing them at start into a shared folder.

# Build stage: better-sqlite3 compiles from source when no prebuilt binary fits.
FROM node:20-bookworm-slim AS deps
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci && npm cache clean --force

FROM node:20-bookworm-slim
# Debian's headless Chromium for the Playwright gateway (Playwright's own download is not used).
RUN apt-get update \
  && apt-get install -y --no-install-recommends chromium-headless-shell ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV PLAYWRIGHT_CHROMIUM_PATH=/usr/bin/chromium-headless-shell \
    DATA_DIR=/data
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# The stores, the vault and evidence: for the service's user alone (a new volume copies the mode).
RUN install -d -m 0700 -o node -g node /data
USER node
EXPOSE 3000 3100
# node itself, not npm, receives SIGTERM, so the worker stops its work and releases its lease.
CMD ["node", "-r", "./tools/register.js", "apps/api/src/main.ts"]
