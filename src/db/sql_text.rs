//! Code enums as `Text` columns: row structs hold the typed enum, and the column holds exactly
//! the code `as_str` gives (the text every row already has, so no migration).
//!
//! The enums live in `domain/` (and `db/models/credits.rs`) without any diesel derive, so the
//! impls are written here for each listed type: `FromSql` and `ToSql` for PostgreSQL, SQLite and
//! `DbConnection`'s `MultiBackend` (queries run on all three, see `on_backend!`), `Queryable` so
//! a row struct can hold the type, and `AsExpression<Text>` so `column.eq(code)` and insert and
//! change forms take it; the bind is the `as_str` text, as a string column's. A stored code the enum does not know is a deserialization error (the
//! query fails with a 500), never a panic and never a silent default.

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::expression::{
    AppearsOnTable, AsExpression, Expression, SelectableExpression, TypedExpressionType,
    ValidGrouping, is_aggregate,
};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{HasSqlType, Nullable, Text};
use diesel::sqlite::Sqlite;

use crate::db::MultiBackend;

/// A code enum bound as a `Text` query parameter (what `AsExpression` makes of it), typed
/// `ST` (`Text`, or `Nullable<Text>` for a nullable column); the parameter is written by the
/// enum's `ToSql`, so it is the `as_str` text.
#[derive(Debug, Clone, Copy)]
pub struct BoundCode<T, ST = Text>(T, PhantomData<ST>);

impl<T, ST> BoundCode<T, ST> {
    fn new(code: T) -> Self {
        Self(code, PhantomData)
    }
}

impl<T, ST: TypedExpressionType> Expression for BoundCode<T, ST> {
    type SqlType = ST;
}

impl<T, ST, DB> QueryFragment<DB> for BoundCode<T, ST>
where
    DB: Backend + HasSqlType<Text>,
    T: ToSql<Text, DB>,
{
    fn walk_ast<'b>(&'b self, mut pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        pass.push_bind_param::<Text, T>(&self.0)
    }
}

/// Every code parameter has the same SQL (one `Text` bind), so one static id serves them all
/// and a query holding codes stays in the prepared-statement cache by its type.
impl<T, ST: 'static> QueryId for BoundCode<T, ST> {
    type QueryId = BoundCode<(), ST>;

    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<T, ST, QS> AppearsOnTable<QS> for BoundCode<T, ST> where Self: Expression {}

impl<T, ST, QS> SelectableExpression<QS> for BoundCode<T, ST> where Self: Expression {}

impl<T, ST, GB> ValidGrouping<GB> for BoundCode<T, ST> {
    type IsAggregate = is_aggregate::Never;
}

/// The column types a code binds to: `Text`, and `Nullable<Text>` where the code is optional.
pub trait CodeColumn: TypedExpressionType + diesel::sql_types::SqlType + 'static {}

impl CodeColumn for Text {}

impl CodeColumn for Nullable<Text> {}

/// The error of a stored code that `type_name`'s `parse` does not know.
fn unknown_code(type_name: &str, code: &str) -> Box<dyn std::error::Error + Send + Sync> {
    format!("unknown {type_name} code `{code}` in the database").into()
}

/// Implements the diesel traits that let each listed code enum (with `as_str` and `parse`)
/// stand for a `Text` column.
macro_rules! text_codes {
    ($($name:ident => $ty:ty),+ $(,)?) => {$(
        impl FromSql<Text, Pg> for $ty {
            fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                let code = std::str::from_utf8(value.as_bytes())?;
                <$ty>::parse(code).ok_or_else(|| unknown_code(stringify!($name), code))
            }
        }

        impl FromSql<Text, Sqlite> for $ty {
            fn from_sql(mut value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                let code = value.read_text();
                <$ty>::parse(code).ok_or_else(|| unknown_code(stringify!($name), code))
            }
        }

        impl FromSql<Text, MultiBackend> for $ty {
            fn from_sql(value: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                value.from_sql::<Self, Text>()
            }
        }

        impl ToSql<Text, Pg> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <str as ToSql<Text, Pg>>::to_sql(self.as_str(), out)
            }
        }

        impl ToSql<Text, Sqlite> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                out.set_value(self.as_str());
                Ok(IsNull::No)
            }
        }

        impl ToSql<Text, MultiBackend> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value((Text, self));
                Ok(IsNull::No)
            }
        }

        impl<DB> Queryable<Text, DB> for $ty
        where
            DB: Backend,
            Self: FromSql<Text, DB>,
        {
            type Row = Self;

            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }

        impl<ST> AsExpression<ST> for $ty
        where
            ST: CodeColumn,
        {
            type Expression = BoundCode<$ty, ST>;

            fn as_expression(self) -> Self::Expression {
                BoundCode::new(self)
            }
        }

        impl<ST> AsExpression<ST> for &$ty
        where
            ST: CodeColumn,
        {
            type Expression = BoundCode<$ty, ST>;

            fn as_expression(self) -> Self::Expression {
                BoundCode::new(*self)
            }
        }

        impl<ST> AsExpression<ST> for &&$ty
        where
            ST: CodeColumn,
        {
            type Expression = BoundCode<$ty, ST>;

            fn as_expression(self) -> Self::Expression {
                BoundCode::new(**self)
            }
        }
    )+};
}

text_codes! {
    ParticipantStatus => crate::domain::participant::ParticipantStatus,
    ProjectKind => crate::domain::participant::ProjectKind,
    SessionState => crate::domain::session::SessionState,
    SponsorshipState => crate::domain::sponsorship::SponsorshipState,
    TipState => crate::domain::practice_tip::TipState,
    TipKind => crate::domain::practice_tip::TipKind,
    TopicStatus => crate::domain::catalogue::TopicStatus,
    DeliveryStatus => crate::domain::webhooks::DeliveryStatus,
    CreditSource => crate::db::models::credits::CreditSource,
    Role => crate::domain::account::Role,
    RoleChangeStatus => crate::domain::participant::RoleChangeStatus,
    EventType => crate::domain::events::EventType,
    DisabledReason => crate::domain::webhooks::DisabledReason,
    FormatGroup => crate::domain::catalogue::FormatGroup,
    ForumAudience => crate::domain::catalogue::ForumAudience,
    Experience => crate::domain::participant::Experience,
    Salutation => crate::domain::participant::Salutation,
    FederalState => crate::domain::participant::FederalState,
    MailKind => crate::domain::mail::MailKind,
    MailStatus => crate::domain::mail::MailStatus,
    TokenPurpose => crate::domain::mail::TokenPurpose,
    NotificationChannel => crate::domain::participant::NotificationChannel,
    RequestState => crate::domain::individual_mentoring::RequestState,
    PairState => crate::domain::individual_mentoring::PairState,
    ContactKind => crate::domain::individual_mentoring::ContactKind,
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::result::Error;
    use diesel::sql_types::Text;

    use crate::db::DbConnection;
    use crate::domain::session::SessionState;

    fn sqlite() -> DbConnection {
        DbConnection::Sqlite(SqliteConnection::establish(":memory:").unwrap())
    }

    #[test]
    fn a_code_is_bound_as_its_text_and_read_back() {
        let mut conn = sqlite();
        let text: String = diesel::select(SessionState::Held.into_sql::<Text>())
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(text, "held");
        let state: SessionState = diesel::select("documented".into_sql::<Text>())
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(state, SessionState::Documented);
        let DbConnection::Sqlite(inner) = &mut conn else {
            unreachable!()
        };
        let state: SessionState = diesel::select(SessionState::Approved.into_sql::<Text>())
            .get_result(inner)
            .unwrap();
        assert_eq!(state, SessionState::Approved);
    }

    #[test]
    fn an_unknown_stored_code_is_a_deserialization_error() {
        let mut conn = sqlite();
        let read =
            diesel::select("postponed".into_sql::<Text>()).get_result::<SessionState>(&mut conn);
        let Err(Error::DeserializationError(e)) = read else {
            panic!("expected a deserialization error, got {read:?}");
        };
        let cause = std::error::Error::source(&*e).map_or(e.to_string(), |c| c.to_string());
        assert_eq!(
            cause,
            "unknown SessionState code `postponed` in the database"
        );
        let DbConnection::Sqlite(inner) = &mut conn else {
            unreachable!()
        };
        let read = diesel::select("postponed".into_sql::<Text>()).get_result::<SessionState>(inner);
        assert!(matches!(read, Err(Error::DeserializationError(_))));
    }
}
