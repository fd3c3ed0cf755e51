-- Webhook endpoints staff register for the Klimaschutz-Community, and one delivery per endpoint
-- and outbox event. Retry state lives here, so a restart loses no pending delivery.
CREATE TABLE webhook_endpoints (
    id BIGSERIAL PRIMARY KEY,
    url TEXT NOT NULL,
    -- Event type codes, comma-separated (the fixed catalogue of outbox events).
    event_types TEXT NOT NULL,
    -- 'whsec_' + base64 of 32 random bytes; shown once, needed in clear to sign.
    secret TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    -- Why the endpoint is disabled: 'staff', 'gone' (it answered 410) or 'failing'.
    disabled_reason TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    -- The last outbox event id already turned into deliveries for this endpoint.
    fanned_out_until BIGINT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES accounts (id),
    created_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id BIGSERIAL PRIMARY KEY,
    endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id BIGINT NOT NULL REFERENCES outbox_events (id),
    -- 'pending', 'succeeded' or 'failed'.
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    last_attempt_at TIMESTAMP,
    last_status_code INTEGER,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, status, id);
