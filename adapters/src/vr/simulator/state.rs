//! The simulator's in-memory V&R: the seller's items, and the export rows
//! they make.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::super::wire::{ExportRow, ItemForm};

/// The first item id the simulator hands out (§4.2's sample ids are six
/// digits).
const FIRST_ITEM_ID: u64 = 123_456;

/// A picture as the item form uploaded it: what a test needs to tell that
/// it arrived whole, not the bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimImage {
    /// The form's file input, `upload_file_box_<n>`.
    pub field: String,
    pub file_name: String,
    pub content_type: String,
    pub size: usize,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
}

/// One item as the simulated V&R holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimItem {
    pub id: u64,
    /// The form's `external_id`; `None` for an item made by hand.
    pub sku: Option<String>,
    pub brand: String,
    pub model: String,
    pub price: Decimal,
    /// The category ids the form sent (`categ_level_0`, `categ_level_1`).
    pub categories: (String, String),
    pub year: String,
    pub finish: String,
    pub description: String,
    /// The processing time as the form said it (`3 Days`).
    pub processing_time: String,
    /// The form's `youtube_upload`.
    pub video: String,
    pub sold: bool,
    /// The pictures of the last form that sent any, in input order.
    pub images: Vec<SimImage>,
    /// Deleted items leave the export.
    pub deleted: bool,
    /// How many edits changed it.
    pub revisions: u32,
    /// How many pictures each edit uploaded (0: it kept the item's).
    pub edit_uploads: Vec<usize>,
}

impl SimItem {
    fn row(&self) -> ExportRow {
        let category = match &self.categories {
            (top, sub) if sub.is_empty() => top.clone(),
            (top, sub) => format!("{top}>{sub}"),
        };
        ExportRow {
            brand_name: self.brand.clone(),
            category_name: category,
            product_id: self.id.to_string(),
            external_id: self.sku.clone().unwrap_or_default(),
            product_model_name: self.model.clone(),
            product_price: self.price.to_string(),
            product_description: self.description.clone(),
            product_year: self.year.clone(),
            product_sold: if self.sold { "yes" } else { "no" }.into(),
            product_finish: self.finish.clone(),
            image_url: String::new(),
        }
    }

    /// Takes the form's fields, and its pictures when it sent any (an edit
    /// without files keeps the item's pictures).
    fn apply(&mut self, form: &ItemForm, images: Vec<SimImage>) {
        if !images.is_empty() {
            self.images = images;
        }
        self.sku = Some(form.external_id.clone()).filter(|s| !s.is_empty());
        self.brand.clone_from(&form.recipient_name);
        self.model.clone_from(&form.model_name);
        self.price = form.price.parse().unwrap_or_default();
        self.categories = (form.categ_level_0.clone(), form.categ_level_1.clone());
        self.year.clone_from(&form.year);
        self.finish.clone_from(&form.finish_color);
        self.description.clone_from(&form.item_desc);
        self.processing_time = format!("{} {}", form.processing_time, form.hours_days_sel)
            .trim()
            .to_owned();
        self.video.clone_from(&form.youtube_upload);
    }
}

/// Everything the simulated V&R knows.
#[derive(Debug)]
pub(super) struct State {
    pub(super) items: BTreeMap<u64, SimItem>,
    next_id: u64,
    /// The brands V&R lists, in the order they were added (a brand's id is
    /// its place, from 1). V&R keeps a list that an item's brand must be
    /// on; an unknown brand is one its form cannot select.
    brands: Vec<String>,
}

/// Brands the simulated V&R knows from the start: the makers a
/// music-gear shop sells most.
const KNOWN_BRANDS: &[&str] = &[
    "Fender",
    "Gibson",
    "Gretsch",
    "Rickenbacker",
    "Martin",
    "Taylor",
    "Guild",
    "Epiphone",
    "Squier",
    "PRS",
    "Ibanez",
    "Yamaha",
    "Music Man",
    "G&L",
    "Danelectro",
    "Höfner",
    "Vox",
    "Marshall",
    "Orange",
    "Mesa/Boogie",
    "Hiwatt",
    "Ampeg",
    "Roland",
    "Boss",
    "Electro-Harmonix",
    "MXR",
    "Dunlop",
    "Korg",
    "Moog",
    "Sequential",
    "Nord",
    "Ludwig",
    "Gretsch Drums",
    "Zildjian",
    "Shure",
    "Neumann",
    "Universal Audio",
];

impl State {
    pub(super) fn new() -> Self {
        Self {
            items: BTreeMap::new(),
            next_id: FIRST_ITEM_ID,
            brands: KNOWN_BRANDS.iter().map(|b| (*b).to_owned()).collect(),
        }
    }

    /// V&R's id for `brand` (compared ignoring case), or `None`.
    pub(super) fn brand_id(&self, brand: &str) -> Option<usize> {
        let brand = brand.trim();
        self.brands
            .iter()
            .position(|known| known.eq_ignore_ascii_case(brand))
            .map(|index| index + 1)
    }

    /// Puts `brand` on V&R's list (an item listed with it makes it known).
    pub(super) fn add_brand(&mut self, brand: &str) {
        if !brand.trim().is_empty() && self.brand_id(brand).is_none() {
            self.brands.push(brand.trim().to_owned());
        }
    }

    /// Why V&R's form would not take this new item, as the page says it
    /// above the form: a brand, model and price, a brand on its list (the
    /// form's brand field only offers those), a category and sub-category,
    /// and a picture. `None`: it takes it.
    pub(super) fn refusal(&self, form: &ItemForm, images: &[SimImage]) -> Option<String> {
        if form.recipient_name.trim().is_empty()
            || form.model_name.trim().is_empty()
            || form.price.trim().is_empty()
        {
            return Some("Please fill in brand, model and price.".into());
        }
        if self.brand_id(&form.recipient_name).is_none() {
            return Some(format!(
                "Brand \"{}\" does not exist. Please choose a brand from the list.",
                form.recipient_name.trim()
            ));
        }
        if form.categ_level_0.trim().is_empty() || form.categ_level_1.trim().is_empty() {
            return Some("Please select a category and a sub-category.".into());
        }
        if images.is_empty() {
            return Some("Please upload at least one image.".into());
        }
        None
    }

    /// Adds an item and returns its id.
    pub(super) fn create(&mut self, form: &ItemForm, images: Vec<SimImage>) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let mut item = SimItem {
            id,
            sku: None,
            brand: String::new(),
            model: String::new(),
            price: Decimal::ZERO,
            categories: (String::new(), String::new()),
            year: String::new(),
            finish: String::new(),
            description: String::new(),
            processing_time: String::new(),
            video: String::new(),
            sold: false,
            images: Vec::new(),
            deleted: false,
            revisions: 0,
            edit_uploads: Vec::new(),
        };
        item.apply(form, images);
        self.items.insert(id, item);
        id
    }

    /// The item a form page or AJAX call names, unless deleted.
    pub(super) fn live_or_sold(&mut self, id: u64) -> Option<&mut SimItem> {
        self.items.get_mut(&id).filter(|item| !item.deleted)
    }

    /// Replaces an unsold item's fields; `false` if there is none.
    pub(super) fn edit(&mut self, id: u64, form: &ItemForm, images: Vec<SimImage>) -> bool {
        match self.live_or_sold(id) {
            Some(item) if !item.sold => {
                item.edit_uploads.push(images.len());
                item.apply(form, images);
                item.revisions += 1;
                true
            }
            _ => false,
        }
    }

    /// `mark_as_sold`: `false` for an item deleted, sold or unknown.
    pub(super) fn mark_sold(&mut self, id: u64) -> bool {
        match self.live_or_sold(id) {
            Some(item) if !item.sold => {
                item.sold = true;
                true
            }
            _ => false,
        }
    }

    /// `delete_item`: `false` for an item already deleted or unknown.
    pub(super) fn delete(&mut self, id: u64) -> bool {
        match self.live_or_sold(id) {
            Some(item) => {
                item.deleted = true;
                true
            }
            None => false,
        }
    }

    /// The export: every item not deleted, in id order.
    pub(super) fn export(&self) -> Vec<ExportRow> {
        self.items
            .values()
            .filter(|item| !item.deleted)
            .map(SimItem::row)
            .collect()
    }
}
