# shotrunner on Debian slim. The release binary carries the Swift runtime (static stdlib); at run time it needs
# only Debian's libyaml-0-2 and CA certificates. (No Docker engine runs on the development machines: this file is
# written from the official images' documentation and built elsewhere; see docs/operations.md.)
FROM swift:6.3-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libyaml-dev pkg-config && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN swift build -c release --product shotrunner --static-swift-stdlib

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libyaml-0-2 libstdc++6 zlib1g ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/.build/release/shotrunner /usr/local/bin/shotrunner
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/shotrunner"]
