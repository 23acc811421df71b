# One image for all six daemons and the CLI.
#
# Build stage: the Swift toolchain on Ubuntu 24.04 (noble) with the librdkafka and libmongoc headers.
# Run stage: plain Ubuntu 24.04, whose librdkafka1 is 2.3.0 — new enough (Switchboard needs >= 2.2; Debian
# bookworm's 2.0.2 mis-reads ApiVersions replies, librdkafka #4278) — and libmongoc 1.26.
FROM swift:6.2-noble AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends librdkafka-dev libmongoc-dev libbson-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib \
    && mkdir /out \
    && for name in switchboard channel-webhook customer-identification session message-router nlp-plugin \
        human-handover; do cp "$(swift build -c release --show-bin-path)/$name" /out/; done \
    && cp -R "$(swift build -c release --show-bin-path)/switchboard_SwitchboardCore.resources" /out/

FROM ubuntu:24.04
RUN apt-get update \
    && apt-get install -y --no-install-recommends librdkafka1 libmongoc-1.0-0 libbson-1.0-0 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 switchboard \
    && install -d -o switchboard -g switchboard /var/lib/switchboard/spool
COPY --from=build /out/ /usr/local/bin/
COPY deploy/tenants.yaml /etc/switchboard/tenants.yaml
COPY deploy/nlp /etc/switchboard/nlp
ENV SWITCHBOARD_TENANTS_FILE=/etc/switchboard/tenants.yaml \
    SWITCHBOARD_HTTP_HOST=0.0.0.0 \
    SWITCHBOARD_HTTP_PORT=8080 \
    MONGOC_DISABLE_SHM=1
USER switchboard
EXPOSE 8080
CMD ["switchboard", "--help"]
