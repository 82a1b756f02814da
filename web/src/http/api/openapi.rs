//! `GET /api/openapi.json`: the API described as OpenAPI 3.1.
//!
//! The document is not written beside the code but collected from it: each
//! handler carries its `#[utoipa::path]`, and the router and the document
//! come out of one route table ([`super::routes`]), so a route cannot be
//! served without being described. Bodies read field by field (a product,
//! a sale) are described by the types below; a test holds each to the list
//! of fields its handler accepts.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;

/// Every refusal under `/api`: what happened and what to do.
#[derive(Serialize, ToSchema)]
pub(crate) struct Error {
    pub(crate) error: String,
}

/// A publish refused because the platform would refuse the listing.
#[derive(Serialize, ToSchema)]
pub(crate) struct NotReady {
    pub(crate) error: String,
    /// What the product still needs, in an owner's words.
    pub(crate) missing: Vec<String>,
}

/// A product as sent to `POST /api/products` (SKU, title and price
/// required) or `PATCH /api/products/{sku}` (any of them; `null` clears an
/// optional field).
#[derive(Serialize, ToSchema)]
pub(crate) struct ProductInput {
    /// 1–64 of A–Z a–z 0–9 - _ . (generated when left out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) sku: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) brand: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) model: Option<String>,
    /// A year as a number or text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) year: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) finish: Option<String>,
    /// One of the category map's names, or any other.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) category: Option<String>,
    /// Reverb's scale: new, b-stock, mint, excellent, very-good, good,
    /// fair, poor, non-functioning.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) condition: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) description: Option<String>,
    /// A plain decimal in the shop's currency, under 10,000,000.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) price: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) quantity: Option<u32>,
    /// `POST` only: `active` (the default) or `draft`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) status: Option<String>,
    /// `PATCH` only: the product's `version` the change was made on; a
    /// stale one is `409`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) expected_version: Option<u64>,
}

/// A sale made anywhere, recorded by hand or by a till.
#[derive(Serialize, ToSchema)]
pub(crate) struct SaleInput {
    /// shop, ebay, reverb, shopify or vr.
    pub(crate) channel: String,
    /// The sale's reference on its channel: the same one twice is one sale.
    pub(crate) order_ref: String,
    /// The number the seller sees on the platform.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) order_number: Option<String>,
    /// RFC 3339, between 2000-01-01 and a day from now.
    pub(crate) sold_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) price: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) quantity: Option<u32>,
}

/// How a flag was dealt with.
#[derive(Serialize, ToSchema)]
pub(crate) struct FlagNote {
    /// How the flag was dealt with.
    pub(crate) note: String,
}

/// How a filter's choices are ordered.
#[derive(Serialize, ToSchema)]
pub(crate) struct DropdownSortInput {
    /// status, platform, brand, category or condition.
    pub(crate) field: String,
    /// count or alpha.
    pub(crate) order: String,
}

/// V&R's category and sub-category ids.
#[derive(Serialize, ToSchema)]
pub(crate) struct VrCategoryInput {
    pub(crate) category: String,
    pub(crate) sub_category: String,
}

/// One entry of the category map; fields left out keep their value.
#[derive(Serialize, ToSchema)]
pub(crate) struct CategoryMapInput {
    pub(crate) category: String,
    /// eBay's leaf CategoryID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ebay: Option<String>,
    /// Reverb's category UUID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reverb: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) vr: Option<VrCategoryInput>,
    /// Shopify's productType.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) shopify: Option<String>,
    /// Name → value; replaces the entry's whole set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ebay_item_specifics: Option<std::collections::BTreeMap<String, String>>,
}

/// One platform's price rule: its listings show the product's price moved
/// by `percent`, rounded to the cent; a listing with its own price keeps
/// it.
#[derive(Serialize, ToSchema)]
pub(crate) struct PriceRuleInput {
    /// ebay, reverb, shopify or vr.
    pub(crate) platform: String,
    /// A percentage between -90 and 200, at most two decimal places (a
    /// number, or the same as a string); 0 removes the rule.
    #[schema(value_type = f64)]
    pub(crate) percent: serde_json::Number,
}

/// A picture uploaded as `multipart/form-data`.
#[derive(Serialize, ToSchema)]
pub(crate) struct MediaUpload {
    /// A JPEG, PNG, GIF or WebP image (checked by its bytes, at most
    /// 20 MB).
    #[schema(format = Binary)]
    pub(crate) file: String,
}

/// One example of each body the API reads and of its refusals, made from
/// the types themselves, so an example cannot name a field a body does
/// not have.
fn examples() -> Vec<(&'static str, serde_json::Value)> {
    fn of(value: impl Serialize) -> serde_json::Value {
        serde_json::to_value(value).unwrap_or_default()
    }
    vec![
        (
            "Error",
            of(Error {
                error: "price: must be a plain decimal such as 1499.00".into(),
            }),
        ),
        (
            "NotReady",
            of(NotReady {
                error: "LP-1959 is not ready for eBay: it needs a picture".into(),
                missing: vec!["a picture".into()],
            }),
        ),
        ("ProductInput", of(ProductInput::example())),
        (
            "SaleInput",
            of(SaleInput {
                channel: "shop".into(),
                order_ref: "TILL-0042".into(),
                order_number: None,
                sold_at: "2026-11-20T15:04:05Z".into(),
                price: Some("1450.00".into()),
                quantity: Some(1),
            }),
        ),
        (
            "FlagNote",
            of(FlagNote {
                note: "Refunded the Reverb buyer.".into(),
            }),
        ),
        (
            "DropdownSortInput",
            of(DropdownSortInput {
                field: "brand".into(),
                order: "alpha".into(),
            }),
        ),
        ("CategoryMapInput", of(CategoryMapInput::example())),
        (
            "PriceRuleInput",
            of(PriceRuleInput {
                platform: "reverb".into(),
                percent: 5.into(),
            }),
        ),
        (
            "MediaUpload",
            of(MediaUpload {
                file: "(the image's bytes)".into(),
            }),
        ),
    ]
}

impl ProductInput {
    fn example() -> Self {
        let text = |s: &str| Some(s.to_owned());
        Self {
            sku: text("LP-1959"),
            title: text("Gibson Les Paul Standard"),
            brand: text("Gibson"),
            model: text("Les Paul Standard"),
            year: Some(1959),
            finish: text("Sunburst"),
            category: text("Electric Guitars"),
            condition: text("excellent"),
            description: text("All original, with its case."),
            price: text("1499.00"),
            quantity: Some(1),
            status: text("active"),
            expected_version: None,
        }
    }
}

impl CategoryMapInput {
    fn example() -> Self {
        Self {
            category: "Effects Pedals".into(),
            ebay: Some("41418".into()),
            reverb: None,
            vr: Some(VrCategoryInput {
                category: "51".into(),
                sub_category: "95".into(),
            }),
            shopify: Some("Effects Pedals".into()),
            ebay_item_specifics: Some([("Type".to_owned(), "Fuzz".to_owned())].into()),
        }
    }
}

/// The document's frame: what it is, and how a client authenticates.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Riff",
        description = "One inventory for a music-gear shop, kept in step on eBay, Reverb, \
            Vintage & Rare and Shopify. Every route needs `Authorization: Bearer <RIFF_API_TOKEN>`. \
            Every refusal is a JSON object with an `error` saying what happened and what to do.",
    ),
    modifiers(&BearerToken),
    security(("bearer" = [])),
    components(schemas(Error, NotReady, ProductInput, SaleInput, FlagNote, DropdownSortInput, CategoryMapInput, PriceRuleInput, MediaUpload)),
)]
struct Frame;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document for the routes `routes` builds, as served under `/api`.
pub(crate) fn document(routes: OpenApiRouter<crate::state::AppState>) -> utoipa::openapi::OpenApi {
    let mut doc = OpenApiRouter::with_openapi(Frame::openapi())
        .nest("/api", routes)
        .into_openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    if let Some(components) = doc.components.as_mut() {
        for (name, example) in examples() {
            if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(name) {
                object.examples = vec![example];
            }
        }
    }
    doc
}

/// `GET /api/openapi.json`, open to all: it holds nothing of the shop's.
pub(crate) async fn openapi_json() -> impl IntoResponse {
    static JSON: OnceLock<String> = OnceLock::new();
    let json = JSON.get_or_init(|| {
        document(super::routes())
            .to_pretty_json()
            .unwrap_or_else(|e| {
                format!("{{\"error\": \"the API document could not be written: {e}\"}}")
            })
    });
    ([(header::CONTENT_TYPE, "application/json")], json.clone())
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::http::api::{flags, products, settings};

    fn document_json() -> Value {
        serde_json::to_value(document(super::super::routes())).unwrap()
    }

    fn properties(doc: &Value, schema: &str) -> Vec<String> {
        let mut names: Vec<String> = doc["components"]["schemas"][schema]["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{schema} has properties"))
            .keys()
            .cloned()
            .collect();
        names.sort();
        names
    }

    fn sorted(fields: &[&str]) -> Vec<String> {
        let mut names: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn it_is_openapi_3_1_with_every_operation_under_api() {
        let doc = document_json();
        assert!(
            doc["openapi"].as_str().unwrap().starts_with("3.1"),
            "{}",
            doc["openapi"]
        );
        let paths = doc["paths"].as_object().unwrap();
        assert!(
            paths.keys().all(|p| p.starts_with("/api/")),
            "{:?}",
            paths.keys()
        );
        let operations: usize = paths
            .values()
            .map(|item| item.as_object().unwrap().len())
            .sum();
        assert_eq!(operations, 31, "{:?}", paths.keys());
        for (path, item) in paths {
            for (method, operation) in item.as_object().unwrap() {
                let codes = operation["responses"].as_object().unwrap();
                assert!(
                    codes.keys().any(|c| c.starts_with('2')),
                    "{method} {path} documents its answer"
                );
            }
        }
    }

    /// The bodies read field by field are described by hand; each
    /// description names exactly the fields its handler accepts.
    #[test]
    fn each_described_body_has_the_fields_its_handler_accepts() {
        let doc = document_json();
        // A new product may say its status, a change the version it saw.
        let product = products::body::product_fields(&["status", "expected_version"]);
        let bodies: [(&str, &[&str]); 6] = [
            ("ProductInput", &product),
            ("SaleInput", products::sales::SALE_FIELDS),
            ("FlagNote", flags::RESOLVE_FIELDS),
            ("DropdownSortInput", settings::DROPDOWN_SORT_FIELDS),
            ("CategoryMapInput", settings::CATEGORY_FIELDS),
            ("PriceRuleInput", settings::PRICE_RULE_FIELDS),
        ];
        for (schema, fields) in bodies {
            assert_eq!(properties(&doc, schema), sorted(fields), "{schema}");
        }
    }

    /// Whether `value` is one of the types `schema` allows.
    fn type_allows(schema: &Value, value: &Value) -> bool {
        let types: Vec<&str> = match &schema["type"] {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => return true,
        };
        types.iter().any(|t| match *t {
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            "null" => value.is_null(),
            _ => false,
        })
    }

    /// Every example validates against its own schema: only its
    /// properties, each of its type, and every required one there.
    #[test]
    fn every_documented_example_validates_against_its_schema() {
        let doc = document_json();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let mut checked = 0;
        for (name, schema) in schemas {
            for example in schema["examples"].as_array().into_iter().flatten() {
                let example = example.as_object().unwrap();
                let properties = schema["properties"].as_object().unwrap();
                for (field, value) in example {
                    let property = properties.get(field).unwrap_or_else(|| {
                        panic!("{name}'s example has {field}, not in its schema")
                    });
                    let property = match property.get("$ref").and_then(Value::as_str) {
                        Some(reference) => &schemas[reference.rsplit('/').next().unwrap()],
                        None => property,
                    };
                    assert!(type_allows(property, value), "{name}.{field} = {value}");
                }
                for required in schema["required"].as_array().into_iter().flatten() {
                    let required = required.as_str().unwrap();
                    assert!(
                        example.contains_key(required),
                        "{name}'s example lacks {required}"
                    );
                }
                checked += 1;
            }
        }
        assert_eq!(checked, examples().len());
    }
}
