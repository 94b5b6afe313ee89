# The yijianshi app image: one image, two roles chosen by the command (see temporal-docker.yml):
#   worker: npx tsx runtime/worker-main.ts     api: npx tsx runtime/api-main.ts
# The API also serves the web screens, signing people in at YJS_OIDC_ISSUER (the screens' client: YJS_OIDC_CLIENT_ID).
# Both need TEMPORAL_ADDRESS and DATABASE_URL; the image carries no Temporal server or binaries (.tools/ is not copied).

# The web screens, built with the dev dependencies (Vite, React) in a stage of their own; only the
# built files (web/dist) reach the image, where the API serves them on its origin (api/web.ts).
FROM node:20-slim AS screens
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci || npm install --no-save
COPY . .
RUN npx tsx scripts/build-web.ts --force

FROM node:20-slim

ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false \
    HOST=0.0.0.0 \
    PORT=3000 \
    YJS_DATA_DIR=/app/.data

WORKDIR /app

# Dependencies first, so code changes do not reinstall them. Production only: tsx is a runtime
# dependency (the processes run TypeScript directly) and the worker bundles workflows at start.
COPY package.json package-lock.json ./
# npm ci refuses a lock that lacks other platforms' optional packages (npm/cli#4828); npm install
# installs the same locked versions, so it is the fallback until the lock is regenerated.
RUN npm ci --omit=dev \
    || (echo 'npm ci failed; falling back to npm install --omit=dev --no-save' >&2 && npm install --omit=dev --no-save) \
    && npm cache clean --force

COPY --chown=node:node . .
COPY --from=screens --chown=node:node /build/web/dist ./web/dist
RUN mkdir -p /app/.data && chown node:node /app/.data
VOLUME ["/app/.data"]

USER node
EXPOSE 3000
# Run with an init (compose: `init: true`) so signals reach tsx and the worker shuts down cleanly.
CMD ["npx", "tsx", "runtime/api-main.ts"]
