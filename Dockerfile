# Lockstep's worker image: `lockstep worker` with the workflow bundle built at image build time.
#   docker build -t lockstep-worker .          (docker-compose.yml builds it as the `worker` service)
# Node 20 (NODE_VERSION, from deploy/topology.env through docker-compose): the line the test suite
# runs on today. Node 24 becomes the default once the suite passes on it as its own CI leg.
ARG NODE_VERSION=20.20.2
FROM node:${NODE_VERSION}-bookworm-slim

# procps: pgrep, for the compose health check on the worker process
RUN apt-get update \
 && apt-get install -y --no-install-recommends procps \
 && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production
WORKDIR /app

# Dependencies first (a layer that changes only with the lock file); no dev dependencies.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# What the npm package ships (package.json "files"): TypeScript sources, compiled on load by tsx.
COPY tsconfig.json ./
COPY bin/ bin/
COPY src/ src/
COPY workflows/ workflows/
COPY activities/ activities/
COPY workers/ workers/
COPY demo/ demo/
COPY examples/ examples/

# The workflow bundle, built once here instead of at every worker start (a minute on a busy host).
COPY scripts/build-workflow-bundle.ts scripts/
RUN node_modules/.bin/tsx scripts/build-workflow-bundle.ts /app/workflow-bundle.js
ENV LOCKSTEP_WORKFLOW_BUNDLE=/app/workflow-bundle.js

# Local state (run records of process targets) on a volume the non-root user owns; /app stays root's.
RUN mkdir -p /var/lib/lockstep && chown node:node /var/lib/lockstep
ENV LOCKSTEP_STATE_DIR=/var/lib/lockstep
VOLUME /var/lib/lockstep

USER node
EXPOSE 9464
ENTRYPOINT ["node", "/app/bin/lockstep.js"]
CMD ["worker"]
