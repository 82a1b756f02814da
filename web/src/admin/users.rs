//! The people who may log in, with argon2id password hashes.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::Utc;
use rand::distr::{Alphanumeric, SampleString};
use riff_projections::view::timestamp;
use riff_projections::{Db, ProjectionError};

/// The user created on first start when there is none.
pub const ADMIN: &str = "admin";

/// Shorter than this is refused: a shop's inventory is worth more.
const MIN_PASSWORD: usize = 10;

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("the user name must be 1 to 64 letters, digits, '.', '-' or '_'")]
    BadName,
    #[error("the password must be at least {MIN_PASSWORD} characters")]
    WeakPassword,
    #[error("there is already a user called {0}")]
    Exists(String),
    #[error(transparent)]
    Database(#[from] ProjectionError),
}

impl From<sqlx::Error> for UserError {
    fn from(error: sqlx::Error) -> Self {
        Self::Database(error.into())
    }
}

fn hash(password: &str) -> String {
    Argon2::default()
        .hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))
        .expect("argon2 with default parameters hashes any password")
        .to_string()
}

/// Adds a user.
///
/// # Errors
/// A bad name, a short password, a name taken, or the database failed.
pub async fn add(db: &Db, name: &str, password: &str) -> Result<(), UserError> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !valid {
        return Err(UserError::BadName);
    }
    if password.chars().count() < MIN_PASSWORD {
        return Err(UserError::WeakPassword);
    }
    let inserted = sqlx::query(
        "insert into users (name, password_hash, created_at) values ($1, $2, $3) \
         on conflict (name) do nothing",
    )
    .bind(name)
    .bind(hash(password))
    .bind(timestamp(Utc::now()))
    .execute(&db.views)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(UserError::Exists(name.to_owned()));
    }
    Ok(())
}

/// Whether `password` is the user's. Unknown users cost a hash too, so the
/// answer's timing does not tell which names exist.
///
/// # Errors
/// The database failed.
pub async fn verify(db: &Db, name: &str, password: &str) -> Result<bool, ProjectionError> {
    let stored: Option<String> =
        sqlx::query_scalar("select password_hash from users where name = $1")
            .bind(name)
            .fetch_optional(&db.views)
            .await?;
    let stored = stored.unwrap_or_else(|| hash("not a user's password"));
    let Ok(parsed) = PasswordHash::new(&stored) else {
        return Ok(false);
    };
    Ok(Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok())
}

/// When nobody can log in yet, creates `admin` with `configured` or a
/// generated password, returned to be shown once.
///
/// # Errors
/// The configured password is too short, or the database failed.
pub async fn ensure_admin(db: &Db, configured: Option<&str>) -> Result<Option<String>, UserError> {
    let users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&db.views)
        .await?;
    if users > 0 {
        return Ok(None);
    }
    let (password, generated) = match configured {
        Some(p) => (p.to_owned(), false),
        None => (Alphanumeric.sample_string(&mut rand::rng(), 20), true),
    };
    match add(db, ADMIN, &password).await {
        // Another process created it first: theirs stands.
        Ok(()) | Err(UserError::Exists(_)) => Ok(generated.then_some(password)),
        Err(error) => Err(error),
    }
}
