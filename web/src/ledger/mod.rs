//! The write side: commands in, events appended, through cqrs-es on
//! PostgreSQL (postgres-es) or SQLite (sqlite-es). The same code runs on
//! both; only the store behind it differs.
//!
//! Two commands on one aggregate at once both load version N and both try to
//! append N+1: the store's primary key lets one win and the other fails with
//! a conflict. The loser is not lost — it is run again on the fresh state,
//! for up to [`CONFLICT_PATIENCE`], before the caller is told to try again.
//!
//! Every event is linked to the log's hash chain in the transaction that
//! appends it: by a trigger on PostgreSQL, by [`sqlite`] on SQLite.
//!
//! Webhook deliveries skip cqrs-es: a delivery has one event, so loading it
//! first would only ask the question the events table's key answers anyway
//! (see [`Ledger::delivery`]).

use std::time::{Duration, Instant};

use cqrs_es::persist::{PersistedEventRepository, PersistedEventStore};
use cqrs_es::{
    Aggregate, AggregateContext, AggregateError, CqrsFramework, DomainEvent, EventStore,
};
use postgres_es::PostgresEventRepository;
use riff_domain::delivery::{Delivery, DeliveryError, Receive};
use riff_domain::settings::SettingsError;
use riff_domain::upcast::upcasters;
use riff_domain::value::Sku;
use riff_domain::{
    EventMetadata, Listing, ListingCommand, ListingError, Product, ProductCommand, ProductError,
    Settings, SettingsCommand, SyncRun, SyncRunCommand, SyncRunError,
};
use riff_projections::db::StorePool;
use riff_projections::Db;
use uuid::Uuid;

use self::sqlite::{ChainedSqliteRepository, NewEvent};

mod sqlite;

/// How long a command that keeps losing races is run again on fresh state.
/// A budget of time rather than a count of tries: sixteen writers on one
/// product mean the unluckiest loses fifteen times, and how long each round
/// takes depends on the machine, not on the rule.
const CONFLICT_PATIENCE: Duration = Duration::from_secs(5);

/// postgres-es's append of one event, for the appends made without it.
const INSERT_EVENT: &str = "insert into events \
     (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata) \
     values ($1, $2, $3, $4, $5, $6, $7)";

/// Why a command was not carried out.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError<E: std::error::Error> {
    /// The aggregate refused it: a business rule said no.
    #[error(transparent)]
    Rejected(E),
    /// Other writers kept winning; nothing was appended.
    #[error("the item is being changed by others right now; try again in a moment")]
    Busy,
    #[error("the event store failed: {0}")]
    Store(String),
}

/// One framework per aggregate per backend.
enum Frameworks {
    Postgres {
        products: Cqrs<Product, PostgresEventRepository>,
        listings: Cqrs<Listing, PostgresEventRepository>,
        settings: Cqrs<Settings, PostgresEventRepository>,
        runs: Cqrs<SyncRun, PostgresEventRepository>,
    },
    Sqlite {
        products: Cqrs<Product, ChainedSqliteRepository>,
        listings: Cqrs<Listing, ChainedSqliteRepository>,
        settings: Cqrs<Settings, ChainedSqliteRepository>,
        runs: Cqrs<SyncRun, ChainedSqliteRepository>,
    },
}

/// `$call` on the framework `$field` of whichever backend the ledger runs
/// on. The two backends' frameworks are of different types, so a call is
/// written once here and compiled for each.
macro_rules! on_backend {
    ($frameworks:expr, $field:ident => $call:expr) => {
        match $frameworks {
            Frameworks::Postgres { $field, .. } => $call,
            Frameworks::Sqlite { $field, .. } => $call,
        }
    };
}

type Store<A, R> = PersistedEventStore<R, A>;

/// A framework with the store beside it, for loading state without a
/// command.
struct Cqrs<A: Aggregate, R: PersistedEventRepository> {
    framework: CqrsFramework<A, Store<A, R>>,
    store: Store<A, R>,
}

impl<A, R> Cqrs<A, R>
where
    A: Aggregate<Services = ()>,
    A::Command: Clone,
    R: PersistedEventRepository,
{
    /// `repo` makes a repository; each of the two stores needs its own.
    fn new(repo: impl Fn() -> R) -> Self {
        let store = || PersistedEventStore::new_event_store(repo()).with_upcasters(upcasters());
        Self {
            framework: CqrsFramework::new(store(), vec![], ()),
            store: store(),
        }
    }

    async fn execute(
        &self,
        id: &str,
        command: A::Command,
        meta: &EventMetadata,
    ) -> Result<(), LedgerError<A::Error>>
    where
        A::Error: Clone,
    {
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            match self
                .framework
                .execute_with_metadata(id, command.clone(), meta.to_map())
                .await
            {
                Ok(()) => return Ok(()),
                Err(AggregateError::UserError(e)) => return Err(LedgerError::Rejected(e)),
                Err(AggregateError::AggregateConflict) if started.elapsed() < CONFLICT_PATIENCE => {
                    attempt += 1;
                    // A pause drawn from the whole of a window that doubles
                    // up to 64 ms ("full jitter") spreads the losers out,
                    // so they do not all come back at once and collide
                    // again.
                    let window = 2u64.pow(attempt.min(6));
                    let pause = rand::random_range(1..=window);
                    tokio::time::sleep(Duration::from_millis(pause)).await;
                }
                Err(AggregateError::AggregateConflict) => return Err(LedgerError::Busy),
                Err(other) => return Err(LedgerError::Store(other.to_string())),
            }
        }
    }

    async fn load(&self, id: &str) -> Result<A, LedgerError<A::Error>> {
        self.store
            .load_aggregate(id)
            .await
            .map(|mut context| std::mem::take(context.aggregate()))
            .map_err(|e| LedgerError::Store(e.to_string()))
    }
}

/// The ledger: where every change to Riff's data is appended.
pub struct Ledger {
    frameworks: Frameworks,
    /// The store's own pool, for the deliveries appended without cqrs-es.
    store: StorePool,
}

impl Ledger {
    pub fn new(db: &Db) -> Self {
        let frameworks = match &db.store {
            StorePool::Postgres(pool) => Frameworks::Postgres {
                products: Cqrs::new(|| PostgresEventRepository::new(pool.clone())),
                listings: Cqrs::new(|| PostgresEventRepository::new(pool.clone())),
                settings: Cqrs::new(|| PostgresEventRepository::new(pool.clone())),
                runs: Cqrs::new(|| PostgresEventRepository::new(pool.clone())),
            },
            StorePool::Sqlite(pool) => Frameworks::Sqlite {
                products: Cqrs::new(|| ChainedSqliteRepository::new(pool.clone())),
                listings: Cqrs::new(|| ChainedSqliteRepository::new(pool.clone())),
                settings: Cqrs::new(|| ChainedSqliteRepository::new(pool.clone())),
                runs: Cqrs::new(|| ChainedSqliteRepository::new(pool.clone())),
            },
        };
        Self {
            frameworks,
            store: db.store.clone(),
        }
    }

    /// Runs a product command: its events are appended, or nothing is.
    ///
    /// # Errors
    /// The product refused the command, or the store failed.
    pub async fn product(
        &self,
        sku: &Sku,
        command: ProductCommand,
        meta: &EventMetadata,
    ) -> Result<(), LedgerError<ProductError>> {
        on_backend!(&self.frameworks, products => {
            products.execute(sku.as_str(), command, meta).await
        })
    }

    /// Runs a listing command, as [`Ledger::product`] does.
    ///
    /// # Errors
    /// The listing refused the command, or the store failed.
    pub async fn listing(
        &self,
        id: Uuid,
        command: ListingCommand,
        meta: &EventMetadata,
    ) -> Result<(), LedgerError<ListingError>> {
        let id = id.to_string();
        on_backend!(&self.frameworks, listings => listings.execute(&id, command, meta).await)
    }

    /// Changes the shop's settings.
    ///
    /// # Errors
    /// The store failed.
    pub async fn settings(
        &self,
        command: SettingsCommand,
        meta: &EventMetadata,
    ) -> Result<(), LedgerError<SettingsError>> {
        on_backend!(&self.frameworks, settings => {
            settings.execute(Settings::ID, command, meta).await
        })
    }

    /// Records part of a sync run.
    ///
    /// # Errors
    /// The run refused the command, or the store failed.
    pub async fn sync_run(
        &self,
        run_id: Uuid,
        command: SyncRunCommand,
        meta: &EventMetadata,
    ) -> Result<(), LedgerError<SyncRunError>> {
        let id = SyncRun::id(run_id);
        on_backend!(&self.frameworks, runs => runs.execute(&id, command, meta).await)
    }

    /// Records a webhook delivery as it arrived; a repeated one is refused.
    ///
    /// One `INSERT` of the delivery's event at sequence 1 (and on SQLite its
    /// link, in the same transaction), with the columns and metadata that
    /// postgres-es and sqlite-es write, so the
    /// projector, the sagas and the audit history read the same row either
    /// way. The events table's primary key is the de-duplication: of two
    /// appends of one delivery, however close, one commits and the other
    /// fails on the key (on PostgreSQL after waiting for the first to commit
    /// or roll back), and is told [`DeliveryError::AlreadyReceived`]. When
    /// this returns `Ok` the event is committed with the server's durability
    /// settings, like any other append.
    ///
    /// # Errors
    /// [`DeliveryError::AlreadyReceived`], or the store failed.
    pub async fn delivery(
        &self,
        command: Receive,
        meta: &EventMetadata,
    ) -> Result<(), LedgerError<DeliveryError>> {
        let id = Delivery::id(command.platform, &command.delivery_id);
        let event = Delivery::receive(command);
        let unwritable = |e: serde_json::Error| LedgerError::Store(e.to_string());
        // The same values, bound the same way, as the stores' own appends.
        let payload = serde_json::to_value(&event).map_err(unwritable)?;
        let metadata = serde_json::to_value(meta.to_map()).map_err(unwritable)?;
        let (event_type, event_version) = (event.event_type(), event.event_version());
        let appended = match &self.store {
            StorePool::Postgres(pool) => sqlx::query(INSERT_EVENT)
                .bind(Delivery::TYPE)
                .bind(&id)
                .bind(Delivery::FIRST_SEQUENCE)
                .bind(&event_type)
                .bind(&event_version)
                .bind(&payload)
                .bind(&metadata)
                .execute(pool)
                .await
                .map(drop),
            StorePool::Sqlite(pool) => {
                let row = NewEvent {
                    aggregate_type: Delivery::TYPE,
                    aggregate_id: &id,
                    sequence: Delivery::FIRST_SEQUENCE,
                    event_type: &event_type,
                    event_version: &event_version,
                    payload: &payload,
                    metadata: &metadata,
                };
                async {
                    let mut tx = pool.begin().await?;
                    sqlite::append(&mut tx, &[row]).await?;
                    tx.commit().await
                }
                .await
            }
        };
        match appended {
            Ok(()) => Ok(()),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                Err(LedgerError::Rejected(DeliveryError::AlreadyReceived))
            }
            Err(e) => Err(LedgerError::Store(e.to_string())),
        }
    }

    /// A listing's current state (the default, empty listing when unknown).
    ///
    /// # Errors
    /// The store failed.
    pub async fn load_listing(&self, id: Uuid) -> Result<Listing, LedgerError<ListingError>> {
        let id = id.to_string();
        on_backend!(&self.frameworks, listings => listings.load(&id).await)
    }

    /// A product's current state, folded from its events (the default,
    /// empty product when the SKU is unknown).
    ///
    /// # Errors
    /// The store failed.
    pub async fn load_product(&self, sku: &Sku) -> Result<Product, LedgerError<ProductError>> {
        on_backend!(&self.frameworks, products => products.load(sku.as_str()).await)
    }

    /// The shop's settings as the log has them now. The category map is
    /// read here rather than from a view: a publish must use the map the
    /// owner just saved, and the settings hold a handful of events.
    ///
    /// # Errors
    /// The store failed.
    pub async fn load_settings(&self) -> Result<Settings, LedgerError<SettingsError>> {
        on_backend!(&self.frameworks, settings => settings.load(Settings::ID).await)
    }
}
