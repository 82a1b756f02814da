//! `riff backup` and `riff restore`: the shop in one file that proves
//! itself.
//!
//! The file is gzip-compressed JSON Lines: a header (Riff's version, the
//! schema version, the event count and head hash), one line per event with
//! its link, one per kept row, and an end line with the counts. Written
//! page by page while the shop keeps serving, it holds the log up to the
//! last event committed when it started.
//!
//! A restore reads the file twice: first to check it whole — every line
//! readable, every event's link recomputed from the genesis and equal to
//! the one it carries, the counts and head equal to the header's, the end
//! line present — and only then to write it. A damaged file changes
//! nothing.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use riff_projections::archive::{self, ArchivedEvent, Kept};
use riff_projections::log::chain::{self, GENESIS};
use riff_projections::Db;
use serde::{Deserialize, Serialize};

use super::{finish, LogSummary, Step, TargetError, BATCH};

/// The file format's version: a restore refuses any other.
const FORMAT: u32 = 1;

/// The backup's first line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub riff_backup: u32,
    pub riff_version: String,
    /// The backend it was taken from; it restores into either.
    pub backend: String,
    /// The last migration applied where it was taken.
    pub schema_version: i64,
    pub events: u64,
    pub head: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The backup's last line: without it the file was cut short.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct End {
    events: u64,
    rows: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Line {
    Header(Header),
    Event(ArchivedEvent),
    Kept(Kept),
    End(End),
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the database failed: {0}")]
    Database(#[from] sqlx::Error),
    #[error("{path} is not a Riff backup: {why}")]
    NotABackup { path: PathBuf, why: String },
    #[error("{path} is a Riff backup of format {found}; this Riff reads format {FORMAT} — restore it with the Riff that wrote it ({riff_version})")]
    Format {
        path: PathBuf,
        found: u32,
        riff_version: String,
    },
    #[error("{path} is truncated: it ends after {events} of its {expected} events, before its last line; nothing was restored — use a complete backup")]
    Truncated {
        path: PathBuf,
        events: u64,
        expected: u64,
    },
    #[error("{path} is damaged at line {line}: {why}; nothing was restored — use another backup")]
    Damaged {
        path: PathBuf,
        line: u64,
        why: String,
    },
    #[error("the log's hash chain does not hold at position {position}, so a backup of it could not be restored; run `riff verify` to see why")]
    ChainBroken { position: i64 },
    #[error("the target database already holds {events} events; restore into an empty database")]
    TargetNotEmpty { events: u64 },
    #[error(transparent)]
    Target(#[from] TargetError),
}

/// Writes a backup of `db` to `out`, through a `.partial` file renamed
/// into place once complete, so that `out` is never half a backup.
///
/// # Errors
/// The database or the file failed; `out` is left as it was.
pub async fn backup(
    db: &Db,
    out: &Path,
    mut progress: impl FnMut(Step),
) -> Result<Header, BackupError> {
    let end = archive::stable_end(&db.store).await?;
    let (events, head) = archive::summary_at(&db.store, end).await?;
    let schema_version: i64 =
        sqlx::query_scalar("select coalesce(max(version), 0) from _sqlx_migrations")
            .fetch_one(&db.views)
            .await?;
    let header = Header {
        riff_backup: FORMAT,
        riff_version: env!("CARGO_PKG_VERSION").to_owned(),
        backend: db.backend().as_str().to_owned(),
        schema_version,
        events,
        head,
        created_at: Utc::now(),
    };
    let partial = PathBuf::from(format!("{}.partial", out.display()));
    let write_error = |source| BackupError::Write {
        path: out.to_owned(),
        source,
    };
    // The file holds the password hashes: for its owner only.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&partial)
        .map_err(write_error)?;
    let mut writer = GzEncoder::new(BufWriter::new(file), Compression::default());
    let written = async {
        write_line(&mut writer, &Line::Header(header.clone()))?;
        let (mut after, mut done, mut previous) = (0, 0, GENESIS);
        loop {
            let page = archive::read_events(&db.store, after, end).await?;
            let Some(last) = page.last() else { break };
            after = last.event.position;
            done += page.len() as u64;
            for event in page {
                // A backup that restore would refuse is refused now, while
                // the log can still be looked at.
                previous = chain::link(&previous, &event.event);
                if hex::encode(previous) != event.link {
                    return Err(BackupStep::Chain(event.event.position));
                }
                write_line(&mut writer, &Line::Event(event))?;
            }
            progress(Step::Events {
                done,
                total: header.events,
            });
        }
        let kept = archive::read_kept(db).await?;
        let rows = kept.len() as u64;
        for row in kept {
            write_line(&mut writer, &Line::Kept(row))?;
        }
        write_line(&mut writer, &Line::End(End { events: done, rows }))?;
        let file = writer.finish()?.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        Ok::<_, BackupStep>(())
    }
    .await;
    let outcome = match written {
        Ok(()) => std::fs::rename(&partial, out).map_err(write_error),
        Err(BackupStep::Io(e)) => Err(write_error(e)),
        Err(BackupStep::Database(e)) => Err(BackupError::Database(e)),
        Err(BackupStep::Chain(position)) => Err(BackupError::ChainBroken { position }),
    };
    if outcome.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    outcome.map(|()| header)
}

/// A backup's failure before it is told apart for the user.
enum BackupStep {
    Io(std::io::Error),
    Database(sqlx::Error),
    Chain(i64),
}

impl From<std::io::Error> for BackupStep {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

impl From<sqlx::Error> for BackupStep {
    fn from(e: sqlx::Error) -> Self {
        Self::Database(e)
    }
}

fn write_line(writer: &mut impl Write, line: &Line) -> std::io::Result<()> {
    serde_json::to_writer(&mut *writer, line)?;
    writer.write_all(b"\n")
}

/// A backup file read line by line, each line told apart.
struct Reader {
    path: PathBuf,
    lines: BufReader<GzDecoder<File>>,
    line: u64,
    buffer: String,
}

impl Reader {
    fn open(path: &Path) -> Result<Self, BackupError> {
        let file = File::open(path).map_err(|source| BackupError::Read {
            path: path.to_owned(),
            source,
        })?;
        Ok(Self {
            path: path.to_owned(),
            lines: BufReader::new(GzDecoder::new(file)),
            line: 0,
            buffer: String::new(),
        })
    }

    /// The next line, `None` at the end of the file. `events` and
    /// `expected` say how far the file got, should it be cut short.
    fn next(&mut self, events: u64, expected: u64) -> Result<Option<Line>, BackupError> {
        self.buffer.clear();
        self.line += 1;
        let truncated = || BackupError::Truncated {
            path: self.path.clone(),
            events,
            expected,
        };
        match self.lines.read_line(&mut self.buffer) {
            Ok(0) => return Ok(None),
            Ok(_) if !self.buffer.ends_with('\n') => return Err(truncated()),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Err(truncated()),
            Err(e) if self.line == 1 => {
                return Err(BackupError::NotABackup {
                    path: self.path.clone(),
                    why: format!("it is not a gzip file Riff wrote ({e})"),
                })
            }
            Err(e) => {
                return Err(BackupError::Damaged {
                    path: self.path.clone(),
                    line: self.line,
                    why: format!("the compressed data is corrupt ({e})"),
                })
            }
        }
        serde_json::from_str(&self.buffer)
            .map(Some)
            .map_err(|e| BackupError::Damaged {
                path: self.path.clone(),
                line: self.line,
                why: format!("it is not a line Riff writes ({e})"),
            })
    }

    fn damaged(&self, why: String) -> BackupError {
        BackupError::Damaged {
            path: self.path.clone(),
            line: self.line,
            why,
        }
    }

    /// The header, which must be the first line.
    fn header(&mut self) -> Result<Header, BackupError> {
        let header = match self.next(0, 0) {
            Ok(Some(Line::Header(header))) => header,
            Ok(_) | Err(BackupError::Damaged { .. } | BackupError::Truncated { .. }) => {
                return Err(BackupError::NotABackup {
                    path: self.path.clone(),
                    why: "its first line is not a Riff backup header".to_owned(),
                })
            }
            Err(other) => return Err(other),
        };
        if header.riff_backup != FORMAT {
            return Err(BackupError::Format {
                path: self.path.clone(),
                found: header.riff_backup,
                riff_version: header.riff_version,
            });
        }
        Ok(header)
    }
}

/// Reads the whole backup at `path` without writing anything: every line,
/// every link recomputed from the first event, the counts and head hash
/// against the header's.
///
/// # Errors
/// The file cannot be read, is not a backup, is cut short or is damaged,
/// each named with where.
pub fn check(path: &Path, mut progress: impl FnMut(Step)) -> Result<Header, BackupError> {
    let mut reader = Reader::open(path)?;
    let header = reader.header()?;
    let (mut previous, mut events, mut rows) = (GENESIS, 0u64, 0u64);
    loop {
        match reader.next(events, header.events)? {
            None => {
                return Err(BackupError::Truncated {
                    path: path.to_owned(),
                    events,
                    expected: header.events,
                })
            }
            Some(Line::Event(ArchivedEvent { event, link })) => {
                let expected = chain::link(&previous, &event);
                if hex::encode(expected) != link {
                    return Err(reader.damaged(format!(
                        "the event at position {} is not the one that was backed up (its link does not match)",
                        event.position
                    )));
                }
                previous = expected;
                events += 1;
                if events % 1000 == 0 {
                    progress(Step::Events {
                        done: events,
                        total: header.events,
                    });
                }
            }
            Some(Line::Kept(_)) => rows += 1,
            Some(Line::Header(_)) => return Err(reader.damaged("a second header".to_owned())),
            Some(Line::End(end)) => {
                let head = (events > 0).then(|| hex::encode(previous));
                if end.events != events || end.rows != rows || events != header.events {
                    return Err(reader.damaged(format!(
                        "the backup holds {events} events and {rows} rows, but says {} events and {} rows",
                        header.events, end.rows
                    )));
                }
                if head != header.head {
                    return Err(reader.damaged(format!(
                        "the log's head hash is {}, but the header says {}",
                        head.as_deref().unwrap_or("none"),
                        header.head.as_deref().unwrap_or("none")
                    )));
                }
                if reader.next(events, header.events)?.is_some() {
                    return Err(reader.damaged("there are lines after the end".to_owned()));
                }
                return Ok(header);
            }
        }
    }
}

/// Restores the backup at `path` into `target`, which must hold no
/// events: the file is checked whole first ([`check`]), then written, the
/// log compared with the header's count and head hash, and the views
/// rebuilt.
///
/// # Errors
/// The file is not a sound backup (nothing is written), the target holds
/// events, or the target failed.
pub async fn restore(
    path: &Path,
    target: &Db,
    mut progress: impl FnMut(Step),
) -> Result<Header, BackupError> {
    let header = check(path, &mut progress)?;
    let held = archive::event_count(&target.store)
        .await
        .map_err(TargetError::from)?;
    if held > 0 {
        return Err(BackupError::TargetNotEmpty { events: held });
    }
    let mut reader = Reader::open(path)?;
    reader.header()?;
    let (mut batch, mut kept, mut done) = (Vec::with_capacity(BATCH), Vec::new(), 0u64);
    while let Some(line) = reader.next(done, header.events)? {
        match line {
            Line::Event(event) => batch.push(event),
            Line::Kept(row) => kept.push(row),
            Line::Header(_) | Line::End(_) => {}
        }
        if batch.len() == BATCH {
            done += write_batch(target, &mut batch).await?;
            progress(Step::Events {
                done,
                total: header.events,
            });
        }
    }
    done += write_batch(target, &mut batch).await?;
    progress(Step::Events {
        done,
        total: header.events,
    });
    archive::write_kept(target, &kept)
        .await
        .map_err(TargetError::from)?;
    let expected = LogSummary {
        events: header.events,
        head: header.head.clone(),
    };
    finish(target, &expected, &mut progress).await?;
    Ok(header)
}

async fn write_batch(target: &Db, batch: &mut Vec<ArchivedEvent>) -> Result<u64, BackupError> {
    archive::write_events(&target.store, batch)
        .await
        .map_err(TargetError::from)?;
    let written = batch.len() as u64;
    batch.clear();
    Ok(written)
}
