DROP TABLE funding_agency_notifications;
DROP TABLE role_change_requests;
DROP TABLE role_periods;
DROP TABLE participations;
DROP TABLE contact_sheets;
DROP TABLE projects;
DROP TABLE participants;
