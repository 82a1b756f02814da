//! What goes over the wire to Vintage & Rare: the inventory CSV export
//! (§4.2), the url-encoded bodies of the login form and the AJAX calls
//! (§4.1 "AJAX endpoints"), and the fields of the add/edit item form (§4.1
//! "Add/edit form fields"), which goes as `multipart/form-data` with the
//! pictures as file parts.
//!
//! The export is read by header name, after V&R's own normalisation
//! (lowercase, spaces to `_`), so a reordered or extended template still
//! reads; a missing key column, a row of the wrong length or bytes that are
//! not CSV are a [`PortError::Protocol`], never a panic.

use riff_domain::port::PortError;
use serde::{Deserialize, Serialize};

/// The export's columns in V&R's template order (§4.2), as written by the
/// simulator. The real export ends with an unnamed column, added on write.
pub const EXPORT_COLUMNS: [&str; 27] = [
    "brand name",
    "category name",
    "product id",
    "external id",
    "product model name",
    "product price",
    "product price notax",
    "product description",
    "product year",
    "product sold",
    "product finish",
    "product in collective",
    "product in inventory",
    "product in reseller",
    "collective discount",
    "free shipping",
    "buy now",
    "show vat",
    "decade",
    "product order",
    "local pickup",
    "available for shipment",
    "processing time",
    "offer discount",
    "image url",
    "video url",
    "external link",
];

/// Columns without which a body is not an inventory export (a login page
/// served in its place, say).
const KEY_COLUMNS: [&str; 3] = ["product_id", "external_id", "product_sold"];

/// One row of the export, with the columns Riff reads (§4.2). Every other
/// column is ignored on read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExportRow {
    pub brand_name: String,
    /// V&R's category path, e.g. `Guitars>Electric solid body`.
    pub category_name: String,
    /// V&R's id for the item.
    pub product_id: String,
    /// The seller's SKU: Riff's SKU for items Riff listed, empty for items
    /// made by hand on the site.
    pub external_id: String,
    pub product_model_name: String,
    /// In the account's currency, e.g. `24999` or `1200.50`.
    pub product_price: String,
    /// HTML.
    pub product_description: String,
    pub product_year: String,
    /// `yes` means sold; anything else means live (§4.2 "Semantics").
    pub product_sold: String,
    pub product_finish: String,
    /// `|`-separated picture URLs.
    pub image_url: String,
}

impl ExportRow {
    /// Whether V&R counts the item as sold.
    pub fn is_sold(&self) -> bool {
        self.product_sold.trim().eq_ignore_ascii_case("yes")
    }

    /// The SKU, when the seller gave one.
    pub fn sku(&self) -> Option<&str> {
        Some(self.external_id.trim()).filter(|s| !s.is_empty())
    }
}

/// V&R's header normalisation (§4.2).
fn normalise(header: &str) -> String {
    header.trim().to_lowercase().replace(' ', "_")
}

/// Reads a whole export.
///
/// # Errors
/// [`PortError::Protocol`] for bytes that are not a V&R export: no key
/// columns, a row with more or fewer fields than the header, or bad CSV.
pub fn parse_export(text: &str) -> Result<Vec<ExportRow>, PortError> {
    let bad = |detail: String| PortError::Protocol(format!("unreadable V&R export: {detail}"));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: csv::StringRecord = reader
        .headers()
        .map_err(|e| bad(e.to_string()))?
        .iter()
        .map(normalise)
        .collect();
    if let Some(missing) = KEY_COLUMNS
        .iter()
        .find(|key| !headers.iter().any(|h| h == **key))
    {
        let start: String = text.chars().take(120).collect();
        return Err(bad(format!("no {missing:?} column in {start:?}")));
    }
    reader.set_headers(headers.clone());
    reader
        .records()
        .map(|record| {
            let record = record.map_err(|e| bad(e.to_string()))?;
            record
                .deserialize::<ExportRow>(Some(&headers))
                .map_err(|e| bad(e.to_string()))
        })
        .collect()
}

/// Writes rows as V&R does: the template's header, every column in order,
/// and the trailing unnamed column (§4.2). Columns Riff does not read are
/// written empty.
///
/// # Errors
/// Only if the CSV writer fails, which writing to memory does not.
pub fn write_export(rows: &[ExportRow]) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<&str> = EXPORT_COLUMNS.to_vec();
    header.push("");
    writer.write_record(&header)?;
    for row in rows {
        let mut fields = vec![String::new(); EXPORT_COLUMNS.len() + 1];
        for (column, value) in [
            ("brand name", &row.brand_name),
            ("category name", &row.category_name),
            ("product id", &row.product_id),
            ("external id", &row.external_id),
            ("product model name", &row.product_model_name),
            ("product price", &row.product_price),
            ("product description", &row.product_description),
            ("product year", &row.product_year),
            ("product sold", &row.product_sold),
            ("product finish", &row.product_finish),
            ("image url", &row.image_url),
        ] {
            if let Some(at) = EXPORT_COLUMNS.iter().position(|c| *c == column) {
                fields[at].clone_from(value);
            }
        }
        writer.write_record(&fields)?;
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// `POST /do_login` (§4.1 "login").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginForm {
    pub username: String,
    pub pass: String,
    /// Always `header`: the login box in the page header.
    pub open_where: String,
}

/// The most pictures the item form takes: its file inputs run from
/// `upload_file_box_1` to `upload_file_box_20` (§4.1 "Add/edit form fields").
pub const MAX_PICTURES: usize = 20;

/// The name of the item form's file input for the `n`th picture, from 1.
/// RIFF recorded these names (`upload_file_box_1…N`); V&R's own page names
/// its inputs the same way.
pub fn picture_field(n: usize) -> String {
    format!("upload_file_box_{n}")
}

/// The number of a picture's file input (`upload_file_box_3` → 3), when the
/// name is one.
pub fn picture_number(field: &str) -> Option<usize> {
    field
        .strip_prefix("upload_file_box_")?
        .parse()
        .ok()
        .filter(|n| (1..=MAX_PICTURES).contains(n))
}

/// The text fields of the add/edit item form, as Riff fills them (§4.1
/// "Add/edit form fields"); the pictures go beside them as file parts.
/// Shipping rows are not sent yet: their fields are per region, and V&R's
/// values for them are not recorded anywhere Riff could check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemForm {
    /// The brand; V&R's field name, not a person's name.
    pub recipient_name: String,
    pub model_name: String,
    pub year: String,
    pub decade: String,
    pub finish_color: String,
    /// HTML.
    pub item_desc: String,
    pub price: String,
    /// Riff's SKU; it comes back as the export's `external id`.
    pub external_id: String,
    pub categ_level_0: String,
    pub categ_level_1: String,
    pub available_for_shipment: String,
    pub show_vat: String,
    /// How long the shop takes to send the item: a number, with its unit
    /// in `hours_days_sel` (`Days`).
    pub processing_time: String,
    pub hours_days_sel: String,
    /// The YouTube video's address.
    pub youtube_upload: String,
    /// Scraped from the form page's hidden input and sent back.
    pub unique_id: String,
    /// Scraped from the form page's hidden input and sent back.
    pub version: String,
}

impl ItemForm {
    /// Every field under its form name, in the page's order, for the
    /// multipart body.
    pub fn fields(&self) -> [(&'static str, &str); 17] {
        [
            ("recipient_name", &self.recipient_name),
            ("model_name", &self.model_name),
            ("year", &self.year),
            ("decade", &self.decade),
            ("finish_color", &self.finish_color),
            ("item_desc", &self.item_desc),
            ("price", &self.price),
            ("external_id", &self.external_id),
            ("categ_level_0", &self.categ_level_0),
            ("categ_level_1", &self.categ_level_1),
            ("available_for_shipment", &self.available_for_shipment),
            ("show_vat", &self.show_vat),
            ("processing_time", &self.processing_time),
            ("hours_days_sel", &self.hours_days_sel),
            ("youtube_upload", &self.youtube_upload),
            ("unique_id", &self.unique_id),
            ("version", &self.version),
        ]
    }

    /// Sets the field named `name`, as a form post names it; `false` for a
    /// name Riff does not fill (the page has more inputs than Riff sends).
    pub fn set(&mut self, name: &str, value: String) -> bool {
        let field = match name {
            "recipient_name" => &mut self.recipient_name,
            "model_name" => &mut self.model_name,
            "year" => &mut self.year,
            "decade" => &mut self.decade,
            "finish_color" => &mut self.finish_color,
            "item_desc" => &mut self.item_desc,
            "price" => &mut self.price,
            "external_id" => &mut self.external_id,
            "categ_level_0" => &mut self.categ_level_0,
            "categ_level_1" => &mut self.categ_level_1,
            "available_for_shipment" => &mut self.available_for_shipment,
            "show_vat" => &mut self.show_vat,
            "processing_time" => &mut self.processing_time,
            "hours_days_sel" => &mut self.hours_days_sel,
            "youtube_upload" => &mut self.youtube_upload,
            "unique_id" => &mut self.unique_id,
            "version" => &mut self.version,
            _ => return false,
        };
        *field = value;
        true
    }
}

/// The body of every AJAX call on one item (§4.1 "AJAX endpoints").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductIdForm {
    pub product_id: String,
}

/// The body of `/ajax/check_brand_exists` (§4.1 "AJAX endpoints"): V&R
/// answers the brand's id, or `0` for a brand it does not know.
#[derive(Debug, Serialize, Deserialize)]
pub struct BrandForm {
    pub brand_name: String,
}

/// The value of the hidden input named `name` in a form page, as V&R
/// renders it: `<input type="hidden" name="…" value="…">`.
pub fn hidden_input(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let rest = &html[at..];
    let end = rest.find('>')?;
    let tag = &rest[..end];
    let value = tag.split("value=\"").nth(1)?;
    Some(value.split('"').next()?.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample of §4.2, trailing unnamed column included.
    const SAMPLE: &str = "brand name,category name,product id,external id,product model name,product price,product price notax,product description,product year,product sold,product finish,product in collective,product in inventory,product in reseller,collective discount,free shipping,buy now,show vat,decade,product order,local pickup,available for shipment,processing time,offer discount,image url,video url,external link,
Fender,Guitars>Electric solid body,123456,RIFF-10000123,Stratocaster,24999,20832.5,\"<p>Original finish</p>\",1962,no,Sunburst,no,yes,no,0,no,yes,yes,60s,0,no,yes,3 Days,0,https://x/1.jpg|https://x/2.jpg,,,
Gibson,Guitars>Electric solid body,123457,RIFF-10000124,Les Paul,1200,1000,\"<p>…</p>\",1978,yes,Cherry,no,yes,no,0,no,yes,yes,70s,0,no,yes,1 Weeks,0,https://x/a.jpg,,,
";

    #[test]
    fn a_well_formed_export_reads_every_row_with_its_sku_and_sold_flag() {
        let rows = parse_export(SAMPLE).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].product_id, "123456");
        assert_eq!(rows[0].sku(), Some("RIFF-10000123"));
        assert_eq!(rows[0].brand_name, "Fender");
        assert_eq!(rows[0].product_price, "24999");
        assert!(!rows[0].is_sold());
        assert!(rows[1].is_sold());
        assert_eq!(rows[1].product_model_name, "Les Paul");
    }

    #[test]
    fn quoted_fields_keep_their_commas_quotes_and_non_ascii_text() {
        let row = ExportRow {
            brand_name: "Höfner".into(),
            product_id: "1".into(),
            external_id: "RIFF-1".into(),
            product_model_name: "500/1 \"Beatle\" Bass, 1963".into(),
            product_description: "<p>Ça sonne, \"vraiment\" bien — 日本</p>\nline two".into(),
            product_sold: "no".into(),
            ..ExportRow::default()
        };
        let text = write_export(std::slice::from_ref(&row)).unwrap();
        assert_eq!(parse_export(&text).unwrap(), vec![row]);
    }

    #[test]
    fn an_empty_export_has_no_rows() {
        let text = write_export(&[]).unwrap();
        assert_eq!(parse_export(&text).unwrap(), Vec::new());
    }

    #[test]
    fn a_truncated_row_is_a_protocol_error() {
        let cut = SAMPLE.rfind(",1978,").unwrap();
        assert!(matches!(
            parse_export(&SAMPLE[..cut]),
            Err(PortError::Protocol(_))
        ));
    }

    #[test]
    fn a_page_that_is_not_an_export_is_a_protocol_error() {
        for body in ["<html><body>Please log in</body></html>", "", "a,b\n1,2\n"] {
            assert!(
                matches!(parse_export(body), Err(PortError::Protocol(_))),
                "{body:?}"
            );
        }
    }

    #[test]
    fn every_item_form_field_reads_back_under_its_own_name() {
        let mut form = ItemForm::default();
        for (n, (name, _)) in ItemForm::default().fields().iter().enumerate() {
            assert!(form.set(name, format!("value {n}")), "{name}");
        }
        for (n, (name, value)) in form.fields().iter().enumerate() {
            assert_eq!(*value, format!("value {n}"), "{name}");
        }
        assert!(!form.set("shipping_fees_fee[]", "10".into()));
    }

    #[test]
    fn picture_inputs_are_numbered_from_one_to_twenty() {
        assert_eq!(picture_field(1), "upload_file_box_1");
        assert_eq!(picture_number("upload_file_box_20"), Some(20));
        for name in [
            "upload_file_box_0",
            "upload_file_box_21",
            "upload_file_box_x",
            "price",
        ] {
            assert_eq!(picture_number(name), None, "{name}");
        }
    }

    #[test]
    fn hidden_inputs_are_read_from_the_form_page() {
        let html = r#"<form><input type="hidden" name="unique_id" value="u-42"><input name="version" value="7" type="hidden"></form>"#;
        assert_eq!(hidden_input(html, "unique_id").as_deref(), Some("u-42"));
        assert_eq!(hidden_input(html, "version").as_deref(), Some("7"));
        assert_eq!(hidden_input(html, "missing"), None);
    }
}
