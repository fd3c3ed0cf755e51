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

diesel::joinable!(audit_events -> accounts (actor_account_id));
diesel::joinable!(format_rules -> formats (format_code));
diesel::allow_tables_to_appear_in_same_query!(
    accounts,
    audit_events,
    formats,
    format_rules,
    topics,
    forums,
    catalogue_locks,
);
