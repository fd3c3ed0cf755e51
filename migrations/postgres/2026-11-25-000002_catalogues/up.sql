-- Catalogues: mentoring formats with their dated credit rules, the topic list and the forums.

CREATE TABLE formats (
    code TEXT PRIMARY KEY,
    group_code TEXT NOT NULL CHECK (group_code IN ('team', 'online', 'individual')),
    position INTEGER NOT NULL,
    name_de TEXT NOT NULL,
    name_en TEXT NOT NULL,
    description_de TEXT NOT NULL,
    description_en TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Append-only history: a change adds a row valid from a date; rows are never updated, so a credit
-- earned on a date keeps the rule that applied then.
CREATE TABLE format_rules (
    id BIGSERIAL PRIMARY KEY,
    format_code TEXT NOT NULL REFERENCES formats (code),
    valid_from DATE NOT NULL,
    credit_hours INTEGER CHECK (credit_hours > 0),
    alt_credit_hours INTEGER CHECK (alt_credit_hours > 0),
    yearly_limit INTEGER CHECK (yearly_limit > 0),
    mentors_per_instance INTEGER CHECK (mentors_per_instance > 0),
    bookable BOOLEAN NOT NULL,
    created_by_account_id BIGINT REFERENCES accounts (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (format_code, valid_from),
    CHECK (alt_credit_hours IS NULL OR credit_hours IS NOT NULL),
    CHECK (NOT bookable OR credit_hours IS NOT NULL)
);

CREATE TABLE topics (
    id BIGSERIAL PRIMARY KEY,
    group_code TEXT NOT NULL
        CHECK (group_code IN ('municipal_administration', 'local_politics', 'other_stakeholders')),
    title_de TEXT NOT NULL,
    title_en TEXT,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'accepted', 'declined')),
    proposed_by_account_id BIGINT REFERENCES accounts (id),
    decided_by_account_id BIGINT REFERENCES accounts (id),
    decided_at TIMESTAMP,
    decision_note TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX topics_status ON topics (status, id);

CREATE TABLE forums (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name_de TEXT NOT NULL,
    name_en TEXT NOT NULL,
    audience TEXT NOT NULL CHECK (audience IN ('professional_public', 'ksm_only')),
    retired_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);

-- Rows that transactions update first to serialise a check-then-insert on both backends
-- (SQLite: BEGIN IMMEDIATE already does; PostgreSQL: the row lock does).
CREATE TABLE catalogue_locks (
    name TEXT PRIMARY KEY,
    acquisitions BIGINT NOT NULL
);

-- Seed data: § 3 and § 5.4 of the handbook (formats and their credit rules), § 4 (topics),
-- § 3.2.1 (forums). Identical in the migrations of both backends; tests compare it with the handbook.

INSERT INTO formats (code, group_code, position, name_de, name_en, description_de, description_en, version, updated_at) VALUES
('expert_event_session', 'team', 1,
 'Mentoring-Session bei einer SK:KK-Fachveranstaltung',
 'Mentoring session at an SK:KK expert event',
 'Etwa dreistündige Mentoring-Session am Vortag oder im Nachgang einer zweitägigen SK:KK-Fachveranstaltung: Impulsvorträge der Mentorinnen und Mentoren zu einer vorab festgelegten Fragestellung, Frage- und Diskussionsrunde, gegebenenfalls Gruppenarbeit.',
 'A mentoring session of about three hours on the day before or after a two-day SK:KK expert event: short talks by the mentors on a question fixed in advance, questions and discussion, possibly group work.',
 1, TIMESTAMP '2026-11-25 00:00:00');
INSERT INTO formats (code, group_code, position, name_de, name_en, description_de, description_en, version, updated_at) VALUES
('regional_meeting', 'team', 2,
 'Mentoring-Session bei einem regionalen KSM-Treffen',
 'Mentoring session at a regional KSM meeting',
 'Ein von der Mentorin oder dem Mentor selbst organisiertes regionales Vernetzungstreffen zu einer vorab bestimmten Fragestellung, mit ein bis zwei Impulsvorträgen und anschließender Gruppendiskussion; es wird beim SK:KK angemeldet.',
 'A regional networking meeting organised by the mentor on a question fixed in advance, with one or two short talks followed by a group discussion; it is announced to SK:KK.',
 1, TIMESTAMP '2026-11-25 00:00:00');
INSERT INTO formats (code, group_code, position, name_de, name_en, description_de, description_en, version, updated_at) VALUES
('webinar', 'team', 3,
 'Mentoring-Session per Telefon-/Videokonferenz oder Webinar',
 'Mentoring session by phone or video conference or webinar',
 'Eine selbst geplante Telefon- oder Videokonferenz oder ein Webinar zu einem definierten Thema, in der Regel mit zwei Mentorinnen oder Mentoren; das SK:KK stellt auf Wunsch die Technik und übernimmt die Bewerbung.',
 'A phone or video conference or webinar on a defined topic, planned by the mentors, usually two of them; on request SK:KK provides the technology and promotes it.',
 1, TIMESTAMP '2026-11-25 00:00:00');
INSERT INTO formats (code, group_code, position, name_de, name_en, description_de, description_en, version, updated_at) VALUES
('forum_sponsorship', 'online', 4,
 'Thematische Betreuung eines Fachforums der KSM-Community',
 'Sponsorship of a KSM community forum',
 'Patenschaft für ein Fachforum der Klimaschutz-Community über sechs bis zwölf Monate: neue Themenschwerpunkte setzen, Diskussionen beobachten und bei Anfragen helfen.',
 'Sponsorship of a topic forum of the Klimaschutz-Community for six to twelve months: setting new focus topics, following the discussions and helping with questions.',
 1, TIMESTAMP '2026-11-25 00:00:00');
INSERT INTO formats (code, group_code, position, name_de, name_en, description_de, description_en, version, updated_at) VALUES
('practice_tip', 'online', 5,
 'Praxistipp von KSM für KSM',
 'Practice tip from KSM for KSM',
 'Ein Praxistipp für die Kolleginnen und Kollegen als Textdokument (wenige DIN-A4-Seiten) oder Foliensatz (etwa 20 Folien), möglichst als PDF, der eine konkrete Fragestellung beantwortet.',
 'A practice tip for colleagues as a text document (a few A4 pages) or a slide deck (about 20 slides), preferably as PDF, answering a concrete question.',
 1, TIMESTAMP '2026-11-25 00:00:00');
INSERT INTO formats (code, group_code, position, name_de, name_en, description_de, description_en, version, updated_at) VALUES
('individual', 'individual', 6,
 'Individuelles Mentoring',
 'Individual mentoring',
 'Eins-zu-eins-Mentoring per Telefon, E-Mail und im persönlichen Gespräch, auch als Hospitanz; erst in einer zweiten Umsetzungsphase möglich.',
 'One-to-one mentoring by phone, e-mail and in person, also as job shadowing; possible only in a second implementation phase.',
 1, TIMESTAMP '2026-11-25 00:00:00');

-- § 5.4: 5 working days = 40 h; the forum sponsorship offers 2.5 or 5 days (20 h or 40 h).
-- Yearly limits: about 6 expert events, about 12 webinars, up to 12 forums; none otherwise.
-- Mentors per instance: 2 for expert events, webinars and forums; variable (NULL) for regional
-- meetings; 1 for practice tips and 1:1 individual mentoring. The credit of individual mentoring is not
-- defined yet (NULL) and it cannot be booked before phase 2.
INSERT INTO format_rules (format_code, valid_from, credit_hours, alt_credit_hours, yearly_limit, mentors_per_instance, bookable, created_by_account_id, created_at)
VALUES ('expert_event_session', '2020-01-01', 40, NULL, 6, 2, TRUE, NULL, TIMESTAMP '2026-11-25 00:00:00');
INSERT INTO format_rules (format_code, valid_from, credit_hours, alt_credit_hours, yearly_limit, mentors_per_instance, bookable, created_by_account_id, created_at)
VALUES ('regional_meeting', '2020-01-01', 40, NULL, NULL, NULL, TRUE, NULL, TIMESTAMP '2026-11-25 00:00:00');
INSERT INTO format_rules (format_code, valid_from, credit_hours, alt_credit_hours, yearly_limit, mentors_per_instance, bookable, created_by_account_id, created_at)
VALUES ('webinar', '2020-01-01', 40, NULL, 12, 2, TRUE, NULL, TIMESTAMP '2026-11-25 00:00:00');
INSERT INTO format_rules (format_code, valid_from, credit_hours, alt_credit_hours, yearly_limit, mentors_per_instance, bookable, created_by_account_id, created_at)
VALUES ('forum_sponsorship', '2020-01-01', 40, 20, 12, 2, TRUE, NULL, TIMESTAMP '2026-11-25 00:00:00');
INSERT INTO format_rules (format_code, valid_from, credit_hours, alt_credit_hours, yearly_limit, mentors_per_instance, bookable, created_by_account_id, created_at)
VALUES ('practice_tip', '2020-01-01', 40, NULL, NULL, 1, TRUE, NULL, TIMESTAMP '2026-11-25 00:00:00');
INSERT INTO format_rules (format_code, valid_from, credit_hours, alt_credit_hours, yearly_limit, mentors_per_instance, bookable, created_by_account_id, created_at)
VALUES ('individual', '2020-01-01', NULL, NULL, NULL, 1, FALSE, NULL, TIMESTAMP '2026-11-25 00:00:00');

-- § 4, in the handbook's order and groups.
INSERT INTO topics (group_code, title_de, title_en, status, proposed_by_account_id, decided_by_account_id, decided_at, decision_note, created_at) VALUES
('municipal_administration', 'Kommunale Haushaltsplanung und die Integration von Klimaschutzprojekten',
 'Municipal budget planning and the integration of climate-protection projects',
 'accepted', NULL, NULL, TIMESTAMP '2026-11-25 00:00:00', NULL, TIMESTAMP '2026-11-25 00:00:00');
INSERT INTO topics (group_code, title_de, title_en, status, proposed_by_account_id, decided_by_account_id, decided_at, decision_note, created_at) VALUES
('municipal_administration', 'Etablierung verwaltungsinterner Arbeitsstrukturen und Allianzen',
 'Establishing working structures and alliances within the administration',
 'accepted', NULL, NULL, TIMESTAMP '2026-11-25 00:00:00', NULL, TIMESTAMP '2026-11-25 00:00:00');
INSERT INTO topics (group_code, title_de, title_en, status, proposed_by_account_id, decided_by_account_id, decided_at, decision_note, created_at) VALUES
('municipal_administration', 'Klimaschutz-Controlling: Bilanzierung von Energieverbräuchen und Treibhausgasen, quantitative und qualitative Erfolgskontrolle von Maßnahmenplänen',
 'Climate-protection controlling: accounting for energy consumption and greenhouse gases, quantitative and qualitative evaluation of action plans',
 'accepted', NULL, NULL, TIMESTAMP '2026-11-25 00:00:00', NULL, TIMESTAMP '2026-11-25 00:00:00');
INSERT INTO topics (group_code, title_de, title_en, status, proposed_by_account_id, decided_by_account_id, decided_at, decision_note, created_at) VALUES
('local_politics', 'Erfolgreiches Einbringen von Klimaschutzprojekten in die Politik, zum Beispiel Verfassen von Beschlussvorlagen, Vorstellen von Vorhaben in Ausschüssen und Kommunalparlament',
 'Successfully bringing climate-protection projects into politics, for example drafting council resolutions, presenting projects in committees and the municipal council',
 'accepted', NULL, NULL, TIMESTAMP '2026-11-25 00:00:00', NULL, TIMESTAMP '2026-11-25 00:00:00');
INSERT INTO topics (group_code, title_de, title_en, status, proposed_by_account_id, decided_by_account_id, decided_at, decision_note, created_at) VALUES
('local_politics', 'Austausch und Kommunikation zwischen Verwaltung und Politik',
 'Exchange and communication between administration and politics',
 'accepted', NULL, NULL, TIMESTAMP '2026-11-25 00:00:00', NULL, TIMESTAMP '2026-11-25 00:00:00');
INSERT INTO topics (group_code, title_de, title_en, status, proposed_by_account_id, decided_by_account_id, decided_at, decision_note, created_at) VALUES
('local_politics', 'Eigenmarketing: Stärkung des Ansehens in der Politik, Herausarbeitung und Kommunikation der Rentabilität der eigenen Personalstelle',
 'Self-marketing: raising your standing with politicians, working out and communicating the return on your own position',
 'accepted', NULL, NULL, TIMESTAMP '2026-11-25 00:00:00', NULL, TIMESTAMP '2026-11-25 00:00:00');
INSERT INTO topics (group_code, title_de, title_en, status, proposed_by_account_id, decided_by_account_id, decided_at, decision_note, created_at) VALUES
('other_stakeholders', 'Organisation und Leitung von Arbeitsgruppen und Bündnissen (Identifikation von Synergien, zielgruppengerechte Ansprache, Erfolgskontrolle in Projekten, Ergebnis-Publikation)',
 'Organising and leading working groups and alliances (identifying synergies, addressing target groups appropriately, evaluating project success, publishing results)',
 'accepted', NULL, NULL, TIMESTAMP '2026-11-25 00:00:00', NULL, TIMESTAMP '2026-11-25 00:00:00');
INSERT INTO topics (group_code, title_de, title_en, status, proposed_by_account_id, decided_by_account_id, decided_at, decision_note, created_at) VALUES
('other_stakeholders', 'Ansprache und Anwerbung neuer Klimaschutzakteure',
 'Approaching and recruiting new climate-protection actors',
 'accepted', NULL, NULL, TIMESTAMP '2026-11-25 00:00:00', NULL, TIMESTAMP '2026-11-25 00:00:00');
INSERT INTO topics (group_code, title_de, title_en, status, proposed_by_account_id, decided_by_account_id, decided_at, decision_note, created_at) VALUES
('other_stakeholders', 'Durchführung von Beteiligungsprozessen',
 'Running participation processes',
 'accepted', NULL, NULL, TIMESTAMP '2026-11-25 00:00:00', NULL, TIMESTAMP '2026-11-25 00:00:00');
INSERT INTO topics (group_code, title_de, title_en, status, proposed_by_account_id, decided_by_account_id, decided_at, decision_note, created_at) VALUES
('other_stakeholders', 'Zielgruppengerechte Presse- und Öffentlichkeitsarbeit (gelungene Pressemitteilungen, Websitebetreuung, Nutzung sozialer Netzwerke und ähnliches)',
 'Press and public relations suited to the target group (effective press releases, website maintenance, use of social networks and the like)',
 'accepted', NULL, NULL, TIMESTAMP '2026-11-25 00:00:00', NULL, TIMESTAMP '2026-11-25 00:00:00');
INSERT INTO topics (group_code, title_de, title_en, status, proposed_by_account_id, decided_by_account_id, decided_at, decision_note, created_at) VALUES
('other_stakeholders', 'Organisation von publikumswirksamen Klimaschutzveranstaltungen (zum Beispiel Kostenplanung, Drittmittelinwerbung, Öffentlichkeitsarbeit)',
 'Organising climate-protection events that draw the public (for example cost planning, raising third-party funds, public relations)',
 'accepted', NULL, NULL, TIMESTAMP '2026-11-25 00:00:00', NULL, TIMESTAMP '2026-11-25 00:00:00');

-- § 3.2.1: the community has a general forum for the professional public and one only for KSM and
-- climate-protection officers, with these topic sub-forums. The handbook says the sub-forums range
-- from subject matter to process: the seven subject forums (climate impacts, energy, education,
-- mobility, communication, funding, training) interest the wider professional public, while the two
-- "Klimaschutzmanagement & ..." forums are about the KSM role itself inside administration and
-- local politics, the collegial and protected exchange the handbook reserves for KSM.
INSERT INTO forums (code, name_de, name_en, audience, retired_at, created_at, version) VALUES
('climate_impacts_adaptation', 'Klimafolgen & Anpassung', 'Climate impacts & adaptation', 'professional_public', NULL, TIMESTAMP '2026-11-25 00:00:00', 1);
INSERT INTO forums (code, name_de, name_en, audience, retired_at, created_at, version) VALUES
('renewable_energy', 'Erneuerbare Energien', 'Renewable energy', 'professional_public', NULL, TIMESTAMP '2026-11-25 00:00:00', 1);
INSERT INTO forums (code, name_de, name_en, audience, retired_at, created_at, version) VALUES
('environmental_education_energy_saving', 'Umweltbildung & Energiesparprojekte', 'Environmental education & energy-saving projects', 'professional_public', NULL, TIMESTAMP '2026-11-25 00:00:00', 1);
INSERT INTO forums (code, name_de, name_en, audience, retired_at, created_at, version) VALUES
('mobility', 'Mobilität', 'Mobility', 'professional_public', NULL, TIMESTAMP '2026-11-25 00:00:00', 1);
INSERT INTO forums (code, name_de, name_en, audience, retired_at, created_at, version) VALUES
('public_relations_communication', 'Öffentlichkeitsarbeit & Kommunikation', 'Public relations & communication', 'professional_public', NULL, TIMESTAMP '2026-11-25 00:00:00', 1);
INSERT INTO forums (code, name_de, name_en, audience, retired_at, created_at, version) VALUES
('funding_finance', 'Fördermittel & Finanzierung', 'Funding & finance', 'professional_public', NULL, TIMESTAMP '2026-11-25 00:00:00', 1);
INSERT INTO forums (code, name_de, name_en, audience, retired_at, created_at, version) VALUES
('training_qualification', 'Fortbildung & Qualifizierung', 'Training & qualification', 'professional_public', NULL, TIMESTAMP '2026-11-25 00:00:00', 1);
INSERT INTO forums (code, name_de, name_en, audience, retired_at, created_at, version) VALUES
('climate_management_administration', 'Klimaschutzmanagement & Verwaltung', 'Climate-protection management & administration', 'ksm_only', NULL, TIMESTAMP '2026-11-25 00:00:00', 1);
INSERT INTO forums (code, name_de, name_en, audience, retired_at, created_at, version) VALUES
('climate_management_local_politics', 'Klimaschutzmanagement & Lokalpolitik', 'Climate-protection management & local politics', 'ksm_only', NULL, TIMESTAMP '2026-11-25 00:00:00', 1);

-- The row concurrent forum creators lock first, so the active-forum limit holds on both backends.
INSERT INTO catalogue_locks (name, acquisitions) VALUES ('forums', 0);
