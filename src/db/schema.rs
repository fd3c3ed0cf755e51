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
    }
}

diesel::joinable!(audit_events -> accounts (actor_account_id));
diesel::joinable!(participants -> accounts (account_id));
diesel::joinable!(projects -> participants (participant_id));
diesel::joinable!(contact_sheets -> projects (project_id));
diesel::joinable!(participations -> participants (participant_id));
diesel::joinable!(role_periods -> participants (participant_id));
diesel::joinable!(role_change_requests -> participants (participant_id));
diesel::allow_tables_to_appear_in_same_query!(
    accounts,
    audit_events,
    participants,
    projects,
    contact_sheets,
    participations,
    role_periods,
    role_change_requests,
    funding_agency_notifications,
);
