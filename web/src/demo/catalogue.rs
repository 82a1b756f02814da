//! The demo shop's stock: what a UK guitar shop with a vintage corner
//! would have in, and where each piece is already for sale.
//!
//! Every item is typed into Riff with its SKU. Those with platforms are
//! also put on the simulated marketplaces under the same SKU before Riff
//! first looks, as if the shop had listed them by hand before adopting
//! Riff: the first sync links each listing to its product. The few
//! [`HAND_LISTED`] ones have no SKU on the one platform they are on, so the
//! first sync imports each as a new product and flags it for the owner.
//!
//! Prices are in pence (GBP) and match on every platform, so the first sync
//! finds nothing drifted. Conditions are Reverb's scale, Riff's own.

use riff_domain::value::Platform;
use rust_decimal::Decimal;

use Platform::{Ebay, Reverb, Shopify, Vr};

/// One piece of stock.
pub(super) struct Item {
    pub(super) sku: &'static str,
    pub(super) title: &'static str,
    pub(super) brand: &'static str,
    pub(super) model: &'static str,
    pub(super) year: Option<u16>,
    pub(super) finish: &'static str,
    pub(super) category: &'static str,
    /// On Reverb's scale: `new`, `mint`, `excellent`, `very-good`, `good`, `fair`.
    pub(super) condition: &'static str,
    pub(super) pence: i64,
    /// More than one only for new stock (pedals), never listed on V&R,
    /// which sells single items.
    pub(super) quantity: u32,
    /// Where it is already listed; empty for stock not yet listed anywhere.
    pub(super) on: &'static [Platform],
}

impl Item {
    pub(super) fn price(&self) -> Decimal {
        Decimal::new(self.pence, 2)
    }
}

/// A listing the owner made directly on a platform, without a SKU.
pub(super) struct HandListed {
    pub(super) platform: Platform,
    pub(super) brand: &'static str,
    /// The title is `brand model`; V&R keeps the two apart.
    pub(super) model: &'static str,
    pub(super) pence: i64,
}

impl HandListed {
    pub(super) fn title(&self) -> String {
        format!("{} {}", self.brand, self.model)
    }

    pub(super) fn price(&self) -> Decimal {
        Decimal::new(self.pence, 2)
    }
}

const ELECTRIC: &str = "Electric Guitars";
const ACOUSTIC: &str = "Acoustic Guitars";
const BASS: &str = "Bass Guitars";
const AMP: &str = "Amplifiers";
const PEDAL: &str = "Effects Pedals";

/// A shorthand for the table: one line per item.
#[allow(clippy::too_many_arguments)] // one per column of the table
const fn item(
    sku: &'static str,
    title: &'static str,
    brand: &'static str,
    model: &'static str,
    year: Option<u16>,
    finish: &'static str,
    category: &'static str,
    condition: &'static str,
    pence: i64,
    quantity: u32,
    on: &'static [Platform],
) -> Item {
    Item {
        sku,
        title,
        brand,
        model,
        year,
        finish,
        category,
        condition,
        pence,
        quantity,
        on,
    }
}

/// The shop's stock. One line per item, as a table reads best.
#[rustfmt::skip]
pub(super) const STOCK: &[Item] = &[
    // Electric guitars.
    item("GIB-LP-R9-13", "Gibson Les Paul Standard 1959 Reissue", "Gibson", "Les Paul Standard 1959 Reissue", Some(2013), "Iced Tea Burst", ELECTRIC, "excellent", 549_900, 1, &[Reverb, Vr, Shopify, Ebay]),
    item("FEN-AV62-STRAT", "Fender American Vintage '62 Stratocaster", "Fender", "American Vintage '62 Stratocaster", Some(2008), "3-Colour Sunburst", ELECTRIC, "excellent", 164_900, 1, &[Reverb, Shopify, Ebay]),
    item("FEN-AV52-TELE", "Fender American Vintage '52 Telecaster", "Fender", "American Vintage '52 Telecaster", Some(2011), "Butterscotch Blonde", ELECTRIC, "very-good", 149_500, 1, &[Reverb, Vr, Shopify]),
    item("FEN-STRAT-65", "Fender Stratocaster 1965 L-Series", "Fender", "Stratocaster", Some(1965), "Sunburst", ELECTRIC, "fair", 1_750_000, 1, &[Vr, Reverb]),
    item("FEN-JM66-JP", "Fender Japan '66 Jazzmaster JM66", "Fender", "Jazzmaster JM66", Some(1999), "Candy Apple Red", ELECTRIC, "very-good", 84_900, 1, &[Ebay, Reverb]),
    item("FEN-PLAYER-STRAT", "Fender Player Stratocaster", "Fender", "Player Stratocaster", Some(2023), "Tidepool", ELECTRIC, "b-stock", 59_900, 1, &[Shopify, Ebay]),
    item("GIB-ES335-DOT", "Gibson ES-335 Dot", "Gibson", "ES-335 Dot", Some(1999), "Cherry", ELECTRIC, "very-good", 219_900, 1, &[Reverb, Ebay, Shopify]),
    item("GIB-SG61-STD", "Gibson SG Standard '61", "Gibson", "SG Standard '61", Some(2020), "Vintage Cherry", ELECTRIC, "mint", 139_900, 1, &[Reverb, Shopify]),
    item("GIB-LPJR-57", "Gibson Les Paul Junior 1957", "Gibson", "Les Paul Junior", Some(1957), "Sunburst", ELECTRIC, "good", 895_000, 1, &[Vr, Reverb]),
    item("GIB-FLYV-19", "Gibson Flying V", "Gibson", "Flying V", Some(2019), "Antique Natural", ELECTRIC, "excellent", 129_900, 1, &[]),
    item("GRE-G6136T", "Gretsch G6136T White Falcon", "Gretsch", "G6136T White Falcon", Some(2016), "Vintage White", ELECTRIC, "excellent", 289_900, 1, &[Reverb, Vr, Shopify, Ebay]),
    item("GRE-G6120T-55", "Gretsch G6120T-55 Vintage Select Chet Atkins", "Gretsch", "G6120T-55 Vintage Select", Some(2018), "Western Orange", ELECTRIC, "excellent", 245_000, 1, &[Reverb, Vr]),
    item("RIC-330-04", "Rickenbacker 330", "Rickenbacker", "330", Some(2004), "Fireglo", ELECTRIC, "very-good", 185_000, 1, &[Reverb, Vr, Ebay]),
    item("RIC-360-12-98", "Rickenbacker 360/12", "Rickenbacker", "360/12", Some(1998), "Jetglo", ELECTRIC, "good", 225_000, 1, &[Vr, Reverb]),
    item("PRS-CU24-10T", "PRS Custom 24 10-Top", "PRS", "Custom 24 10-Top", Some(2017), "Whale Blue", ELECTRIC, "mint", 315_000, 1, &[Reverb, Shopify, Ebay]),
    item("PRS-SE-594", "PRS SE McCarty 594", "PRS", "SE McCarty 594", Some(2022), "Vintage Sunburst", ELECTRIC, "excellent", 64_900, 1, &[Ebay, Shopify]),
    item("IBZ-RG550-19", "Ibanez RG550 Genesis Collection", "Ibanez", "RG550 Genesis Collection", Some(2019), "Desert Sun Yellow", ELECTRIC, "excellent", 89_900, 1, &[Ebay, Reverb, Shopify]),
    item("IBZ-AS73-15", "Ibanez Artcore AS73", "Ibanez", "Artcore AS73", Some(2015), "Tobacco Brown", ELECTRIC, "good", 29_900, 1, &[Ebay, Shopify]),
    item("FEN-MUST-66", "Fender Mustang 1966", "Fender", "Mustang", Some(1966), "Dakota Red", ELECTRIC, "good", 165_000, 1, &[]),
    // Acoustic guitars.
    item("MAR-D28-19", "Martin D-28", "Martin", "D-28", Some(2019), "Natural", ACOUSTIC, "excellent", 239_900, 1, &[Reverb, Vr, Shopify, Ebay]),
    item("MAR-000-18-14", "Martin 000-18", "Martin", "000-18", Some(2014), "Natural", ACOUSTIC, "very-good", 179_900, 1, &[Reverb, Shopify]),
    item("MAR-D18-68", "Martin D-18 1968", "Martin", "D-18", Some(1968), "Natural", ACOUSTIC, "good", 395_000, 1, &[Vr, Reverb]),
    item("TAY-814CE-18", "Taylor 814ce", "Taylor", "814ce", Some(2018), "Natural", ACOUSTIC, "excellent", 285_000, 1, &[Reverb, Shopify, Ebay]),
    item("TAY-GSMINI-M", "Taylor GS Mini Mahogany", "Taylor", "GS Mini Mahogany", Some(2021), "Natural", ACOUSTIC, "mint", 42_900, 1, &[Shopify, Ebay]),
    item("GIB-J45-16", "Gibson J-45 Standard", "Gibson", "J-45 Standard", Some(2016), "Vintage Sunburst", ACOUSTIC, "excellent", 199_900, 1, &[Reverb, Shopify, Vr]),
    // Basses.
    item("FEN-AV57-PB", "Fender American Vintage '57 Precision Bass", "Fender", "American Vintage '57 Precision Bass", Some(2012), "2-Colour Sunburst", BASS, "very-good", 145_000, 1, &[Reverb, Ebay]),
    item("FEN-JB-75", "Fender Jazz Bass 1975", "Fender", "Jazz Bass", Some(1975), "Natural", BASS, "good", 345_000, 1, &[Vr, Reverb]),
    item("RIC-4003-10", "Rickenbacker 4003", "Rickenbacker", "4003", Some(2010), "Mapleglo", BASS, "excellent", 165_000, 1, &[Reverb, Vr, Shopify]),
    // Amplifiers.
    item("VOX-AC30C2-19", "Vox AC30C2 2x12 Combo", "Vox", "AC30C2", Some(2019), "Black", AMP, "excellent", 64_900, 1, &[Ebay, Shopify, Reverb]),
    item("VOX-AC30-63", "Vox AC30/6 Twin 1963 JMI", "Vox", "AC30/6 Twin", Some(1963), "Fawn", AMP, "fair", 450_000, 1, &[Vr, Reverb]),
    item("MAR-JCM800-82", "Marshall JCM800 2203 Head", "Marshall", "JCM800 2203", Some(1982), "Black", AMP, "very-good", 135_000, 1, &[Reverb, Ebay, Vr]),
    item("MAR-1987X-15", "Marshall 1987X Plexi Reissue Head", "Marshall", "1987X", Some(2015), "Black", AMP, "excellent", 119_500, 1, &[Reverb, Shopify]),
    item("MAR-1960A-05", "Marshall 1960A 4x12 Cabinet", "Marshall", "1960A", Some(2005), "Black", AMP, "good", 44_900, 1, &[Ebay]),
    item("FEN-65DR-18", "Fender '65 Deluxe Reverb Reissue", "Fender", "'65 Deluxe Reverb", Some(2018), "Blackface", AMP, "excellent", 99_900, 1, &[Reverb, Shopify, Ebay]),
    item("FEN-TWIN-68", "Fender Twin Reverb 1968 Silverface", "Fender", "Twin Reverb", Some(1968), "Silverface", AMP, "good", 159_500, 1, &[Vr, Reverb]),
    item("ORA-OR15-20", "Orange OR15 Head", "Orange", "OR15", Some(2020), "Orange", AMP, "mint", 44_900, 1, &[Shopify, Ebay, Reverb]),
    item("ORA-RV50-19", "Orange Rockerverb 50 MkIII Combo", "Orange", "Rockerverb 50 MkIII", Some(2019), "Orange", AMP, "excellent", 109_900, 1, &[Reverb, Shopify]),
    // Pedals: new stock comes in threes and twos.
    item("BOSS-DS1", "Boss DS-1 Distortion", "Boss", "DS-1", Some(2024), "Orange", PEDAL, "new", 4_900, 3, &[Shopify, Ebay, Reverb]),
    item("BOSS-BD2W", "Boss BD-2W Blues Driver Waza Craft", "Boss", "BD-2W", Some(2024), "Blue", PEDAL, "new", 14_900, 2, &[Shopify, Reverb]),
    item("BOSS-CE2-81", "Boss CE-2 Chorus 1981 Made in Japan", "Boss", "CE-2", Some(1981), "Blue", PEDAL, "very-good", 18_900, 1, &[Reverb, Ebay]),
    item("EHX-MUFF-NYC", "Electro-Harmonix Big Muff Pi NYC", "Electro-Harmonix", "Big Muff Pi", Some(2021), "Silver", PEDAL, "excellent", 6_900, 1, &[Ebay, Shopify, Reverb]),
    item("EHX-DMM-18", "Electro-Harmonix Deluxe Memory Man", "Electro-Harmonix", "Deluxe Memory Man", Some(2018), "Silver", PEDAL, "very-good", 14_900, 1, &[Reverb, Ebay]),
    item("STR-TIMELINE", "Strymon Timeline Delay", "Strymon", "Timeline", Some(2019), "Blue", PEDAL, "excellent", 32_900, 1, &[Reverb, Shopify, Ebay]),
    item("STR-BIGSKY", "Strymon BigSky Reverb", "Strymon", "BigSky", Some(2020), "Grey", PEDAL, "mint", 32_900, 1, &[Reverb, Shopify]),
    item("STR-FLINT", "Strymon Flint Tremolo and Reverb", "Strymon", "Flint", Some(2017), "Red", PEDAL, "very-good", 21_900, 1, &[Reverb]),
    item("MXR-PH90-74", "MXR CSP026 '74 Vintage Phase 90", "MXR", "CSP026 '74 Vintage Phase 90", Some(2016), "Orange", PEDAL, "excellent", 9_900, 1, &[Ebay, Reverb]),
    item("MXR-DYNACOMP", "MXR M102 Dyna Comp", "MXR", "M102 Dyna Comp", Some(2024), "Red", PEDAL, "new", 7_900, 2, &[Shopify]),
    item("MXR-CARBON-21", "MXR Carbon Copy Analog Delay", "MXR", "Carbon Copy", Some(2021), "Green", PEDAL, "excellent", 9_900, 1, &[Ebay, Reverb, Shopify]),
    item("IBZ-TS808-20", "Ibanez TS808 Tube Screamer Reissue", "Ibanez", "TS808", Some(2020), "Green", PEDAL, "excellent", 11_900, 1, &[]),
];

/// Listed on one platform by hand, before Riff: no SKU anywhere.
pub(super) const HAND_LISTED: &[HandListed] = &[
    HandListed {
        platform: Ebay,
        brand: "Boss",
        model: "RC-30 Loop Station boxed",
        pence: 13_900,
    },
    HandListed {
        platform: Reverb,
        brand: "Fender",
        model: "Hot Rod Deluxe IV 1x12 combo amp",
        pence: 54_900,
    },
    HandListed {
        platform: Vr,
        brand: "Hofner",
        model: "500/1 Violin Bass 1964",
        pence: 295_000,
    },
];

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use riff_domain::value::{Condition, Sku};

    use super::*;

    #[test]
    fn the_shop_has_at_least_forty_valid_items_with_unique_skus() {
        assert!(STOCK.len() >= 40);
        let mut skus = HashSet::new();
        for item in STOCK {
            assert!(Sku::parse(item.sku).is_ok(), "{}", item.sku);
            assert!(skus.insert(item.sku), "{} twice", item.sku);
            assert!(item.condition.parse::<Condition>().is_ok(), "{}", item.sku);
            assert!(item.title.len() <= 80, "{}", item.sku);
            assert!(item.pence > 0 && item.quantity >= 1, "{}", item.sku);
            assert!(
                item.quantity == 1 || !item.on.contains(&Vr),
                "{}: V&R sells single items",
                item.sku
            );
        }
    }

    #[test]
    fn the_shop_spans_guitars_amps_and_pedals_and_lists_some_everywhere() {
        for category in [ELECTRIC, ACOUSTIC, BASS, AMP, PEDAL] {
            assert!(STOCK.iter().any(|i| i.category == category), "{category}");
        }
        assert!(STOCK.iter().filter(|i| i.on.len() >= 3).count() >= 10);
        assert!(STOCK.iter().any(|i| i.on.is_empty()));
    }
}
