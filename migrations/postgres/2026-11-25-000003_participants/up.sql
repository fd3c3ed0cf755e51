CREATE TABLE participants (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL UNIQUE REFERENCES accounts (id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'ended')),
    salutation TEXT CHECK (salutation IN ('ms', 'mr')),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT NOT NULL,
    experience TEXT NOT NULL CHECK (experience IN ('beginner', 'some', 'experienced')),
    is_mentee BOOLEAN NOT NULL,
    is_mentor BOOLEAN NOT NULL,
    consent_directory BOOLEAN NOT NULL,
    consent_newsletter_welcome BOOLEAN NOT NULL,
    community_account_ref TEXT,
    activated_at TIMESTAMP,
    erased_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (is_mentee OR is_mentor)
);
CREATE INDEX participants_status ON participants (status, id);

CREATE TABLE projects (
    id BIGSERIAL PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    kind TEXT NOT NULL CHECK (kind IN ('first_project', 'follow_up_project', 'energy_saving_models',
        'masterplan', 'unfunded_officer', 'permanent_position')),
    employer TEXT NOT NULL,
    municipality TEXT NOT NULL,
    federal_state TEXT NOT NULL,
    funding_reference TEXT,
    start_date DATE NOT NULL,
    end_date DATE,
    created_by BIGINT REFERENCES accounts (id),
    created_at TIMESTAMP NOT NULL,
    CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX projects_participant ON projects (participant_id, start_date);

CREATE TABLE contact_sheets (
    id BIGSERIAL PRIMARY KEY,
    project_id BIGINT NOT NULL UNIQUE REFERENCES projects (id),
    content_type TEXT NOT NULL,
    content BYTEA NOT NULL,
    size_bytes BIGINT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES accounts (id),
    uploaded_at TIMESTAMP NOT NULL,
    confirmed_by BIGINT REFERENCES accounts (id),
    confirmed_at TIMESTAMP
);

CREATE TABLE participations (
    id BIGSERIAL PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    started_on DATE NOT NULL,
    started_by BIGINT NOT NULL REFERENCES accounts (id),
    ended_on DATE,
    end_reason TEXT,
    ended_by BIGINT REFERENCES accounts (id)
);
CREATE INDEX participations_participant ON participations (participant_id, id);

CREATE TABLE role_periods (
    id BIGSERIAL PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    is_mentee BOOLEAN NOT NULL,
    is_mentor BOOLEAN NOT NULL,
    valid_from DATE NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('registration', 'request', 'staff')),
    recorded_by BIGINT REFERENCES accounts (id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX role_periods_participant ON role_periods (participant_id, id);

CREATE TABLE role_change_requests (
    id BIGSERIAL PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    wants_mentee BOOLEAN NOT NULL,
    wants_mentor BOOLEAN NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'declined')),
    requested_by BIGINT NOT NULL REFERENCES accounts (id),
    requested_at TIMESTAMP NOT NULL,
    decided_by BIGINT REFERENCES accounts (id),
    decided_at TIMESTAMP,
    decision_note TEXT,
    CHECK (wants_mentee OR wants_mentor)
);
CREATE INDEX role_change_requests_participant ON role_change_requests (participant_id, id);

CREATE TABLE funding_agency_notifications (
    id BIGSERIAL PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    project_id BIGINT NOT NULL REFERENCES projects (id),
    is_mentee BOOLEAN NOT NULL,
    is_mentor BOOLEAN NOT NULL,
    notified_on DATE NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES accounts (id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX funding_agency_notifications_participant ON funding_agency_notifications (participant_id);
