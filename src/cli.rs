//! Command-line subcommands besides `serve`.

use std::io::BufRead;

use clap::{Parser, Subcommand};

use crate::auth::staff::{NewStaffAccount, create_staff_account};
use crate::config::Settings;
use crate::db::models::audit_events::Actor;
use crate::error::AppError;
use crate::startup::{Application, prepare_database};

/// The SK:KK mentoring programme API.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The programme a subcommand works on (a code from `PROGRAMMES`); default the default
    /// programme. `serve` always serves every programme; `migrate` without it migrates every
    /// programme's database.
    #[arg(long, global = true)]
    pub programme: Option<String>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply migrations and serve HTTP (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Print the OpenAPI document as JSON.
    Openapi,
    /// Create a staff account; the password comes from STAFF_PASSWORD or, if unset, stdin.
    CreateStaff {
        /// The e-mail address to log in with.
        #[arg(long)]
        email: String,
        /// The name shown to others (default: the programme office's short name, e.g. "SK:KK").
        #[arg(long)]
        display_name: Option<String>,
    },
    /// Fill an empty database with a demo programme; the staff password comes from
    /// STAFF_PASSWORD or is generated and printed.
    SeedDemo,
    /// Import what the office kept before (see `POST /imports/participants` for the file).
    Import {
        /// What to import.
        #[command(subcommand)]
        what: ImportCommand,
    },
}

/// The kinds of import.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A participant list as CSV (the columns of the participants export); all rows or none.
    /// New addresses get an invitation e-mail, sent by the running service.
    Participants {
        /// The CSV file.
        file: std::path::PathBuf,
        /// Check the file and print what would happen, without writing anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Past sessions, forum sponsorships and practice tips as CSV (see
    /// `POST /imports/activities` for the columns); all rows or none. Credits each mentor.
    Activities {
        /// The CSV file.
        file: std::path::PathBuf,
        /// Check the file and print what would happen, without keeping anything.
        #[arg(long)]
        dry_run: bool,
    },
}

type BoxError = Box<dyn std::error::Error>;

/// Runs the parsed command.
pub async fn run(cli: Cli) -> Result<(), BoxError> {
    let programme = cli.programme;
    // The settings of the programme a subcommand works on.
    let settings = || -> Result<Settings, BoxError> {
        let all = Settings::from_env()?;
        Ok(match &programme {
            Some(code) => all.of_programme(code)?,
            None => all,
        })
    };
    match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => {
            print!("{}", crate::openapi::document_json());
            Ok(())
        }
        Command::Migrate => {
            let settings = settings()?;
            let only = programme.is_some();
            for settings in settings
                .programmes()
                .take(if only { 1 } else { usize::MAX })
            {
                prepare_database(settings)?;
                println!(
                    "database of programme {} is up to date",
                    settings.programme.code
                );
            }
            Ok(())
        }
        Command::Serve => {
            if programme.is_some() {
                return Err("serve runs every programme; --programme is for the other \
                            subcommands"
                    .into());
            }
            let settings = Settings::from_env()?;
            let app = Application::build(settings)?;
            // Scripts that start the server on port 0 read the port (and check the pid) here.
            println!(
                "listening on port {} (pid {})",
                app.port(),
                std::process::id()
            );
            app.run_until_stopped().await?;
            Ok(())
        }
        Command::CreateStaff {
            email,
            display_name,
        } => {
            let settings = settings()?;
            let pool = prepare_database(&settings)?;
            let password = match std::env::var("STAFF_PASSWORD") {
                Ok(p) => p,
                Err(_) => read_password_line()?,
            };
            let body = NewStaffAccount {
                email,
                password,
                display_name: display_name.unwrap_or_else(|| settings.programme.office.clone()),
            };
            let account = create_staff_account(&pool, body, Actor::system())
                .await
                .map_err(describe)?;
            println!("created staff account {} ({})", account.id, account.login);
            Ok(())
        }
        Command::SeedDemo => seed_demo(settings()?).await,
        Command::Import {
            what: ImportCommand::Participants { file, dry_run },
        } => import_participants(settings()?, &file, dry_run).await,
        Command::Import {
            what: ImportCommand::Activities { file, dry_run },
        } => import_activities(settings()?, &file, dry_run).await,
    }
}

async fn import_participants(
    settings: Settings,
    file: &std::path::Path,
    dry_run: bool,
) -> Result<(), BoxError> {
    use crate::domain::import::{RowOutcome, participants, read_table};
    let bytes = std::fs::read(file)?;
    let records = read_table(&bytes, participants::COLUMNS)
        .and_then(|rows| participants::parse(&rows))
        .map_err(|problems| describe(crate::import::refusal(problems)))?;
    let pool = prepare_database(&settings)?;
    let links = crate::mail::Links::of(&settings.mail);
    let report = crate::db::write(&pool, move |conn| {
        crate::import::import_participants(conn, &records, dry_run, &Actor::system(), &links)
    })
    .await
    .map_err(describe)?;
    for row in &report.rows {
        let id = row.participant_id.map(|id| format!(" (participant {id})"));
        println!(
            "line {}: {}{}",
            row.line,
            row.outcome.label(crate::domain::lang::Lang::En),
            id.unwrap_or_default()
        );
    }
    print_totals(
        [
            RowOutcome::Created,
            RowOutcome::WouldCreate,
            RowOutcome::Existing,
        ]
        .map(|o| report.count(o)),
        dry_run,
    );
    Ok(())
}

async fn import_activities(
    settings: Settings,
    file: &std::path::Path,
    dry_run: bool,
) -> Result<(), BoxError> {
    use crate::domain::import::{RowOutcome, activities, read_table};
    use crate::domain::lang::Lang;
    let bytes = std::fs::read(file)?;
    let records = read_table(&bytes, activities::COLUMNS)
        .and_then(|rows| activities::parse(&rows, crate::domain::programme_time::programme_today()))
        .map_err(|problems| describe(crate::import::refusal(problems)))?;
    let pool = prepare_database(&settings)?;
    let report = crate::db::write(&pool, move |conn| {
        crate::import::import_activities(conn, &records, dry_run, &Actor::system())
    })
    .await
    .map_err(describe)?;
    for row in &report.rows {
        let id = row
            .activity_id
            .map(|id| format!(" ({id})"))
            .unwrap_or_default();
        println!(
            "line {}: {}{id}, {}: {} h",
            row.line,
            row.kind.label(Lang::En),
            row.outcome.label(Lang::En),
            row.credited_hours
        );
    }
    print_totals(
        [
            RowOutcome::Created,
            RowOutcome::WouldCreate,
            RowOutcome::Existing,
        ]
        .map(|o| report.count(o)),
        dry_run,
    );
    Ok(())
}

/// The last line of an import: rows created, that would be, and that were there already.
fn print_totals([created, would_create, existing]: [usize; 3], dry_run: bool) {
    let dry = if dry_run {
        " (dry run: nothing kept)"
    } else {
        ""
    };
    println!("{created} created, {would_create} would be created, {existing} already there{dry}");
}

async fn seed_demo(settings: Settings) -> Result<(), BoxError> {
    let pool = prepare_database(&settings)?;
    let (password, generated) = match std::env::var("STAFF_PASSWORD") {
        Ok(p) => (p, false),
        Err(_) => (crate::auth::secret::random_hex(12), true),
    };
    let summary = crate::demo::seed(
        &pool,
        password.clone(),
        crate::domain::programme_time::programme_today(),
    )
    .await
    .map_err(describe)?;
    println!(
        "demo programme: {} participants, {} sessions, {} forum sponsorships, {} practice tips, \
         {} credits ({} h)",
        summary.participants,
        summary.sessions,
        summary.sponsorships,
        summary.practice_tips,
        summary.credits,
        summary.credit_hours
    );
    println!("staff login: {}", crate::demo::DEMO_STAFF_EMAIL);
    if generated {
        println!("staff password: {password}");
    }
    println!(
        "participants log in with their e-mail (e.g. anna.mueller@example.org) and the password {}",
        crate::demo::DEMO_PARTICIPANT_PASSWORD
    );
    Ok(())
}

fn read_password_line() -> Result<String, BoxError> {
    eprintln!("password for the new staff account (one line on stdin):");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn describe(error: AppError) -> BoxError {
    match error {
        AppError::Validation(problems) => problems
            .iter()
            .map(|p| format!("{}: {}", p.pointer.trim_start_matches('/'), p.detail))
            .collect::<Vec<_>>()
            .join("\n")
            .into(),
        other => other.to_string().into(),
    }
}
