# cairn agent image: build the TypeScript and the native lz4 addon, ship only what runs.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
RUN mkdir -p /var/lib/cairn && chown node /var/lib/cairn
USER node
VOLUME /var/lib/cairn
EXPOSE 4317 4318 9977
# Inside a container the receivers must listen on all interfaces.
ENV CAIRN_GRPC_ENDPOINT=0.0.0.0:4317 CAIRN_HTTP_ENDPOINT=0.0.0.0:4318 CAIRN_API_ENDPOINT=0.0.0.0:9977
COPY deploy/cairn-container.yaml /etc/cairn/cairn.yaml
ENTRYPOINT ["node", "--max-semi-space-size=4", "bin/cairn.js"]
CMD ["run", "--config", "/etc/cairn/cairn.yaml"]
