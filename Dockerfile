# cairn agent image. Native addons (lz4, re2) are compiled in the toolchain stages only;
# the runtime stage gets the production node_modules, the built dist/ and nothing else.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS toolchain
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./

FROM toolchain AS build
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build && find dist -name "*.map" -delete

FROM toolchain AS deps
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY deploy/cairn-container.yaml /etc/cairn/cairn.yaml
# The data directory belongs to the image's node user (1000) and nobody else.
RUN install -d -m 0700 -o 1000 -g 1000 /var/lib/cairn
# Numeric, so that Kubernetes' runAsNonRoot can check it.
USER 1000:1000
VOLUME /var/lib/cairn
EXPOSE 4317 4318 9977
# Inside a container the receivers must listen on all interfaces.
ENV CAIRN_GRPC_ENDPOINT=0.0.0.0:4317 CAIRN_HTTP_ENDPOINT=0.0.0.0:4318 CAIRN_API_ENDPOINT=0.0.0.0:9977
# No curl in a slim image: node asks /healthz on the API's port (plain HTTP; with TLS on the API,
# override this in the orchestrator).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.CAIRN_API_ENDPOINT||':9977').split(':').pop()+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "--max-semi-space-size=4", "bin/cairn.js"]
CMD ["run", "--config", "/etc/cairn/cairn.yaml"]
