//! The portable schema for both backends, maintained by hand (see `diesel.toml`).

diesel::table! {
    /// Login accounts: staff, participants and integration clients.
    accounts (id) {
        id -> BigInt,
        login -> Text,
        password_hash -> Text,
        role -> Text,
        display_name -> Text,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        mail_lang -> Text,
        mail_opt_outs -> Text,
    }
}

diesel::table! {
    /// Append-only record of every state change.
    audit_events (id) {
        id -> BigInt,
        occurred_at -> Timestamp,
        actor_account_id -> Nullable<BigInt>,
        action -> Text,
        entity_type -> Text,
        entity_id -> Text,
        before_summary -> Nullable<Text>,
        after_summary -> Nullable<Text>,
        request_id -> Nullable<Text>,
    }
}

diesel::table! {
    /// The mentoring formats of § 3 (codes, names, descriptions); rules live in `format_rules`.
    formats (code) {
        code -> Text,
        group_code -> Text,
        position -> Integer,
        name_de -> Text,
        name_en -> Text,
        description_de -> Text,
        description_en -> Text,
        version -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Append-only history of each format's credit rule, each valid from a date.
    format_rules (id) {
        id -> BigInt,
        format_code -> Text,
        valid_from -> Date,
        credit_hours -> Nullable<Integer>,
        alt_credit_hours -> Nullable<Integer>,
        yearly_limit -> Nullable<Integer>,
        mentors_per_instance -> Nullable<Integer>,
        bookable -> Bool,
        created_by_account_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Mentoring topics of § 4 and proposals for new ones.
    topics (id) {
        id -> BigInt,
        group_code -> Text,
        title_de -> Text,
        title_en -> Nullable<Text>,
        status -> Text,
        proposed_by_account_id -> Nullable<BigInt>,
        decided_by_account_id -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        decision_note -> Nullable<Text>,
        created_at -> Timestamp,
        retired_at -> Nullable<Timestamp>,
        version -> BigInt,
    }
}

diesel::table! {
    /// The community's topic forums of § 3.2.1.
    forums (id) {
        id -> BigInt,
        code -> Text,
        name_de -> Text,
        name_en -> Text,
        audience -> Text,
        retired_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    /// Lock rows: a transaction updates one first to serialise a check-then-insert.
    catalogue_locks (name) {
        name -> Text,
        acquisitions -> BigInt,
    }
}

diesel::table! {
    /// Climate-protection managers taking part in the programme.
    participants (id) {
        id -> BigInt,
        account_id -> BigInt,
        status -> Text,
        salutation -> Nullable<Text>,
        first_name -> Text,
        last_name -> Text,
        email -> Text,
        phone -> Text,
        experience -> Text,
        is_mentee -> Bool,
        is_mentor -> Bool,
        consent_directory -> Bool,
        consent_newsletter_welcome -> Bool,
        community_account_ref -> Nullable<Text>,
        activated_at -> Nullable<Timestamp>,
        erased_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// A participant's dated projects (first, follow-up, permanent position, ...), never overwritten.
    projects (id) {
        id -> BigInt,
        participant_id -> BigInt,
        kind -> Text,
        employer -> Text,
        municipality -> Text,
        federal_state -> Text,
        funding_reference -> Nullable<Text>,
        start_date -> Date,
        end_date -> Nullable<Date>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    /// The signed contact data sheet of a project (scan stored in the database).
    contact_sheets (id) {
        id -> BigInt,
        project_id -> BigInt,
        content_type -> Text,
        content -> Binary,
        size_bytes -> BigInt,
        uploaded_by -> BigInt,
        uploaded_at -> Timestamp,
        confirmed_by -> Nullable<BigInt>,
        confirmed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Periods of active participation: activation (or re-joining) to ending.
    participations (id) {
        id -> BigInt,
        participant_id -> BigInt,
        started_on -> Date,
        started_by -> BigInt,
        ended_on -> Nullable<Date>,
        end_reason -> Nullable<Text>,
        ended_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Who held which roles from when.
    role_periods (id) {
        id -> BigInt,
        participant_id -> BigInt,
        is_mentee -> Bool,
        is_mentor -> Bool,
        valid_from -> Date,
        source -> Text,
        recorded_by -> Nullable<BigInt>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    /// Participants' requests to change their roles, decided by staff.
    role_change_requests (id) {
        id -> BigInt,
        participant_id -> BigInt,
        wants_mentee -> Bool,
        wants_mentor -> Bool,
        reason -> Text,
        status -> Text,
        requested_by -> BigInt,
        requested_at -> Timestamp,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        decision_note -> Nullable<Text>,
    }
}

diesel::table! {
    /// When the funding agency was told about a role deviation (project and roles it covered).
    funding_agency_notifications (id) {
        id -> BigInt,
        participant_id -> BigInt,
        project_id -> BigInt,
        is_mentee -> Bool,
        is_mentor -> Bool,
        notified_on -> Date,
        recorded_by -> BigInt,
        recorded_at -> Timestamp,
        channel -> Nullable<Text>,
        note -> Nullable<Text>,
        version -> BigInt,
    }
}

diesel::table! {
    /// Topics a participant offers expertise in (`expertise`) or wants to learn about (`interest`).
    participant_topics (participant_id, topic_id, kind) {
        participant_id -> BigInt,
        topic_id -> BigInt,
        kind -> Text,
    }
}

diesel::table! {
    /// Team-mentoring sessions (§ 3.1) and where each stands.
    sessions (id) {
        id -> BigInt,
        format_code -> Text,
        title -> Text,
        guiding_question -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        calendar_year -> Integer,
        online -> Bool,
        place -> Nullable<Text>,
        event_name -> Nullable<Text>,
        expected_audience -> Nullable<Text>,
        state -> Text,
        state_reason -> Nullable<Text>,
        people_reached -> Nullable<Integer>,
        capacity_override -> Bool,
        proposed_by -> BigInt,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        walk_in_count -> Nullable<Integer>,
        attendance_recorded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// The mentors of a session.
    session_mentors (session_id, participant_id) {
        session_id -> BigInt,
        participant_id -> BigInt,
    }
}

diesel::table! {
    /// The accepted topics of a session.
    session_topics (session_id, topic_id) {
        session_id -> BigInt,
        topic_id -> BigInt,
    }
}

diesel::table! {
    /// Mentees signed up for a session.
    session_signups (session_id, participant_id) {
        session_id -> BigInt,
        participant_id -> BigInt,
        created_at -> Timestamp,
        attended -> Nullable<Bool>,
    }
}

diesel::table! {
    /// Questions and case examples for a session's mentors.
    session_questions (id) {
        id -> BigInt,
        session_id -> BigInt,
        participant_id -> BigInt,
        body -> Text,
        is_case_example -> Bool,
        anonymise -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// The credit ledger: one row per mentor and credited activity (§ 5.4).
    credits (id) {
        id -> BigInt,
        participant_id -> BigInt,
        format_code -> Text,
        source_kind -> Text,
        source_id -> BigInt,
        earned_on -> Date,
        hours -> Integer,
        format_rule_id -> BigInt,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// The short documentation of a held session.
    session_documentation (session_id) {
        session_id -> BigInt,
        summary -> Text,
        results -> Text,
        filed_by -> BigInt,
        filed_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    /// Case examples shown in a session's documentation.
    session_case_examples (session_id, question_id) {
        session_id -> BigInt,
        question_id -> BigInt,
        position -> Integer,
        text -> Text,
    }
}

diesel::table! {
    /// Photos and slides of a held session.
    session_attachments (id) {
        id -> BigInt,
        session_id -> BigInt,
        content_type -> Text,
        content -> Binary,
        size_bytes -> BigInt,
        uploaded_by -> BigInt,
        uploaded_at -> Timestamp,
    }
}

diesel::table! {
    /// Personal calendar feed tokens (hashed).
    calendar_feed_tokens (account_id) {
        account_id -> BigInt,
        token_sha256 -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Refresh tokens of people's logins (hashed), rotated within a family per login.
    refresh_tokens (id) {
        id -> BigInt,
        account_id -> BigInt,
        family_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Forum sponsorships (§ 3.2.1): a mentor sponsors a forum for 6–12 months.
    forum_sponsorships (id) {
        id -> BigInt,
        forum_id -> BigInt,
        participant_id -> BigInt,
        starts_on -> Date,
        ends_on -> Date,
        effective_ends_on -> Date,
        credit_hours -> Integer,
        state -> Text,
        state_reason -> Nullable<Text>,
        applied_by -> BigInt,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        withdrawn_on -> Nullable<Date>,
        completed_at -> Nullable<Timestamp>,
        post_count -> Nullable<Integer>,
        evidence_recorded_at -> Nullable<Timestamp>,
        credit_decision_hours -> Nullable<Integer>,
        credit_decision_reason -> Nullable<Text>,
        credit_decided_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Notable thread titles a sponsor names as evidence.
    forum_sponsorship_threads (sponsorship_id, position) {
        sponsorship_id -> BigInt,
        position -> Integer,
        title -> Text,
    }
}

diesel::table! {
    /// Practice tips (§ 3.2.2), one author each.
    practice_tips (id) {
        id -> BigInt,
        author_id -> BigInt,
        title -> Text,
        question -> Text,
        kind -> Text,
        abstract_text -> Text,
        search_text -> Text,
        state -> Text,
        review_note -> Nullable<Text>,
        state_reason -> Nullable<Text>,
        anonymisation_requested -> Bool,
        anonymisation_confirmed_by -> Nullable<BigInt>,
        anonymisation_confirmed_at -> Nullable<Timestamp>,
        submitted_at -> Nullable<Timestamp>,
        published_at -> Nullable<Timestamp>,
        decided_by -> Nullable<BigInt>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// The accepted topics of a practice tip.
    practice_tip_topics (practice_tip_id, topic_id) {
        practice_tip_id -> BigInt,
        topic_id -> BigInt,
    }
}

diesel::table! {
    /// The PDF of a practice tip (apart, so lists never load it).
    practice_tip_documents (practice_tip_id) {
        practice_tip_id -> BigInt,
        content -> Binary,
        size_bytes -> BigInt,
        page_count -> Nullable<Integer>,
        uploaded_at -> Timestamp,
    }
}

diesel::table! {
    /// Newsletter mailings (§ 5.1).
    newsletter_mailings (id) {
        id -> BigInt,
        sent_on -> Date,
        recorded_by -> BigInt,
        recorded_at -> Timestamp,
        subject -> Text,
        intro -> Text,
        recipient_count -> Integer,
    }
}

diesel::table! {
    /// Whom a mailing welcomed (each participant once).
    newsletter_welcomes (participant_id) {
        participant_id -> BigInt,
        mailing_id -> BigInt,
    }
}

diesel::table! {
    /// Stored answers of creates sent with an `Idempotency-Key`.
    idempotency_keys (account_id, operation, idempotency_key) {
        account_id -> BigInt,
        operation -> Text,
        idempotency_key -> Text,
        request_sha256 -> Text,
        location -> Text,
        response_body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// The outbox: events for the community platform, in commit order.
    outbox_events (id) {
        id -> BigInt,
        event_type -> Text,
        subject_type -> Text,
        subject_id -> BigInt,
        occurred_at -> Timestamp,
        community_account_ref -> Nullable<Text>,
        email -> Nullable<Text>,
    }
}

diesel::table! {
    /// Webhook endpoints of the Klimaschutz-Community (staff register them).
    webhook_endpoints (id) {
        id -> BigInt,
        url -> Text,
        event_types -> Text,
        secret -> Text,
        enabled -> Bool,
        disabled_reason -> Nullable<Text>,
        consecutive_failures -> Integer,
        fanned_out_until -> BigInt,
        created_by -> BigInt,
        created_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    /// One delivery of an outbox event to a webhook endpoint, with its retry state.
    webhook_deliveries (id) {
        id -> BigInt,
        endpoint_id -> BigInt,
        event_id -> BigInt,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_attempt_at -> Nullable<Timestamp>,
        last_status_code -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// The mail outbox: rendered messages and their delivery state.
    mail_messages (id) {
        id -> BigInt,
        account_id -> Nullable<BigInt>,
        to_address -> Text,
        kind -> Text,
        lang -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        message_id -> Text,
        dedupe_key -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        list_unsubscribe -> Nullable<Text>,
    }
}

diesel::table! {
    /// Single-use e-mailed links (password reset, invitation, e-mail change), stored as hashes.
    account_tokens (id) {
        id -> BigInt,
        account_id -> BigInt,
        purpose -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        new_address -> Nullable<Text>,
    }
}

diesel::table! {
    /// Day-before reminders sent, one per session and signed-up participant.
    session_reminders (session_id, participant_id) {
        session_id -> BigInt,
        participant_id -> BigInt,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    /// Reminders to KSM2 mentors below the yearly minimum, one per project year.
    credit_reminders (id) {
        id -> BigInt,
        participant_id -> BigInt,
        project_id -> BigInt,
        project_year -> Integer,
        year_start -> Date,
        year_end -> Date,
        credited_hours -> Integer,
        missing_hours -> Integer,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    /// A mentee's request for an individual mentor (§ 3.3).
    mentoring_requests (id) {
        id -> BigInt,
        mentee_id -> BigInt,
        preferred_states -> Text,
        note -> Nullable<Text>,
        state -> Text,
        version -> BigInt,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// The topics a mentoring request asks about.
    mentoring_request_topics (request_id, topic_id) {
        request_id -> BigInt,
        topic_id -> BigInt,
    }
}

diesel::table! {
    /// A pair of mentor and mentee in individual mentoring, with its agreement (Infobox 2).
    mentoring_pairs (id) {
        id -> BigInt,
        request_id -> BigInt,
        mentor_id -> BigInt,
        mentee_id -> BigInt,
        state -> Text,
        started_on -> Date,
        ended_on -> Nullable<Date>,
        agreement_expectations -> Nullable<Text>,
        agreement_scope -> Nullable<Text>,
        agreement_contact_kinds -> Nullable<Text>,
        agreement_end_date -> Nullable<Date>,
        agreement_recorded_at -> Nullable<Timestamp>,
        last_contact_on -> Nullable<Date>,
        silence_reminded_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// One contact of a mentoring pair; the note is confidential.
    mentoring_contacts (id) {
        id -> BigInt,
        pair_id -> BigInt,
        kind -> Text,
        contact_on -> Date,
        duration_hours -> Nullable<Integer>,
        duration_days -> Nullable<Integer>,
        note -> Nullable<Text>,
        recorded_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::joinable!(audit_events -> accounts (actor_account_id));
diesel::joinable!(contact_sheets -> projects (project_id));
diesel::joinable!(credits -> participants (participant_id));
diesel::joinable!(format_rules -> formats (format_code));
diesel::joinable!(participants -> accounts (account_id));
diesel::joinable!(refresh_tokens -> accounts (account_id));
diesel::joinable!(participations -> participants (participant_id));
diesel::joinable!(projects -> participants (participant_id));
diesel::joinable!(role_change_requests -> participants (participant_id));
diesel::joinable!(role_periods -> participants (participant_id));
diesel::joinable!(session_mentors -> sessions (session_id));
diesel::joinable!(session_topics -> sessions (session_id));
diesel::joinable!(session_case_examples -> session_questions (question_id));
diesel::joinable!(forum_sponsorships -> forums (forum_id));
diesel::joinable!(forum_sponsorship_threads -> forum_sponsorships (sponsorship_id));
diesel::joinable!(practice_tip_topics -> practice_tips (practice_tip_id));
diesel::joinable!(practice_tip_documents -> practice_tips (practice_tip_id));
diesel::joinable!(newsletter_welcomes -> participants (participant_id));
diesel::joinable!(newsletter_welcomes -> newsletter_mailings (mailing_id));
diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));
diesel::joinable!(webhook_deliveries -> outbox_events (event_id));
diesel::joinable!(mail_messages -> accounts (account_id));
diesel::joinable!(account_tokens -> accounts (account_id));
diesel::joinable!(credit_reminders -> participants (participant_id));
diesel::joinable!(mentoring_request_topics -> mentoring_requests (request_id));
diesel::joinable!(mentoring_contacts -> mentoring_pairs (pair_id));
diesel::table! {
    /// Issued participation certificates and what each stated.
    certificates (code) {
        code -> Text,
        participant_id -> BigInt,
        project_id -> BigInt,
        project_year -> Integer,
        content_sha256 -> Text,
        year_start -> Date,
        year_end -> Date,
        activity_count -> Integer,
        total_hours -> Integer,
        min_hours -> Nullable<Integer>,
        status -> Text,
        issued_at -> Timestamp,
        last_issued_at -> Timestamp,
    }
}

diesel::table! {
    /// The programme this database serves (one row, claimed at the first start).
    programme (singleton) {
        singleton -> Integer,
        code -> Text,
        name -> Text,
        title -> Text,
        office -> Text,
        claimed_at -> Timestamp,
    }
}

diesel::joinable!(certificates -> participants (participant_id));
diesel::allow_tables_to_appear_in_same_query!(
    accounts,
    programme,
    audit_events,
    formats,
    format_rules,
    topics,
    forums,
    catalogue_locks,
    participants,
    projects,
    contact_sheets,
    participations,
    role_periods,
    role_change_requests,
    funding_agency_notifications,
    participant_topics,
    sessions,
    session_mentors,
    session_topics,
    session_signups,
    session_questions,
    credits,
    session_documentation,
    session_case_examples,
    session_attachments,
    calendar_feed_tokens,
    refresh_tokens,
    forum_sponsorships,
    forum_sponsorship_threads,
    practice_tips,
    practice_tip_topics,
    practice_tip_documents,
    newsletter_mailings,
    newsletter_welcomes,
    idempotency_keys,
    outbox_events,
    webhook_endpoints,
    webhook_deliveries,
    mail_messages,
    account_tokens,
    session_reminders,
    credit_reminders,
    mentoring_requests,
    mentoring_request_topics,
    mentoring_pairs,
    mentoring_contacts,
    certificates,
);
