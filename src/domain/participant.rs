//! Participants: their codes (status, project kind, federal state, ...) and the rules about them.

use chrono::NaiveDate;

use crate::code_enum;
use crate::domain::Violation;

code_enum! {
    /// Where a participant stands in the programme (§ 5.1–5.2).
    pub enum ParticipantStatus {
        /// Registered; the signed contact sheet is missing or not yet checked.
        Pending = "pending", "Registriert, Kontaktdatenblatt ausstehend", "Registered, contact sheet pending";
        /// Activated by staff; member resources unlocked.
        Active = "active", "Aktiv", "Active";
        /// Participation ended (§ 5.2).
        Ended = "ended", "Beendet", "Ended";
    }
}

code_enum! {
    /// The kind of project a participant works in (§ 1, § 5.3).
    pub enum ProjectKind {
        /// KSM1: first funded project (Erstvorhaben).
        FirstProject = "first_project", "Erstvorhaben (KSM1)", "First project (KSM1)";
        /// KSM2: follow-up funded project (Anschlussvorhaben).
        FollowUpProject = "follow_up_project", "Anschlussvorhaben (KSM2)", "Follow-up project (KSM2)";
        /// Accompanying energy-saving models (schools, day-care centres).
        EnergySavingModels = "energy_saving_models", "Energiesparmodelle begleitend", "Energy-saving models";
        /// Masterplan 100 % Klimaschutz.
        Masterplan = "masterplan", "Masterplanmanagement", "Masterplan management";
        /// Unfunded climate-protection officer.
        UnfundedOfficer = "unfunded_officer", "Nicht geförderte Klimaschutzbeauftragte", "Unfunded climate officer";
        /// Position made permanent after the follow-up project.
        PermanentPosition = "permanent_position", "Verstetigte Stelle", "Permanent position";
    }
}

impl ProjectKind {
    /// Funded kinds need a funding reference (Förderkennzeichen).
    pub fn is_funded(self) -> bool {
        matches!(
            self,
            ProjectKind::FirstProject
                | ProjectKind::FollowUpProject
                | ProjectKind::EnergySavingModels
                | ProjectKind::Masterplan
        )
    }
}

code_enum! {
    /// The 16 German federal states (ISO 3166-2:DE codes).
    pub enum FederalState {
        /// Baden-Württemberg.
        BW = "BW", "Baden-Württemberg", "Baden-Württemberg";
        /// Bayern.
        BY = "BY", "Bayern", "Bavaria";
        /// Berlin.
        BE = "BE", "Berlin", "Berlin";
        /// Brandenburg.
        BB = "BB", "Brandenburg", "Brandenburg";
        /// Bremen.
        HB = "HB", "Bremen", "Bremen";
        /// Hamburg.
        HH = "HH", "Hamburg", "Hamburg";
        /// Hessen.
        HE = "HE", "Hessen", "Hesse";
        /// Mecklenburg-Vorpommern.
        MV = "MV", "Mecklenburg-Vorpommern", "Mecklenburg-Western Pomerania";
        /// Niedersachsen.
        NI = "NI", "Niedersachsen", "Lower Saxony";
        /// Nordrhein-Westfalen.
        NW = "NW", "Nordrhein-Westfalen", "North Rhine-Westphalia";
        /// Rheinland-Pfalz.
        RP = "RP", "Rheinland-Pfalz", "Rhineland-Palatinate";
        /// Saarland.
        SL = "SL", "Saarland", "Saarland";
        /// Sachsen.
        SN = "SN", "Sachsen", "Saxony";
        /// Sachsen-Anhalt.
        ST = "ST", "Sachsen-Anhalt", "Saxony-Anhalt";
        /// Schleswig-Holstein.
        SH = "SH", "Schleswig-Holstein", "Schleswig-Holstein";
        /// Thüringen.
        TH = "TH", "Thüringen", "Thuringia";
    }
}

code_enum! {
    /// Self-assessed experience in municipal climate protection (§ 2).
    pub enum Experience {
        /// Little or no prior experience.
        Beginner = "beginner", "Wenig oder keine Vorerfahrung", "Little or no experience";
        /// Some experience.
        Some = "some", "Etwas Erfahrung", "Some experience";
        /// Extensive experience.
        Experienced = "experienced", "Umfangreiche Erfahrung", "Extensive experience";
    }
}

code_enum! {
    /// Salutation for letters and the newsletter.
    pub enum Salutation {
        /// Frau.
        Ms = "ms", "Frau", "Ms";
        /// Herr.
        Mr = "mr", "Herr", "Mr";
    }
}

/// The roles a participant holds; at least one (§ 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Roles {
    /// Takes part as mentee.
    pub mentee: bool,
    /// Takes part as mentor.
    pub mentor: bool,
}

code_enum! {
    /// A role in the programme.
    pub enum RoleCode {
        /// Mentee.
        Mentee = "mentee", "Mentee", "Mentee";
        /// Mentorin / Mentor.
        Mentor = "mentor", "Mentorin/Mentor", "Mentor";
    }
}

code_enum! {
    /// Where a role-change request stands.
    pub enum RoleChangeStatus {
        /// Waiting for staff.
        Requested = "requested", "Beantragt", "Requested";
        /// Approved; the roles changed.
        Approved = "approved", "Genehmigt", "Approved";
        /// Declined.
        Declined = "declined", "Abgelehnt", "Declined";
    }
}

code_enum! {
    /// How the funding agency (Projektträger Jülich) was told about a role deviation. The
    /// handbook asks for an early notice ("frühzeitig dem Projektträger Jülich kommunizieren")
    /// without naming a channel; these are the ones the office uses.
    pub enum NotificationChannel {
        /// By e-mail.
        Email = "email", "E-Mail", "E-mail";
        /// By letter.
        Letter = "letter", "Brief", "Letter";
        /// Through the funding agency's online portal.
        Portal = "portal", "Online-Portal", "Online portal";
        /// By phone.
        Phone = "phone", "Telefon", "Phone";
    }
}

impl Roles {
    /// From a list of role codes; `None` when empty.
    pub fn from_codes(codes: &[RoleCode]) -> Option<Self> {
        let roles = Roles {
            mentee: codes.contains(&RoleCode::Mentee),
            mentor: codes.contains(&RoleCode::Mentor),
        };
        (roles.mentee || roles.mentor).then_some(roles)
    }

    /// As a list of role codes (mentee first).
    pub fn codes(self) -> Vec<RoleCode> {
        let mut codes = Vec::with_capacity(2);
        if self.mentee {
            codes.push(RoleCode::Mentee);
        }
        if self.mentor {
            codes.push(RoleCode::Mentor);
        }
        codes
    }
}

/// What the admission rules look at of a participant: status, erasure and the mentor role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// Where they stand in the programme.
    pub status: ParticipantStatus,
    /// Whether their personal data was erased.
    pub erased: bool,
    /// Whether they hold the mentor role.
    pub is_mentor: bool,
}

impl Standing {
    /// Active and not erased: member resources (directory, calendar, tips) are open to them.
    pub fn is_active(self) -> bool {
        self.status == ParticipantStatus::Active && !self.erased
    }

    /// Active, not erased and a mentor: may propose and co-mentor sessions and sponsor forums.
    pub fn is_active_mentor(self) -> bool {
        self.is_active() && self.is_mentor
    }
}

/// Staff activate a pending participant only once the signed contact sheet of the current
/// project is confirmed (§ 5.1): `has_project` whether there is a current project,
/// `sheet_confirmed` whether its sheet is confirmed.
pub fn check_activation(
    status: ParticipantStatus,
    has_project: bool,
    sheet_confirmed: bool,
) -> Result<(), Violation> {
    if status != ParticipantStatus::Pending {
        return Err(Violation::conflict(
            "only a pending participant can be activated",
        ));
    }
    if !has_project {
        return Err(Violation::conflict("the participant has no project"));
    }
    if !sheet_confirmed {
        return Err(Violation::conflict(
            "the signed contact sheet of the current project is missing or not confirmed",
        ));
    }
    Ok(())
}

/// A participation ends once (§ 5.2).
pub fn check_ending(status: ParticipantStatus) -> Result<(), Violation> {
    if status == ParticipantStatus::Ended {
        Err(Violation::conflict("the participation has already ended"))
    } else {
        Ok(())
    }
}

/// Only an ended participant re-joins.
pub fn check_rejoining(status: ParticipantStatus) -> Result<(), Violation> {
    if status == ParticipantStatus::Ended {
        Ok(())
    } else {
        Err(Violation::conflict("only an ended participant can re-join"))
    }
}

/// A participant asks for other roles only while active, only for roles they do not hold
/// already, and only when no earlier request is still open (footnote 1).
pub fn check_role_change(
    is_active: bool,
    current: Roles,
    wanted: Roles,
    has_open_request: bool,
) -> Result<(), Violation> {
    if !is_active {
        return Err(Violation::conflict(
            "only active participants can change roles",
        ));
    }
    if current == wanted {
        return Err(Violation::conflict(
            "the participant already holds these roles",
        ));
    }
    if has_open_request {
        return Err(Violation::conflict(
            "another role-change request is still open",
        ));
    }
    Ok(())
}

/// The funding body expects KSM1 as mentees and KSM2 as mentors (§ 2, footnote 2): a first-project
/// mentor or a follow-up-project mentee-only is allowed but must be reported early.
pub fn deviates_from_funding_expectation(kind: ProjectKind, roles: Roles) -> bool {
    match kind {
        ProjectKind::FirstProject => roles.mentor,
        ProjectKind::FollowUpProject => !roles.mentor,
        _ => false,
    }
}

/// A project's dates, enough to decide which one is current.
#[derive(Debug, Clone, Copy)]
pub struct ProjectDates {
    /// Project id.
    pub id: i64,
    /// First day.
    pub start: NaiveDate,
    /// Last day, if known.
    pub end: Option<NaiveDate>,
}

impl ProjectDates {
    /// Whether the project runs on `day`.
    pub fn runs_on(&self, day: NaiveDate) -> bool {
        self.start <= day && self.end.is_none_or(|end| day <= end)
    }
}

/// The current project on `today`: the latest-starting project running today; if none runs, the
/// latest one that has started; if none has started yet, the earliest upcoming one.
pub fn current_project(projects: &[ProjectDates], today: NaiveDate) -> Option<i64> {
    let latest = |candidates: Vec<&ProjectDates>| {
        candidates
            .into_iter()
            .max_by_key(|p| (p.start, p.id))
            .map(|p| p.id)
    };
    latest(projects.iter().filter(|p| p.runs_on(today)).collect())
        .or_else(|| latest(projects.iter().filter(|p| p.start <= today).collect()))
        .or_else(|| {
            projects
                .iter()
                .min_by_key(|p| (p.start, p.id))
                .map(|p| p.id)
        })
}

/// A participant's project periods do not overlap (§ 5.3: a new phase, employer or position is a
/// new project after the earlier one): `period` (its `id` is ignored when it is a new project)
/// may share no day with any of `others`. An earlier project without an end date runs on, so a
/// later one needs it closed first (an end date before the new start). The pointer names the
/// field to change: `/start_date` when the period starts inside another one, else `/end_date`.
pub fn check_no_overlap(period: ProjectDates, others: &[ProjectDates]) -> Result<(), Violation> {
    let last = |p: &ProjectDates| p.end.unwrap_or(NaiveDate::MAX);
    let Some(other) = others
        .iter()
        .filter(|o| o.id != period.id)
        .filter(|o| o.start <= last(&period) && period.start <= last(o))
        .min_by_key(|o| (o.start, o.id))
    else {
        return Ok(());
    };
    let detail = |field: &str| {
        format!(
            "the project period overlaps project {} ({} to {}); {field}",
            other.id,
            other.start,
            other
                .end
                .map_or_else(|| "open end".to_owned(), |e| e.to_string())
        )
    };
    if other.runs_on(period.start) {
        let hint = if other.start < period.start && other.end.is_none() {
            "close the earlier project with an end date before this start first"
        } else {
            "start after the other project ends"
        };
        Err(Violation::field("/start_date", detail(hint)))
    } else {
        Err(Violation::field(
            "/end_date",
            detail("end before the other project starts"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn standing(status: ParticipantStatus, erased: bool, is_mentor: bool) -> Standing {
        Standing {
            status,
            erased,
            is_mentor,
        }
    }

    fn conflict(message: &str) -> Result<(), Violation> {
        Err(Violation::Conflict(message.to_owned()))
    }

    #[test]
    fn activation_needs_a_pending_participant_with_a_confirmed_sheet() {
        use ParticipantStatus as S;
        assert_eq!(check_activation(S::Pending, true, true), Ok(()));
        assert_eq!(
            check_activation(S::Active, true, true),
            conflict("only a pending participant can be activated")
        );
        assert_eq!(
            check_activation(S::Pending, false, false),
            conflict("the participant has no project")
        );
        assert_eq!(
            check_activation(S::Pending, true, false),
            conflict("the signed contact sheet of the current project is missing or not confirmed")
        );
    }

    #[test]
    fn a_participation_ends_once_and_only_an_ended_one_rejoins() {
        use ParticipantStatus as S;
        assert_eq!(check_ending(S::Pending), Ok(()));
        assert_eq!(check_ending(S::Active), Ok(()));
        assert_eq!(
            check_ending(S::Ended),
            conflict("the participation has already ended")
        );
        assert_eq!(check_rejoining(S::Ended), Ok(()));
        assert_eq!(
            check_rejoining(S::Active),
            conflict("only an ended participant can re-join")
        );
    }

    #[test]
    fn a_role_change_needs_an_active_participant_new_roles_and_no_open_request() {
        let mentee = Roles {
            mentee: true,
            mentor: false,
        };
        let both = Roles {
            mentee: true,
            mentor: true,
        };
        assert_eq!(check_role_change(true, mentee, both, false), Ok(()));
        assert_eq!(
            check_role_change(false, mentee, both, false),
            conflict("only active participants can change roles")
        );
        assert_eq!(
            check_role_change(true, both, both, false),
            conflict("the participant already holds these roles")
        );
        assert_eq!(
            check_role_change(true, mentee, both, true),
            conflict("another role-change request is still open")
        );
    }

    #[test]
    fn only_an_active_participant_with_the_mentor_role_is_an_active_mentor() {
        use ParticipantStatus as S;
        assert!(standing(S::Active, false, true).is_active_mentor());
        assert!(!standing(S::Active, false, false).is_active_mentor());
        assert!(!standing(S::Pending, false, true).is_active_mentor());
        assert!(!standing(S::Ended, false, true).is_active_mentor());
    }

    #[test]
    fn an_erased_participant_is_never_active() {
        assert!(!standing(ParticipantStatus::Active, true, true).is_active());
        assert!(!standing(ParticipantStatus::Active, true, true).is_active_mentor());
    }

    #[test]
    fn an_active_mentee_is_active_but_no_mentor() {
        let mentee = standing(ParticipantStatus::Active, false, false);
        assert!(mentee.is_active());
        assert!(!mentee.is_active_mentor());
    }

    fn project(id: i64, start: &str, end: Option<&str>) -> ProjectDates {
        ProjectDates {
            id,
            start: day(start),
            end: end.map(day),
        }
    }

    #[test]
    fn current_project_prefers_the_running_one_then_the_latest_started() {
        let ksm1 = project(1, "2022-01-01", Some("2024-12-31"));
        let ksm2 = project(2, "2025-01-01", Some("2027-12-31"));
        assert_eq!(current_project(&[ksm1, ksm2], day("2024-12-31")), Some(1));
        assert_eq!(current_project(&[ksm1, ksm2], day("2025-01-01")), Some(2));
        assert_eq!(current_project(&[ksm1], day("2026-06-01")), Some(1));
        assert_eq!(current_project(&[ksm2], day("2024-06-01")), Some(2));
        assert_eq!(current_project(&[], day("2024-06-01")), None);
    }

    #[test]
    fn deviation_is_ksm1_mentor_or_ksm2_without_mentor_role() {
        let mentee = Roles {
            mentee: true,
            mentor: false,
        };
        let mentor = Roles {
            mentee: false,
            mentor: true,
        };
        let both = Roles {
            mentee: true,
            mentor: true,
        };
        assert!(!deviates_from_funding_expectation(
            ProjectKind::FirstProject,
            mentee
        ));
        assert!(deviates_from_funding_expectation(
            ProjectKind::FirstProject,
            both
        ));
        assert!(!deviates_from_funding_expectation(
            ProjectKind::FollowUpProject,
            mentor
        ));
        assert!(!deviates_from_funding_expectation(
            ProjectKind::FollowUpProject,
            both
        ));
        assert!(deviates_from_funding_expectation(
            ProjectKind::FollowUpProject,
            mentee
        ));
        assert!(!deviates_from_funding_expectation(
            ProjectKind::Masterplan,
            mentor
        ));
    }

    #[test]
    fn codes_round_trip_and_label_in_both_languages() {
        use crate::domain::lang::Lang;
        assert_eq!(FederalState::ALL.len(), 16);
        for kind in ProjectKind::ALL {
            assert_eq!(ProjectKind::parse(kind.as_str()), Some(*kind));
        }
        assert_eq!(FederalState::BY.label(Lang::De), "Bayern");
        assert_eq!(FederalState::BY.label(Lang::En), "Bavaria");
        assert_eq!(Roles::from_codes(&[]), None);
        assert_eq!(
            Roles::from_codes(&[RoleCode::Mentor, RoleCode::Mentee])
                .unwrap()
                .codes(),
            vec![RoleCode::Mentee, RoleCode::Mentor]
        );
    }

    fn overlap_at(period: ProjectDates, others: &[ProjectDates]) -> Option<String> {
        match check_no_overlap(period, others) {
            Ok(()) => None,
            Err(Violation::Invalid(fields)) => Some(fields[0].pointer.clone()),
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_project_after_a_closed_one_does_not_overlap() {
        let ksm1 = project(1, "2022-01-01", Some("2024-12-31"));
        assert_eq!(overlap_at(project(0, "2025-01-01", None), &[ksm1]), None);
        assert_eq!(
            overlap_at(project(0, "2025-01-01", Some("2027-12-31")), &[ksm1]),
            None
        );
        // Before it, ending the day before it starts, is fine too.
        let before = project(0, "2020-01-01", Some("2021-12-31"));
        assert_eq!(overlap_at(before, &[ksm1]), None);
    }

    #[test]
    fn a_shared_day_is_an_overlap() {
        let ksm1 = project(1, "2022-01-01", Some("2024-12-31"));
        assert_eq!(
            overlap_at(project(0, "2024-12-31", None), &[ksm1]).as_deref(),
            Some("/start_date")
        );
        assert_eq!(
            overlap_at(project(0, "2021-01-01", Some("2022-01-01")), &[ksm1]).as_deref(),
            Some("/end_date")
        );
    }

    #[test]
    fn an_open_ended_earlier_project_must_be_closed_before_a_later_one() {
        let open = project(1, "2022-01-01", None);
        let later = project(0, "2030-01-01", Some("2032-12-31"));
        assert_eq!(overlap_at(later, &[open]).as_deref(), Some("/start_date"));
        let Err(Violation::Invalid(fields)) = check_no_overlap(later, &[open]) else {
            panic!("an overlap");
        };
        assert!(fields[0].detail.contains("close the earlier project"));
        assert!(
            fields[0]
                .detail
                .contains("project 1 (2022-01-01 to open end)")
        );
        let closed = project(1, "2022-01-01", Some("2029-12-31"));
        assert_eq!(overlap_at(later, &[closed]), None);
    }

    #[test]
    fn an_open_ended_new_project_overlaps_every_later_one() {
        let later = project(2, "2026-01-01", Some("2026-12-31"));
        assert_eq!(
            overlap_at(project(0, "2025-01-01", None), &[later]).as_deref(),
            Some("/end_date")
        );
    }

    #[test]
    fn a_project_never_overlaps_itself_when_corrected() {
        let ksm1 = project(1, "2022-01-01", Some("2024-12-31"));
        let ksm2 = project(2, "2025-01-01", None);
        let corrected = project(1, "2021-06-01", Some("2024-12-31"));
        assert_eq!(overlap_at(corrected, &[ksm1, ksm2]), None);
        let too_long = project(1, "2021-06-01", Some("2025-01-01"));
        assert_eq!(
            overlap_at(too_long, &[ksm1, ksm2]).as_deref(),
            Some("/end_date")
        );
    }

    #[test]
    fn a_period_inside_another_points_at_its_start() {
        let long = project(1, "2020-01-01", Some("2030-12-31"));
        let inside = project(0, "2025-01-01", Some("2025-12-31"));
        assert_eq!(overlap_at(inside, &[long]).as_deref(), Some("/start_date"));
        let around = project(0, "2019-01-01", Some("2031-12-31"));
        assert_eq!(overlap_at(around, &[long]).as_deref(), Some("/end_date"));
    }
}
