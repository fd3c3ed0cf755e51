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

diesel::joinable!(audit_events -> accounts (actor_account_id));
diesel::allow_tables_to_appear_in_same_query!(accounts, audit_events);
