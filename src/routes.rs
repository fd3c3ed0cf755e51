//! THE route table: every handler is registered here once, and the same registration builds
//! the OpenAPI document, so no route can exist undocumented.

use actix_web::dev::ResourceDef;
use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse, web};
use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::api;
use crate::api::http::mount::MountPoint;
use crate::error::AppError;

/// Registers every endpoint.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(api::health::live)
        .service(api::health::ready)
        .service(api::metrics::get_metrics)
        .service(
            scope::scope("/api/v1")
                .service(api::auth::create_token)
                .service(api::auth::refresh::refresh)
                .service(api::auth::refresh::logout)
                .service(api::auth::get_me)
                .service(api::auth::password_change::change_password)
                .service(api::password_resets::request_reset)
                .service(api::password_resets::confirm_reset)
                .service(api::email_changes::request_change)
                .service(api::email_changes::confirm_change)
                .service(api::mail_messages::get_preferences)
                .service(api::mail_messages::set_preferences)
                .service(api::mail_messages::list)
                .service(api::mail_messages::retry)
                .service(api::reminders::run)
                .service(api::reminders::list)
                .service(api::accounts::create_staff)
                .service(api::accounts::create_integration)
                .service(api::accounts::list)
                .service(api::accounts::get)
                .service(api::accounts::deactivate)
                .service(api::accounts::reactivate)
                .service(api::audit::list)
                .service(api::imports::import_participants)
                .service(api::imports::import_activities)
                .service(api::formats::list)
                .service(api::formats::get)
                .service(api::formats::change_rule)
                .service(api::topics::list)
                .service(api::topics::get)
                .service(api::topics::create)
                .service(api::topics::accept)
                .service(api::topics::decline)
                .service(api::topics::update)
                .service(api::topics::retire)
                .service(api::forums::list)
                .service(api::forums::get)
                .service(api::forums::create)
                .service(api::forums::retire)
                .configure(session_routes)
                .configure(participant_routes)
                .configure(forum_sponsorship_routes)
                .configure(individual_mentoring_routes)
                .configure(practice_tip_routes)
                .configure(credit_report_routes)
                .configure(newsletter_and_event_routes)
                .configure(webhook_routes),
        );
}

fn session_routes(cfg: &mut ServiceConfig) {
    use api::sessions::{
        attachments, attendance, documentation, editing, mentees, proposals, transitions,
    };
    cfg.service(proposals::create)
        .service(proposals::list)
        .service(proposals::get)
        .service(editing::update)
        .service(transitions::approve)
        .service(transitions::decline)
        .service(transitions::cancel)
        .service(transitions::hold)
        .service(documentation::file)
        .service(documentation::get)
        .service(documentation::correct)
        .service(attachments::upload)
        .service(attachments::list)
        .service(attachments::get)
        .service(attachments::remove)
        .service(mentees::sign_up)
        .service(mentees::withdraw)
        .service(mentees::ask)
        .service(mentees::questions)
        .service(attendance::list_signups)
        .service(attendance::get_attendance)
        .service(attendance::record_attendance)
        .service(api::calendar::create_token)
        .service(api::calendar::revoke_token)
        .service(api::calendar::feed);
}

fn participant_routes(cfg: &mut ServiceConfig) {
    use api::participants::{
        directory, export, lifecycle, list_csv, privacy, project_corrections, projects, records,
        registration, roles, work_list,
    };
    cfg.service(registration::create_registration)
        .service(directory::list_directory)
        .service(list_csv::export_participants)
        .service(directory::list_participants)
        .service(work_list::contact_sheet_gaps)
        .service(records::get_participant)
        .service(records::update_participant)
        .service(lifecycle::activate)
        .service(lifecycle::end)
        .service(lifecycle::rejoin)
        .service(projects::list_projects)
        .service(projects::create_project)
        .service(project_corrections::update_project)
        .service(projects::upload_contact_sheet)
        .service(projects::get_contact_sheet)
        .service(projects::confirm_contact_sheet)
        .service(roles::requests::create_role_change)
        .service(roles::requests::list_role_changes)
        .service(roles::requests::approve_role_change)
        .service(roles::requests::decline_role_change)
        .service(roles::history::assign_roles)
        .service(roles::history::get_role_history)
        .service(roles::notifications::list_open_notifications)
        .service(roles::notifications::record_notification)
        .service(roles::notifications::correct_notification)
        .service(export::export)
        .service(export::export_package)
        .service(privacy::erase);
}

fn forum_sponsorship_routes(cfg: &mut ServiceConfig) {
    use api::forum_sponsorships::{application, evidence, reading, transitions};
    cfg.service(application::create)
        .service(reading::list)
        .service(reading::get)
        .service(transitions::approve)
        .service(transitions::decline)
        .service(transitions::withdraw)
        .service(transitions::complete)
        .service(evidence::record)
        .service(evidence::decide_credit)
        .service(reading::forum_sponsors);
}

fn individual_mentoring_routes(cfg: &mut ServiceConfig) {
    use api::individual_mentoring::{acceptance, contacts, pairs, requests, suggestions};
    cfg.service(requests::create)
        .service(requests::list)
        .service(requests::get)
        .service(requests::withdraw)
        .service(suggestions::list)
        .service(acceptance::accept)
        .service(pairs::list)
        .service(pairs::get)
        .service(pairs::record_agreement)
        .service(pairs::end)
        .service(contacts::create)
        .service(contacts::list);
}

fn practice_tip_routes(cfg: &mut ServiceConfig) {
    use api::practice_tips::{authoring, documents, review};
    cfg.service(authoring::create)
        .service(authoring::list)
        .service(authoring::get)
        .service(authoring::update)
        .service(documents::upload)
        .service(documents::download)
        .service(review::submit)
        .service(review::request_changes)
        .service(review::publish)
        .service(review::reject)
        .service(review::withdraw);
}

fn credit_report_routes(cfg: &mut ServiceConfig) {
    use api::credit_reports::{
        certificate, dashboard, overview, overview_csv, personal, report_files,
    };
    cfg.service(personal::get_credit_report)
        .service(report_files::get_nki_text)
        .service(report_files::export_csv)
        .service(certificate::get_certificate)
        .service(api::certificates::verify_certificate)
        .service(overview::list_credit_reports)
        .service(overview_csv::export_credit_reports)
        .service(dashboard::get_programme_dashboard)
        .service(api::statistics::get_statistics)
        .service(api::statistics::table::export_statistics)
        .service(api::statistics::summary_pdf::export_statistics_pdf);
}

fn newsletter_and_event_routes(cfg: &mut ServiceConfig) {
    use api::newsletter::{mailings, recipients, unsubscribe};
    cfg.service(recipients::list)
        .service(recipients::export)
        .service(mailings::create)
        .service(mailings::list)
        .service(mailings::get)
        .service(unsubscribe::unsubscribe)
        .service(api::events::list)
        .service(api::memberships::lookup);
}

fn webhook_routes(cfg: &mut ServiceConfig) {
    use api::webhooks::{deliveries, endpoints};
    cfg.service(endpoints::create)
        .service(endpoints::list)
        .service(endpoints::get)
        .service(endpoints::update)
        .service(endpoints::remove)
        .service(endpoints::rotate_secret)
        .service(deliveries::list)
        .service(deliveries::replay)
        .service(deliveries::replay_failed);
}

/// Which methods each documented path accepts; answers 405-vs-404 for unmatched requests.
#[derive(Debug)]
pub struct RouteCatalog {
    routes: Vec<(ResourceDef, Vec<Method>)>,
}

impl RouteCatalog {
    /// Builds the catalog from the OpenAPI document (the route table's own output).
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let mut methods = Vec::new();
                let candidates = [
                    (&item.get, Method::GET),
                    (&item.put, Method::PUT),
                    (&item.post, Method::POST),
                    (&item.delete, Method::DELETE),
                    (&item.patch, Method::PATCH),
                    (&item.head, Method::HEAD),
                ];
                for (operation, method) in candidates {
                    if operation.is_some() {
                        methods.push(method);
                    }
                }
                (ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        Self { routes }
    }

    /// The methods a path accepts, or `None` when no route has this path.
    pub fn allowed_methods(&self, path: &str) -> Option<Vec<Method>> {
        self.routes
            .iter()
            .find(|(def, _)| def.is_match(path))
            .map(|(_, methods)| methods.clone())
    }
}

/// The fallback for requests no route took: 405 with `Allow` when the path exists, else 404.
pub async fn unmatched_route(
    req: HttpRequest,
    routes: web::Data<RouteCatalog>,
    mount: Option<web::Data<MountPoint>>,
) -> Result<HttpResponse, AppError> {
    let path = match &mount {
        Some(mount) => mount.route_of(req.path()),
        None => req.path(),
    };
    Err(match routes.allowed_methods(path) {
        Some(allowed) => AppError::MethodNotAllowed(allowed),
        None => AppError::NotFound,
    })
}
