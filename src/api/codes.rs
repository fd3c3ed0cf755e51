//! How the domain's stable codes appear in the OpenAPI document: a string enum of the codes,
//! described by the enum's doc comment and each code's English label. Every code enum a request or response carries is listed
//! here once; a code enum missing from the list fails to compile where a schema uses it.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

use crate::domain::codes::Code;
use crate::domain::lang::Lang;

/// The schema of a code enum: its codes, its doc comment and each code's English label.
fn code_schema<T: Code>() -> RefOr<Schema> {
    let codes: Vec<&'static str> = T::ALL.iter().map(|c| c.code()).collect();
    let labels: Vec<String> = T::ALL
        .iter()
        .map(|c| format!("`{}`: {}", c.code(), c.label_in(Lang::En)))
        .collect();
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(codes))
        .description(Some(description(T::DOC, &labels)))
        .into()
}

/// The doc comment's lines joined as one paragraph, then the codes with their labels.
fn description(doc: &str, labels: &[String]) -> String {
    let doc: Vec<&str> = doc
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let codes = labels.join("; ");
    if doc.is_empty() {
        codes
    } else {
        format!("{} Codes: {codes}.", doc.join(" "))
    }
}

macro_rules! code_schemas {
    ($($ty:path),+ $(,)?) => {
        $(
            impl utoipa::PartialSchema for $ty {
                fn schema() -> RefOr<Schema> {
                    code_schema::<$ty>()
                }
            }

            impl utoipa::ToSchema for $ty {}
        )+
    };
}

code_schemas!(
    crate::api::credit_reports::overview::ReportMode,
    crate::db::models::credits::CreditSource,
    crate::domain::account::Role,
    crate::domain::catalogue::FormatGroup,
    crate::domain::catalogue::ForumAudience,
    crate::domain::catalogue::TopicGroup,
    crate::domain::catalogue::TopicStatus,
    crate::domain::contact_sheet::SheetGap,
    crate::domain::credit::status::ObligationStatus,
    crate::domain::events::EventType,
    crate::domain::import::RowOutcome,
    crate::domain::individual_mentoring::ContactKind,
    crate::domain::individual_mentoring::PairState,
    crate::domain::individual_mentoring::RequestState,
    crate::domain::individual_mentoring::matching::ScoreFactor,
    crate::domain::import::activities::ActivityKind,
    crate::domain::participant::Experience,
    crate::domain::participant::FederalState,
    crate::domain::participant::NotificationChannel,
    crate::domain::participant::ParticipantStatus,
    crate::domain::participant::ProjectKind,
    crate::domain::participant::RoleChangeStatus,
    crate::domain::participant::RoleCode,
    crate::domain::participant::Salutation,
    crate::domain::practice_tip::PageCountWarning,
    crate::domain::practice_tip::TipKind,
    crate::domain::practice_tip::TipState,
    crate::domain::session::SessionState,
    crate::domain::sponsorship::SponsorshipState,
    crate::domain::webhooks::DeliveryStatus,
    crate::domain::mail::MailKind,
    crate::domain::mail::MailStatus,
    crate::domain::mail::TokenPurpose,
    crate::domain::webhooks::DisabledReason,
);

#[cfg(test)]
mod tests {
    use utoipa::PartialSchema;
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::Schema;

    use crate::domain::catalogue::FormatGroup;

    #[test]
    fn a_code_schema_lists_the_codes_and_describes_them() {
        let RefOr::T(Schema::Object(object)) = FormatGroup::schema() else {
            panic!("a code schema is an inline object schema");
        };
        let codes: Vec<String> = object
            .enum_values
            .unwrap_or_default()
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(codes, ["team", "online", "individual"]);
        assert_eq!(
            object.description.as_deref(),
            Some(
                "The three forms of mentoring (§ 3). Codes: `team`: Team mentoring; \
                 `online`: Online mentoring; `individual`: Individual mentoring."
            )
        );
    }
}
