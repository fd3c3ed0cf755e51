ALTER TABLE funding_agency_notifications DROP COLUMN version;
ALTER TABLE funding_agency_notifications DROP COLUMN note;
ALTER TABLE funding_agency_notifications DROP COLUMN channel;
