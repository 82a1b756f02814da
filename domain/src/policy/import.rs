//! Import: what to do with a listing Riff found on a platform but did not
//! make.
//!
//! Three outcomes, in order of preference. A listing whose SKU is a product's
//! links to it. A listing that looks like a product Riff already has is left
//! unlinked for the owner to judge: creating a second product for one
//! guitar is how it gets sold twice, while asking costs one click. Only a
//! listing like nothing Riff has becomes a new product, with details read
//! from the platform's own record where it has them and guessed from the
//! title where it does not — always valid details, because the owner can
//! correct a guess but the import must not fail on a platform's odd data.

use std::collections::HashSet;

use serde_json::Value;

use crate::listing::ExternalSnapshot;
use crate::value::{text, Condition, Currency, Money, Platform, ProductDetails, Sku};

/// A product the found listing might be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub sku: Sku,
    pub details: ProductDetails,
}

/// What to do with a found listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportDecision {
    /// The product with the listing's SKU exists: link to it.
    Link { sku: Sku },
    /// Looks like an existing product (same brand, model and year, or a
    /// near-identical title): leave it unlinked and ask the owner.
    LikelyDuplicate { of: Sku, reason: String },
    /// Nothing like it: create a product from the listing. `sku` is the
    /// platform's SKU when it parses as a Riff SKU; `None` means the caller
    /// generates one (`RIFF-000123`).
    ///
    /// `draft` when the listing is priced only in another currency than
    /// the shop's: a product for sale needs a price in the shop's currency
    /// and Riff never converts one, so it is made as a draft with the
    /// platform's price noted, for the owner to price. The listing is
    /// linked to it all the same, so its SKU is known from then on and a
    /// sale anywhere ends it everywhere.
    Create {
        sku: Option<Sku>,
        details: ProductDetails,
        price: Money,
        quantity: u32,
        draft: bool,
    },
    /// Nothing like it, but the platform gave no price Riff can read. A
    /// product must have a price and Riff never invents one, so the listing
    /// is left unlinked, as a duplicate would be, for the owner to import
    /// by hand.
    Unpriced { reason: String },
}

/// Decides what to do with the listing `snapshot` found on `platform`.
///
/// `same_sku` is the product whose SKU the listing carries, if any;
/// `candidates` are products it might be (the caller picks them, e.g. by
/// brand or title words) and are tried in order. `currency` is the shop's.
pub fn decide_import(
    platform: Platform,
    snapshot: &ExternalSnapshot,
    same_sku: Option<&Candidate>,
    candidates: &[Candidate],
    currency: Currency,
) -> ImportDecision {
    if let Some(product) = same_sku {
        return ImportDecision::Link {
            sku: product.sku.clone(),
        };
    }
    let details = details_from_snapshot(platform, snapshot);
    let identity = Some((details.brand.as_str(), details.model.as_str(), details.year));
    for candidate in candidates {
        if let Some(reason) = likely_duplicate(&snapshot.title, identity, candidate) {
            return ImportDecision::LikelyDuplicate {
                of: candidate.sku.clone(),
                reason,
            };
        }
    }
    let Some(price) = snapshot.price else {
        return ImportDecision::Unpriced {
            reason: format!(
                "{} did not give a price Riff can read",
                platform.display_name()
            ),
        };
    };
    ImportDecision::Create {
        sku: snapshot.sku.as_deref().and_then(|s| Sku::parse(s).ok()),
        details,
        price,
        quantity: snapshot.quantity.unwrap_or(1).max(1),
        draft: price.currency != currency,
    }
}

/// The price at which a draft imported in another currency becomes a
/// product for sale, when a listing priced in the shop's currency is
/// linked to it: the first price in the shop's own currency is the one the
/// owner set on that platform. `None` leaves the product as it is.
pub fn completes_draft(
    draft: bool,
    product_price: Option<Money>,
    listing_price: Option<Money>,
    shop: Currency,
) -> Option<Money> {
    let listing_price = listing_price.filter(|p| p.currency == shop)?;
    (draft && product_price.is_none_or(|p| p.currency != shop)).then_some(listing_price)
}

/// Why the listing titled `title` looks like `candidate`, if it does: the
/// same title once case and punctuation are set aside, a near-identical one,
/// or the same brand, model and year (compared only when both years are
/// known — "Fender Stratocaster" alone describes thousands of guitars).
pub fn likely_duplicate(
    title: &str,
    brand_model_year: Option<(&str, &str, Option<u16>)>,
    candidate: &Candidate,
) -> Option<String> {
    let sku = &candidate.sku;
    let ours = normalized_title(title);
    let theirs = normalized_title(&candidate.details.title);
    if !ours.is_empty() && ours == theirs {
        return Some(format!("same title as {sku}"));
    }
    if near_identical(&ours, &theirs) {
        return Some(format!("nearly the same title as {sku}"));
    }
    let (brand, model, year) = brand_model_year?;
    let d = &candidate.details;
    let same = |a: &str, b: &str| a.trim().to_lowercase() == b.trim().to_lowercase();
    (year.is_some() && year == d.year && same(brand, &d.brand) && same(model, &d.model))
        .then(|| format!("same brand, model and year as {sku}"))
}

/// Product details for a listing Riff did not make: from the platform's own
/// record (`raw`) where it has the field, otherwise from the title, and
/// otherwise a placeholder, so that the result always passes
/// [`ProductDetails::parse`].
pub fn details_from_snapshot(platform: Platform, snapshot: &ExternalSnapshot) -> ProductDetails {
    let raw = RawRecord::new(platform, &snapshot.raw);
    let listed_title = clean_line(&snapshot.title, MAX_TITLE);
    let brand = raw.text(Field::Brand, MAX_SHORT);
    let model = raw.text(Field::Model, MAX_SHORT);
    let year = raw
        .text(Field::Year, MAX_SHORT)
        .and_then(|y| y.parse::<u16>().ok())
        .filter(|y| (1800..=2100).contains(y))
        .or_else(|| year_in_title(&listed_title));
    let (title_brand, title_model) = brand_and_model_from_title(&listed_title, year);
    let title = if listed_title.is_empty() {
        // Name it after what the record says it is, or where it was found.
        let named = [brand.as_deref(), model.as_deref()].into_iter().flatten();
        Some(clean_line(&named.collect::<Vec<_>>().join(" "), MAX_TITLE))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| format!("{} listing", platform.display_name()))
    } else {
        listed_title
    };
    ProductDetails {
        brand: brand.unwrap_or(title_brand),
        model: model.unwrap_or(title_model),
        year,
        finish: raw.text(Field::Finish, MAX_SHORT),
        category: raw
            .text(Field::Category, MAX_SHORT)
            .unwrap_or_else(|| "Uncategorised".to_owned()),
        condition: raw
            .text(Field::Condition, MAX_SHORT)
            .map_or(Condition::Good, |c| condition_from(&c)),
        description: raw.description(),
        title,
    }
}

/// The limits [`ProductDetails::parse`] enforces: eBay's 80-character title,
/// 100 for the short fields, 50,000 for a description.
const MAX_TITLE: usize = 80;
const MAX_SHORT: usize = 100;
const MAX_DESCRIPTION: usize = 50_000;

/// A field of [`ProductDetails`] that a platform's record may hold.
#[derive(Clone, Copy)]
enum Field {
    Brand,
    Model,
    Year,
    Finish,
    Category,
    Condition,
    Description,
}

/// Where a platform keeps a field in its own record.
enum Source {
    /// A JSON pointer, e.g. `/condition/display_name`.
    At(&'static str),
    /// An eBay item specific, by name (`ItemSpecifics/NameValueList`).
    Specific(&'static str),
}

/// The places each platform's record keeps each field, most specific first,
/// after docs/wire-formats.md: Reverb's listing object (§2.2), Shopify's
/// product (GraphQL §3.4, or a webhook's REST shape §3.5), eBay's `Item`
/// as its XML names it (§1.7), and a V&R export row with its normalised
/// headers (§4.2). Shopify and V&R have no condition; Shopify has no model.
fn sources(platform: Platform, field: Field) -> &'static [Source] {
    use Source::{At, Specific};
    match (platform, field) {
        (Platform::Reverb, Field::Brand) => &[At("/make")],
        (Platform::Reverb, Field::Model) => &[At("/model")],
        (Platform::Reverb, Field::Year) => &[At("/year")],
        (Platform::Reverb, Field::Finish) => &[At("/finish")],
        (Platform::Reverb, Field::Category) => &[At("/categories/0/full_name")],
        (Platform::Reverb, Field::Condition) => &[
            At("/condition/display_name"),
            At("/condition/slug"),
            At("/condition"),
        ],
        (Platform::Reverb, Field::Description) => &[At("/description")],
        (Platform::Shopify, Field::Brand) => &[At("/vendor")],
        (Platform::Shopify, Field::Category) => &[At("/productType"), At("/product_type")],
        (Platform::Shopify, Field::Description) => {
            &[At("/descriptionHtml"), At("/description"), At("/body_html")]
        }
        (Platform::Ebay, Field::Brand) => &[Specific("Brand")],
        (Platform::Ebay, Field::Model) => &[Specific("Model")],
        (Platform::Ebay, Field::Year) => &[Specific("Model Year"), Specific("Year")],
        (Platform::Ebay, Field::Finish) => &[Specific("Body Colour"), Specific("Body Color")],
        (Platform::Ebay, Field::Category) => &[At("/PrimaryCategory/CategoryName")],
        (Platform::Ebay, Field::Condition) => &[At("/ConditionDisplayName")],
        (Platform::Ebay, Field::Description) => &[At("/Description")],
        (Platform::Vr, Field::Brand) => &[At("/brand_name")],
        (Platform::Vr, Field::Model) => &[At("/product_model_name")],
        (Platform::Vr, Field::Year) => &[At("/product_year")],
        (Platform::Vr, Field::Finish) => &[At("/product_finish")],
        (Platform::Vr, Field::Category) => &[At("/category_name")],
        (Platform::Vr, Field::Description) => &[At("/product_description")],
        _ => &[],
    }
}

/// A platform's own record of a listing, read leniently: a field that is
/// missing, blank or of an unexpected type is simply absent.
struct RawRecord<'a> {
    platform: Platform,
    raw: &'a Value,
}

impl<'a> RawRecord<'a> {
    fn new(platform: Platform, raw: &'a Value) -> Self {
        Self { platform, raw }
    }

    /// The field as one clean line of at most `max` characters.
    fn text(&self, field: Field, max: usize) -> Option<String> {
        sources(self.platform, field)
            .iter()
            .filter_map(|source| self.value(source))
            .map(|value| clean_line(&value, max))
            .find(|value| !value.is_empty())
    }

    /// The description keeps its line breaks (it is usually HTML).
    fn description(&self) -> Option<String> {
        sources(self.platform, Field::Description)
            .iter()
            .filter_map(|source| self.value(source))
            .map(|value| clean_text(&value, MAX_DESCRIPTION))
            .find(|value| !value.is_empty())
    }

    fn value(&self, source: &Source) -> Option<String> {
        match source {
            Source::At(pointer) => scalar(self.raw.pointer(pointer)?),
            Source::Specific(name) => self
                .raw
                .pointer("/ItemSpecifics/NameValueList")?
                .as_array()?
                .iter()
                .find(|pair| {
                    pair.get("Name")
                        .and_then(Value::as_str)
                        .is_some_and(|n| n.trim().eq_ignore_ascii_case(name))
                })
                .and_then(|pair| match pair.get("Value")? {
                    Value::Array(values) => values.iter().find_map(scalar),
                    value => scalar(value),
                }),
        }
    }
}

/// A JSON string or number as text; anything else is not a field value.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// One line of text: control characters and runs of whitespace become one
/// space, then it is cut to `max` characters (never inside a character).
fn clean_line(raw: &str, max: usize) -> String {
    let spaced: String = raw
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let line = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
    visible(truncate(&line, max))
}

/// Multi-line text: line breaks and tabs stay, other control characters go.
fn clean_text(raw: &str, max: usize) -> String {
    let kept: String = raw
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .collect();
    visible(truncate(kept.trim(), max))
}

/// A text with nothing visible in it is no text: an empty one, so that the
/// field falls back as if the platform had sent none.
fn visible(text: String) -> String {
    if text::is_blank(&text) {
        String::new()
    } else {
        text
    }
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => text[..cut].trim_end().to_owned(),
        None => text.to_owned(),
    }
}

/// A year written in the title, e.g. "1962 Fender Stratocaster": the first
/// four-digit word from 1900 to 2099 (earlier numbers in a title are more
/// often model numbers than years).
fn year_in_title(title: &str) -> Option<u16> {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|w| w.parse::<u16>().ok())
        .find(|y| (1900..=2099).contains(y))
}

/// Brand and model guessed from a title: its first word and the rest, the
/// year left out ("1962 Fender Stratocaster" → Fender / Stratocaster).
/// `"Unknown"` stands in for a part the title does not have, since a
/// product's brand and model are required.
fn brand_and_model_from_title(title: &str, year: Option<u16>) -> (String, String) {
    let year = year.map(|y| y.to_string());
    let mut words: Vec<&str> = title.split_whitespace().collect();
    if let Some(year) = &year {
        let is_year = |w: &&str| w.trim_matches(|c: char| !c.is_alphanumeric()) == year;
        if let Some(at) = words.iter().position(is_year) {
            words.remove(at);
        }
    }
    let unknown = || "Unknown".to_owned();
    let brand = words
        .first()
        .map_or_else(unknown, |w| truncate(w, MAX_SHORT));
    let model = match words.get(1..) {
        Some(rest) if !rest.is_empty() => truncate(&rest.join(" "), MAX_SHORT),
        _ => unknown(),
    };
    (brand, model)
}

/// A platform's condition name on Riff's (Reverb's) scale. Names Riff does
/// not know, eBay's plain "Used" among them, count as good: the middle of
/// the used grades, for the owner to correct.
fn condition_from(name: &str) -> Condition {
    let slug = name
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    match slug.as_str() {
        "brand-new" | "new" => Condition::New,
        "mint-with-inventory" => Condition::Mint,
        "non-functional" | "for-parts-or-not-working" => Condition::NonFunctioning,
        other => other.parse().unwrap_or(Condition::Good),
    }
}

/// A title reduced to its words: lowercase, anything but letters and digits
/// a space, spaces collapsed. Letters outside ASCII are kept.
fn normalized_title(title: &str) -> String {
    title
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Two normalized titles of at least three words each sharing at least 85%
/// of their words (Jaccard index of the word sets). Short titles must match
/// exactly: "Fender Stratocaster" against "Fender Telecaster" is no match.
fn near_identical(a: &str, b: &str) -> bool {
    let a: HashSet<&str> = a.split(' ').filter(|w| !w.is_empty()).collect();
    let b: HashSet<&str> = b.split(' ').filter(|w| !w.is_empty()).collect();
    if a.len() < 3 || b.len() < 3 {
        return false;
    }
    let shared = a.intersection(&b).count();
    let all = a.union(&b).count();
    shared * 100 >= all * 85
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::fixture::gbp;

    fn snapshot(title: &str, raw: Value) -> ExternalSnapshot {
        ExternalSnapshot {
            sku: None,
            title: title.into(),
            price: Some(gbp("1499")),
            quantity: Some(1),
            url: None,
            raw,
        }
    }

    fn candidate(sku: &str, title: &str, brand: &str, model: &str, year: Option<u16>) -> Candidate {
        Candidate {
            sku: Sku::parse(sku).unwrap(),
            details: ProductDetails {
                title: title.into(),
                brand: brand.into(),
                model: model.into(),
                year,
                finish: None,
                category: "Electric Guitars".into(),
                condition: Condition::Excellent,
                description: None,
            },
        }
    }

    fn strat() -> Candidate {
        candidate(
            "FEN-62",
            "1962 Fender Stratocaster Sunburst",
            "Fender",
            "Stratocaster",
            Some(1962),
        )
    }

    fn decide(
        s: &ExternalSnapshot,
        same: Option<&Candidate>,
        cands: &[Candidate],
    ) -> ImportDecision {
        decide_import(Platform::Reverb, s, same, cands, Currency::GBP)
    }

    /// Whatever the platform sent, the details are ones a user could have
    /// typed: they pass the same checks unchanged.
    fn assert_valid(details: &ProductDetails) {
        assert_eq!(
            ProductDetails::parse(details.to_input()).as_ref(),
            Ok(details),
            "{details:?}"
        );
    }

    #[test]
    fn a_listing_with_a_products_sku_links_to_it_whatever_its_title() {
        let s = snapshot("Completely different words", json!({}));
        assert_eq!(
            decide(&s, Some(&strat()), &[]),
            ImportDecision::Link { sku: strat().sku }
        );
    }

    #[test]
    fn a_listing_with_the_same_title_as_a_product_is_a_likely_duplicate() {
        let s = snapshot("1962 FENDER Stratocaster -- Sunburst!", json!({}));
        assert_eq!(
            decide(&s, None, &[strat()]),
            ImportDecision::LikelyDuplicate {
                of: strat().sku,
                reason: "same title as FEN-62".into()
            }
        );
    }

    #[test]
    fn a_nearly_identical_long_title_is_a_likely_duplicate() {
        let product = candidate(
            "GIB-LP-59",
            "Gibson Les Paul Standard 1959 Reissue Sunburst Flame Top Hard Case",
            "Gibson",
            "Les Paul",
            None,
        );
        let title = "Gibson Les Paul Standard 1959 Reissue Sunburst Flame Top Hard Case OHSC";
        let reason = likely_duplicate(title, None, &product);
        assert_eq!(
            reason.as_deref(),
            Some("nearly the same title as GIB-LP-59")
        );
    }

    #[test]
    fn titles_sharing_most_but_not_enough_words_are_not_duplicates() {
        let product = candidate(
            "FEN-TELE",
            "Fender Telecaster Butterscotch",
            "Fender",
            "Telecaster",
            None,
        );
        assert_eq!(
            likely_duplicate("Fender Stratocaster Butterscotch", None, &product),
            None
        );
        // Two-word titles must match exactly.
        let short = candidate("BOSS-DS1", "Boss DS-1", "Boss", "DS-1", None);
        assert_eq!(likely_duplicate("Boss DS-2", None, &short), None);
    }

    #[test]
    fn non_ascii_titles_compare_by_their_letters() {
        let product = candidate(
            "HOF-500",
            "Höfner 500/1 Violin Bass Ö",
            "Höfner",
            "500/1",
            None,
        );
        assert_eq!(
            likely_duplicate("HÖFNER 500 1 violin bass ö", None, &product).as_deref(),
            Some("same title as HOF-500")
        );
        assert_eq!(
            likely_duplicate("Hofner 500/1 Violin Bass", None, &product),
            None
        );
    }

    #[test]
    fn an_empty_title_is_not_the_same_as_another_empty_title() {
        let product = candidate("X-1", "!!!", "Acme", "One", None);
        assert_eq!(likely_duplicate("???", None, &product), None);
    }

    #[test]
    fn the_same_brand_model_and_year_is_a_likely_duplicate() {
        let reason = likely_duplicate(
            "Strat, great player",
            Some(("FENDER", " stratocaster", Some(1962))),
            &strat(),
        );
        assert_eq!(
            reason.as_deref(),
            Some("same brand, model and year as FEN-62")
        );
    }

    #[test]
    fn brand_and_model_without_a_year_on_both_sides_are_not_enough() {
        let title = "Strat, great player";
        assert_eq!(
            likely_duplicate(title, Some(("Fender", "Stratocaster", None)), &strat()),
            None
        );
        let undated = candidate("FEN-X", "Fender Strat", "Fender", "Stratocaster", None);
        assert_eq!(
            likely_duplicate(
                title,
                Some(("Fender", "Stratocaster", Some(1962))),
                &undated
            ),
            None
        );
        assert_eq!(
            likely_duplicate(
                title,
                Some(("Fender", "Stratocaster", Some(1963))),
                &strat()
            ),
            None
        );
    }

    #[test]
    fn a_reverb_listing_of_a_known_make_model_and_year_is_a_likely_duplicate() {
        let s = snapshot(
            "Vintage Strat in sunburst, all original",
            json!({"make": "Fender", "model": "Stratocaster", "year": "1962"}),
        );
        let ImportDecision::LikelyDuplicate { of, reason } = decide(&s, None, &[strat()]) else {
            panic!("expected a likely duplicate");
        };
        assert_eq!(of, strat().sku);
        assert!(reason.starts_with("same brand, model and year"), "{reason}");
    }

    #[test]
    fn the_first_matching_candidate_is_named() {
        let other = candidate("OTHER", "Boss DS-1 Distortion Pedal", "Boss", "DS-1", None);
        let s = snapshot("1962 Fender Stratocaster Sunburst", json!({}));
        let ImportDecision::LikelyDuplicate { of, .. } = decide(&s, None, &[other, strat()]) else {
            panic!("expected a likely duplicate");
        };
        assert_eq!(of.as_str(), "FEN-62");
    }

    #[test]
    fn a_listing_like_nothing_riff_has_becomes_a_product_from_its_reverb_record() {
        let s = ExternalSnapshot {
            sku: Some("RIFF-10000123".into()),
            quantity: None,
            ..snapshot(
                "  1965 Gibson ES-335 Cherry  ",
                json!({
                    "make": "Gibson", "model": "ES-335", "year": "1965", "finish": "Cherry",
                    "condition": {"uuid": "ae4d9114", "display_name": "Very Good"},
                    "categories": [{"full_name": "Electric Guitars / Semi-Hollow"}],
                    "description": "<p>Original case.</p>\n<p>Refretted.</p>"
                }),
            )
        };
        let decision = decide(&s, None, &[strat()]);
        assert_eq!(
            decision,
            ImportDecision::Create {
                sku: Some(Sku::parse("RIFF-10000123").unwrap()),
                details: ProductDetails {
                    title: "1965 Gibson ES-335 Cherry".into(),
                    brand: "Gibson".into(),
                    model: "ES-335".into(),
                    year: Some(1965),
                    finish: Some("Cherry".into()),
                    category: "Electric Guitars / Semi-Hollow".into(),
                    condition: Condition::VeryGood,
                    description: Some("<p>Original case.</p>\n<p>Refretted.</p>".into()),
                },
                price: gbp("1499"),
                quantity: 1,
                draft: false,
            }
        );
    }

    #[test]
    fn a_platform_sku_riff_cannot_use_leaves_the_sku_to_the_caller() {
        let s = ExternalSnapshot {
            sku: Some("my guitar #3".into()),
            ..snapshot("Yamaha FG-180 Red Label", json!(null))
        };
        let ImportDecision::Create { sku, .. } = decide(&s, None, &[]) else {
            panic!("expected a create");
        };
        assert_eq!(sku, None);
    }

    fn usd(amount: &str) -> Money {
        Money::parse_price(amount, Currency::parse("USD").unwrap()).unwrap()
    }

    #[test]
    fn a_listing_without_a_usable_price_is_left_for_the_owner() {
        let unpriced = ExternalSnapshot {
            price: None,
            ..snapshot("Yamaha FG-180 Red Label", json!({}))
        };
        assert!(matches!(
            decide(&unpriced, None, &[]),
            ImportDecision::Unpriced { .. }
        ));
    }

    #[test]
    fn a_listing_in_another_currency_becomes_a_draft_with_its_price_noted() {
        let dollars = ExternalSnapshot {
            price: Some(usd("900")),
            ..snapshot("Yamaha FG-180 Red Label", json!({}))
        };
        let ImportDecision::Create { price, draft, .. } = decide(&dollars, None, &[]) else {
            panic!("expected a draft");
        };
        assert!(draft);
        assert_eq!(price, usd("900"));
    }

    #[test]
    fn a_listing_in_another_currency_links_to_the_product_with_its_sku() {
        let dollars = ExternalSnapshot {
            sku: Some("FEN-62".into()),
            price: Some(usd("2100")),
            ..snapshot("1962 Fender Stratocaster Sunburst", json!({}))
        };
        assert_eq!(
            decide(&dollars, Some(&strat()), &[]),
            ImportDecision::Link {
                sku: Sku::parse("FEN-62").unwrap()
            }
        );
    }

    #[test]
    fn a_draft_in_another_currency_is_completed_by_the_first_price_in_the_shops() {
        let gbp = Currency::GBP;
        let pounds = Money::parse_price("1500", gbp).unwrap();
        assert_eq!(
            completes_draft(true, Some(usd("2000")), Some(pounds), gbp),
            Some(pounds)
        );
        // Not a draft, a listing in yet another currency, or a draft priced
        // by the owner already: nothing to complete.
        assert_eq!(
            completes_draft(false, Some(usd("2000")), Some(pounds), gbp),
            None
        );
        assert_eq!(
            completes_draft(true, Some(usd("2000")), Some(usd("1")), gbp),
            None
        );
        assert_eq!(completes_draft(true, Some(pounds), Some(pounds), gbp), None);
    }

    #[test]
    fn a_quantity_of_zero_or_none_imports_one_unit() {
        for quantity in [None, Some(0)] {
            let s = ExternalSnapshot {
                quantity,
                ..snapshot("Yamaha FG-180 Red Label", json!({}))
            };
            let ImportDecision::Create { quantity, .. } = decide(&s, None, &[]) else {
                panic!("expected a create");
            };
            assert_eq!(quantity, 1);
        }
        let stocked = ExternalSnapshot {
            quantity: Some(6),
            ..snapshot("Ernie Ball Slinky 10-46", json!({}))
        };
        assert!(matches!(
            decide(&stocked, None, &[]),
            ImportDecision::Create { quantity: 6, .. }
        ));
    }

    #[test]
    fn without_a_record_the_details_are_guessed_from_the_title() {
        for raw in [json!(null), json!({}), json!([1, 2]), json!("text")] {
            let d = details_from_snapshot(
                Platform::Ebay,
                &snapshot("1962 Fender Stratocaster Sunburst", raw),
            );
            assert_eq!(
                d,
                ProductDetails {
                    title: "1962 Fender Stratocaster Sunburst".into(),
                    brand: "Fender".into(),
                    model: "Stratocaster Sunburst".into(),
                    year: Some(1962),
                    finish: None,
                    category: "Uncategorised".into(),
                    condition: Condition::Good,
                    description: None,
                }
            );
        }
    }

    #[test]
    fn a_one_word_title_gets_an_unknown_model() {
        let d = details_from_snapshot(Platform::Shopify, &snapshot("Theremin", json!({})));
        assert_eq!(
            (d.brand.as_str(), d.model.as_str()),
            ("Theremin", "Unknown")
        );
        assert_valid(&d);
    }

    #[test]
    fn an_empty_title_is_named_after_the_record_or_the_platform() {
        let named = details_from_snapshot(
            Platform::Vr,
            &snapshot(
                "   ",
                json!({"brand_name": "Gretsch", "product_model_name": "6120"}),
            ),
        );
        assert_eq!(named.title, "Gretsch 6120");
        let bare = details_from_snapshot(Platform::Vr, &snapshot("", json!({})));
        assert_eq!(
            (
                bare.title.as_str(),
                bare.brand.as_str(),
                bare.model.as_str()
            ),
            ("Vintage & Rare listing", "Unknown", "Unknown")
        );
        assert_valid(&bare);
    }

    #[test]
    fn an_over_long_title_is_cut_to_eighty_characters_between_characters() {
        let title = format!("Fender {}", "Ö".repeat(100));
        let d = details_from_snapshot(Platform::Reverb, &snapshot(&title, json!({})));
        assert_eq!(d.title.chars().count(), 80);
        assert!(d.title.starts_with("Fender ÖÖ"));
        assert_valid(&d);
    }

    #[test]
    fn odd_record_fields_are_ignored_or_cleaned() {
        let raw = json!({
            "make": 42,
            "model": {"name": "nested"},
            "year": "1960s",
            "finish": "  ",
            "categories": [],
            "condition": "Like new-ish",
            "description": "tab\there\u{0007}bell"
        });
        let d = details_from_snapshot(
            Platform::Reverb,
            &snapshot("Rickenbacker 4001 1975 bass\u{0000}", raw),
        );
        assert_eq!(d.brand, "42");
        assert_eq!(d.model, "4001 bass");
        assert_eq!(d.year, Some(1975));
        assert_eq!(d.finish, None);
        assert_eq!(d.category, "Uncategorised");
        assert_eq!(d.condition, Condition::Good);
        assert_eq!(d.description.as_deref(), Some("tab\therebell"));
        assert_eq!(d.title, "Rickenbacker 4001 1975 bass");
        assert_valid(&d);
    }

    #[test]
    fn a_year_in_the_record_wins_over_one_in_the_title_and_numbers_count() {
        let d = details_from_snapshot(
            Platform::Reverb,
            &snapshot("1970s style Fender Jazz Bass 2004", json!({"year": 1974})),
        );
        assert_eq!(d.year, Some(1974));
        let d = details_from_snapshot(
            Platform::Reverb,
            &snapshot("Fender Jazz Bass 1899 2150", json!({})),
        );
        assert_eq!(d.year, None);
    }

    #[test]
    fn each_platforms_record_is_read_where_that_platform_keeps_it() {
        let ebay = details_from_snapshot(
            Platform::Ebay,
            &snapshot(
                "Lovely old Strat",
                json!({
                    "ConditionDisplayName": "Used",
                    "PrimaryCategory": {"CategoryID": "33034", "CategoryName": "Electric Guitars"},
                    "ItemSpecifics": {"NameValueList": [
                        {"Name": "Brand", "Value": ["Fender"]},
                        {"Name": "Model", "Value": "Stratocaster"},
                        {"Name": "Model Year", "Value": ["1962"]}
                    ]}
                }),
            ),
        );
        assert_eq!(
            (
                ebay.brand.as_str(),
                ebay.model.as_str(),
                ebay.year,
                ebay.category.as_str(),
                ebay.condition
            ),
            (
                "Fender",
                "Stratocaster",
                Some(1962),
                "Electric Guitars",
                Condition::Good
            )
        );
        let shopify = details_from_snapshot(
            Platform::Shopify,
            &snapshot(
                "Fender Precision Bass",
                json!({"vendor": "Fender", "productType": "Bass Guitars", "descriptionHtml": "<p>P</p>"}),
            ),
        );
        assert_eq!(
            (
                shopify.brand.as_str(),
                shopify.model.as_str(),
                shopify.category.as_str()
            ),
            ("Fender", "Precision Bass", "Bass Guitars")
        );
        assert_eq!(shopify.description.as_deref(), Some("<p>P</p>"));
        let vr = details_from_snapshot(
            Platform::Vr,
            &snapshot(
                "Gibson Les Paul",
                json!({
                    "brand_name": "Gibson", "product_model_name": "Les Paul", "product_year": "1978",
                    "product_finish": "Cherry", "category_name": "Guitars>Electric solid body"
                }),
            ),
        );
        assert_eq!(
            (
                vr.year,
                vr.finish.as_deref(),
                vr.category.as_str(),
                vr.condition
            ),
            (
                Some(1978),
                Some("Cherry"),
                "Guitars>Electric solid body",
                Condition::Good
            )
        );
    }

    #[test]
    fn platform_condition_names_map_onto_riffs_scale() {
        for (name, condition) in [
            ("Brand New", Condition::New),
            ("B-Stock", Condition::BStock),
            ("Mint (with inventory)", Condition::Mint),
            ("mint", Condition::Mint),
            ("Excellent", Condition::Excellent),
            ("Very Good", Condition::VeryGood),
            ("very-good", Condition::VeryGood),
            ("Fair", Condition::Fair),
            ("Poor", Condition::Poor),
            ("Non Functioning", Condition::NonFunctioning),
            ("For parts or not working", Condition::NonFunctioning),
            ("New", Condition::New),
            ("Used", Condition::Good),
            ("", Condition::Good),
        ] {
            assert_eq!(condition_from(name), condition, "{name:?}");
        }
    }

    proptest! {
        #[test]
        fn whatever_the_platform_sends_the_details_are_valid(
            title in "\\PC{0,120}",
            brand in proptest::option::of("\\PC{0,130}"),
            year in proptest::option::of("[0-9]{0,6}"),
            description in "(\\PC|\\n|\\u{0}){0,60}",
        ) {
            let raw = json!({"make": brand, "model": brand, "year": year, "finish": title,
                "categories": [{"full_name": title}], "description": description});
            for platform in Platform::ALL {
                let d = details_from_snapshot(platform, &snapshot(&title, raw.clone()));
                prop_assert_eq!(ProductDetails::parse(d.to_input()), Ok(d));
            }
        }
    }
}
