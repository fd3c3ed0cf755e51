-- How the funding agency was told (code of NotificationChannel; NULL on notifications recorded
-- before the channel was kept), a note of the office, and a version for corrections (If-Match).
ALTER TABLE funding_agency_notifications ADD COLUMN channel TEXT;
ALTER TABLE funding_agency_notifications ADD COLUMN note TEXT;
ALTER TABLE funding_agency_notifications ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
