//! The mentoring formats (§ 3) with their credit rules (§ 5.4): anyone reads them, staff change
//! the rules. A change appends a rule valid from a date; earlier rules stay as they were.

use crate::domain::programme_time::programme_today;
use actix_web::{HttpResponse, get, patch, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::api::http::json_object::present;
use serde_json::json;
use utoipa::ToSchema;

use crate::api::http::etag::IfMatchHeader;
use crate::api::http::json_object::JsonObject;
use crate::auth::StaffCaller;
use crate::db::models::audit_events::{self, Change};
use crate::db::models::formats::{self, Format, FormatRule, NewFormatRule};
use crate::db::{self, DbPool};
use crate::domain::catalogue::FormatGroup;
use crate::domain::format_rules::{self, RuleTerms, TermsChange};
use crate::domain::lang::Lang;
use crate::domain::text;
use crate::error::{AppError, FieldProblem};

/// One credit rule of a format, valid from `valid_from` until `valid_until`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = rule_example)]
pub struct FormatRuleResponse {
    /// First day the rule applies.
    pub valid_from: NaiveDate,
    /// Last day it applies; `null` while no later rule exists.
    #[schema(required = true)]
    pub valid_until: Option<NaiveDate>,
    /// Credit per instance in whole hours (a working day is 8 hours); `null` while not defined.
    #[schema(required = true, example = 40)]
    pub credit_hours: Option<i32>,
    /// A second credit the mentor may choose instead (the forum sponsorship: 20 hours against
    /// 40); `null` when there is no choice.
    #[schema(required = true)]
    pub alt_credit_hours: Option<i32>,
    /// Instances per year; `null` for no limit.
    #[schema(required = true)]
    pub yearly_limit: Option<i32>,
    /// Mentors per instance; `null` when variable.
    #[schema(required = true)]
    pub mentors_per_instance: Option<i32>,
    /// Whether the format can be booked.
    pub bookable: bool,
    /// When the rule was recorded.
    pub created_at: DateTime<Utc>,
}

/// A mentoring format with its rule in force today and its rule history.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = format_example)]
pub struct FormatResponse {
    /// Stable code.
    #[schema(example = "webinar")]
    pub code: String,
    /// Form of mentoring.
    pub group: FormatGroup,
    /// The group's name in the response language.
    pub group_label: String,
    /// The format's name in the response language.
    pub label: String,
    /// What the format is, in the response language.
    pub description: String,
    /// The rule that applies today.
    pub current_rule: FormatRuleResponse,
    /// Every rule, oldest first, including future ones.
    pub rules: Vec<FormatRuleResponse>,
}

/// All formats.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [format_example()], "next_cursor": null}))]
pub struct FormatList {
    /// The formats in the handbook's order.
    pub items: Vec<FormatResponse>,
    /// Always `null`: the list is complete.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// A rule change. Omitted terms keep the value of the latest rule; `null` clears a nullable term.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"valid_from": "2027-01-01", "yearly_limit": 14}))]
#[serde(deny_unknown_fields)]
pub struct FormatRuleChange {
    /// First day the new rule applies: today (in Berlin) or later, and after the start of the latest
    /// rule. The past is never rewritten.
    pub valid_from: NaiveDate,
    /// Credit per instance in whole hours; `null`: not defined (then not bookable).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 400)]
    pub credit_hours: Option<Option<i32>>,
    /// Alternative credit in whole hours; `null`: none.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 400)]
    pub alt_credit_hours: Option<Option<i32>>,
    /// Instances per year; `null`: no limit.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 1000)]
    pub yearly_limit: Option<Option<i32>>,
    /// Mentors per instance; `null`: variable.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 100)]
    pub mentors_per_instance: Option<Option<i32>>,
    /// Whether the format can be booked (needs a defined credit); `null` or omitted: unchanged.
    pub bookable: Option<bool>,
}

impl FormatRuleChange {
    fn terms_change(&self) -> TermsChange {
        TermsChange {
            credit_hours: self.credit_hours,
            alt_credit_hours: self.alt_credit_hours,
            yearly_limit: self.yearly_limit,
            mentors_per_instance: self.mentors_per_instance,
            bookable: self.bookable,
        }
    }
}

fn rule_example() -> serde_json::Value {
    json!({
        "valid_from": "2020-01-01",
        "valid_until": null,
        "credit_hours": 40,
        "alt_credit_hours": null,
        "yearly_limit": 12,
        "mentors_per_instance": 2,
        "bookable": true,
        "created_at": "2026-11-25T00:00:00Z"
    })
}

fn format_example() -> serde_json::Value {
    json!({
        "code": "webinar",
        "group": "team",
        "group_label": "Team-Mentoring",
        "label": "Mentoring-Session per Telefon-/Videokonferenz oder Webinar",
        "description": "Eine selbst geplante Telefon- oder Videokonferenz oder ein Webinar zu einem definierten Thema, in der Regel mit zwei Mentorinnen oder Mentoren.",
        "current_rule": rule_example(),
        "rules": [rule_example()]
    })
}

fn rule_responses(rules: &[FormatRule]) -> Vec<FormatRuleResponse> {
    let starts: Vec<NaiveDate> = rules.iter().map(|r| r.valid_from).collect();
    rules
        .iter()
        .enumerate()
        .map(|(index, r)| FormatRuleResponse {
            valid_from: r.valid_from,
            valid_until: format_rules::valid_until(&starts, index),
            credit_hours: r.credit_hours,
            alt_credit_hours: r.alt_credit_hours,
            yearly_limit: r.yearly_limit,
            mentors_per_instance: r.mentors_per_instance,
            bookable: r.bookable,
            created_at: r.created_at.and_utc(),
        })
        .collect()
}

/// Builds the response from a format and its rules (oldest first) as of `today`.
fn format_response(
    format: Format,
    rules: &[FormatRule],
    today: NaiveDate,
    lang: Lang,
) -> Result<FormatResponse, AppError> {
    let group = format.group_code;
    let starts: Vec<NaiveDate> = rules.iter().map(|r| r.valid_from).collect();
    let rules = rule_responses(rules);
    let current = format_rules::applicable_index(&starts, today)
        .ok_or_else(|| AppError::internal(format!("format {} has no rule today", format.code)))?;
    Ok(FormatResponse {
        group,
        group_label: group.label(lang).to_owned(),
        label: lang.pick(&format.name_de, &format.name_en).to_owned(),
        description: lang
            .pick(&format.description_de, &format.description_en)
            .to_owned(),
        code: format.code,
        current_rule: rules[current].clone(),
        rules,
    })
}

/// A path segment that is not a well-formed code names no format (404), and never reaches the
/// database (PostgreSQL refuses NUL in text).
fn known_shape(code: String) -> Result<String, AppError> {
    text::code(&code)
        .map(|()| code)
        .map_err(|_| AppError::NotFound)
}

/// Lists the mentoring formats with their credit rules; labels follow `Accept-Language`.
///
/// Public: no token needed. The six formats of § 3 in the handbook's order, each with the credit
/// rule in force today (§ 5.4: credit per instance, yearly limit, mentors per instance, whether it
/// can be booked) and every rule it ever had, future ones included. The list is complete, so
/// `next_cursor` is always `null`.
#[utoipa::path(
    tag = "formats",
    operation_id = "list_formats",
    security(()),
    responses((status = 200, description = "Every format with its current rule and history.", body = FormatList,
        headers(("Content-Language" = String, description = "`de` or `en`, chosen by `Accept-Language`."))))
)]
#[get("/formats")]
pub async fn list(lang: Lang, pool: web::Data<DbPool>) -> Result<HttpResponse, AppError> {
    let (formats, rules) = db::run(&pool, |conn| {
        Ok((formats::list(conn)?, formats::all_rules(conn)?))
    })
    .await?;
    let today = programme_today();
    let items = formats
        .into_iter()
        .map(|format| {
            let own: Vec<FormatRule> = rules
                .iter()
                .filter(|r| r.format_code == format.code)
                .cloned()
                .collect();
            format_response(format, &own, today, lang)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(lang.json(&FormatList {
        items,
        next_cursor: None,
    }))
}

/// One mentoring format with its rule history and `ETag`.
///
/// Public: no token needed. 404 for an unknown code. The `ETag` is the format's version; staff
/// send it as `If-Match` to `PATCH /api/v1/formats/{code}`.
#[utoipa::path(
    tag = "formats",
    operation_id = "get_format",
    security(()),
    params(("code" = String, Path, description = "Format code, e.g. `webinar`.")),
    responses((status = 200, description = "The format.", body = FormatResponse,
        headers(
            ("ETag" = String, description = "The format's version; send it as `If-Match` to change the rule."),
            ("Content-Language" = String, description = "`de` or `en`, chosen by `Accept-Language`.")
        )))
)]
#[get("/formats/{code}")]
pub async fn get(
    lang: Lang,
    code: web::Path<String>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let code = known_shape(code.into_inner())?;
    let (format, rules) = db::run(&pool, move |conn| {
        let format = formats::find(conn, &code)?.ok_or(AppError::NotFound)?;
        let rules = formats::rules_of(conn, &code)?;
        Ok((format, rules))
    })
    .await?;
    let version = format.version;
    let body = format_response(format, &rules, programme_today(), lang)?;
    Ok(lang.json_with_etag(version, &body))
}

fn validation(problems: Vec<format_rules::Problem>) -> AppError {
    AppError::Validation(
        problems
            .into_iter()
            .map(|(pointer, detail)| FieldProblem {
                pointer: pointer.to_owned(),
                detail: detail.to_owned(),
            })
            .collect(),
    )
}

fn terms_json(valid_from: NaiveDate, terms: &RuleTerms) -> serde_json::Value {
    json!({
        "valid_from": valid_from,
        "credit_hours": terms.credit_hours,
        "alt_credit_hours": terms.alt_credit_hours,
        "yearly_limit": terms.yearly_limit,
        "mentors_per_instance": terms.mentors_per_instance,
        "bookable": terms.bookable,
    })
}

/// Changes a format's credit rule from a date on (staff). The change is appended as a new rule;
/// the rules before it, and the credits earned under them, stay as they were.
///
/// Staff only (others 403). Needs `If-Match` with the format's current `ETag` (428 without it,
/// 412 when outdated). Omitted terms keep the value of the latest rule, `null` clears a nullable
/// one. Refused with 422:
/// - a term out of range (credit 1 to 400 hours, yearly limit 1 to 1000, mentors 1 to 100);
/// - `valid_from` before today (Berlin) or not after the start of the latest rule: the past is
///   never rewritten (§ 5.4 credits keep the rule valid on their date);
/// - an alternative credit without a credit or equal to it, `bookable` without a credit;
/// - a change that leaves the latest rule as it is.
///
/// Audited as `format.rule_added` with the terms before and after.
#[utoipa::path(
    tag = "formats",
    operation_id = "change_format_rule",
    params(
        ("code" = String, Path, description = "Format code, e.g. `webinar`."),
        ("If-Match" = String, Header, description = "The `ETag` of the format as last read, e.g. `\"3\"`.")
    ),
    request_body = FormatRuleChange,
    responses(
        (status = 200, description = "The rule was appended; the format with its new `ETag`.", body = FormatResponse,
            headers(
                ("ETag" = String, description = "The format's new version."),
                ("Content-Language" = String, description = "`de` or `en`, chosen by `Accept-Language`.")
            )),
        (status = 412, description = "`If-Match` names an outdated version; read the format again."),
        (status = 428, description = "`If-Match` is missing.")
    )
)]
#[patch("/formats/{code}")]
pub async fn change_rule(
    StaffCaller(caller): StaffCaller,
    if_match: IfMatchHeader,
    lang: Lang,
    code: web::Path<String>,
    body: JsonObject<FormatRuleChange>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let code = known_shape(code.into_inner())?;
    let body = body.into_inner()?;
    let change = body.terms_change();
    let out_of_range = change.range_problems();
    if !out_of_range.is_empty() {
        return Err(validation(out_of_range));
    }
    let actor = caller.account_id;
    // Order per RFC 9110 § 13.2.1: preconditions only for a request that could otherwise succeed,
    // so 422 (malformed values) and 404 come before 428/412, the rules of the history after.
    let (format, rules) = db::write(&pool, move |conn| {
        let now = Utc::now().naive_utc();
        let format = formats::find(conn, &code)?.ok_or(AppError::NotFound)?;
        let if_match = if_match.require()?;
        if !if_match.matches(format.version)
            || formats::bump_version(conn, &code, if_match.expected(format.version), now)? == 0
        {
            return Err(AppError::PreconditionFailed);
        }
        let latest = formats::rules_of(conn, &code)?
            .pop()
            .ok_or_else(|| AppError::internal(format!("format {code} has no rule")))?;
        format_rules::check_valid_from(body.valid_from, programme_today(), Some(latest.valid_from))
            .map_err(|detail| AppError::invalid_field("/valid_from", detail))?;
        let before = latest.terms();
        let after = before.apply(&change);
        let problems = after.problems();
        if !problems.is_empty() {
            return Err(validation(problems));
        }
        if after == before {
            return Err(AppError::invalid_field(
                "",
                "the change leaves the latest rule as it is",
            ));
        }
        formats::insert_rule(
            conn,
            &NewFormatRule {
                format_code: &code,
                valid_from: body.valid_from,
                credit_hours: after.credit_hours,
                alt_credit_hours: after.alt_credit_hours,
                yearly_limit: after.yearly_limit,
                mentors_per_instance: after.mentors_per_instance,
                bookable: after.bookable,
                created_by_account_id: Some(actor),
                created_at: now,
            },
        )?;
        audit_events::record(
            conn,
            Change {
                actor: &caller.actor(),
                action: "format.rule_added",
                entity_type: "format",
                entity_id: code.clone(),
                before: Some(terms_json(latest.valid_from, &before)),
                after: Some(terms_json(body.valid_from, &after)),
            },
        )?;
        let format = formats::find(conn, &code)?.ok_or(AppError::NotFound)?;
        let rules = formats::rules_of(conn, &code)?;
        Ok((format, rules))
    })
    .await?;
    let version = format.version;
    let body = format_response(format, &rules, programme_today(), lang)?;
    Ok(lang.json_with_etag(version, &body))
}
