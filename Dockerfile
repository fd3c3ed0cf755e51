# Builds the release binary and runs it on a slim Debian with libpq.
FROM rust:1.95-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /app --create-home mentoring
COPY --from=build /src/target/release/mentoring-api /usr/local/bin/mentoring-api
USER mentoring
WORKDIR /app
ENV BIND_ADDR=0.0.0.0:8080
EXPOSE 8080
# Ready = migrated and the database answers (GET /health/ready).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/health/ready > /dev/null || exit 1
ENTRYPOINT ["mentoring-api"]
CMD ["serve"]
