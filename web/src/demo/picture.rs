//! A picture for each demo item, drawn in-process: the marketplaces want
//! pictures, and the demo downloads nothing.
//!
//! Each is a small PNG — a body shape on a background, in colours taken
//! from the item's SKU and category — written with the zlib stream and
//! CRC-32 that flate2 already provides, rather than an image crate for one
//! flat drawing.

use std::io::Write;

use flate2::write::ZlibEncoder;
use flate2::{Compression, Crc};

const WIDTH: u32 = 480;
const HEIGHT: u32 = 360;

/// A PNG of `WIDTH` × `HEIGHT` for the item `sku` of `category`.
pub fn picture(sku: &str, category: &str) -> Vec<u8> {
    let background = colour(category, 0x30);
    let body = colour(sku, 0x90);
    let (cx, cy) = (f64::from(WIDTH) / 2.0, f64::from(HEIGHT) / 2.0);
    let mut raw = Vec::with_capacity(((WIDTH * 3 + 1) * HEIGHT) as usize);
    for y in 0..HEIGHT {
        // Each row starts with its filter type: none.
        raw.push(0);
        for x in 0..WIDTH {
            let (dx, dy) = (f64::from(x) - cx, f64::from(y) - cy);
            // Two overlapping ellipses: an instrument's body, more or less.
            let lower = (dx / 120.0).powi(2) + ((dy - 40.0) / 100.0).powi(2) <= 1.0;
            let upper = (dx / 90.0).powi(2) + ((dy + 60.0) / 70.0).powi(2) <= 1.0;
            let neck = dx.abs() < 12.0 && dy < -100.0;
            let pixel = if lower || upper || neck {
                body
            } else {
                background
            };
            raw.extend_from_slice(&pixel);
        }
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&WIDTH.to_be_bytes());
    header.extend_from_slice(&HEIGHT.to_be_bytes());
    // 8 bits per channel, RGB, deflate, no filter choice, no interlace.
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &header);
    let mut deflate = ZlibEncoder::new(Vec::new(), Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = deflate.write_all(&raw);
    chunk(&mut png, b"IDAT", &deflate.finish().unwrap_or_default());
    chunk(&mut png, b"IEND", &[]);
    png
}

/// A PNG chunk: length, type, data, and the CRC-32 of type and data.
fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let length = u32::try_from(data.len()).unwrap_or(u32::MAX);
    png.extend_from_slice(&length.to_be_bytes());
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    let mut crc = Crc::new();
    crc.update(kind);
    crc.update(data);
    png.extend_from_slice(&crc.sum().to_be_bytes());
}

/// A colour of `text`, no channel darker than `floor`.
fn colour(text: &str, floor: u8) -> [u8; 3] {
    let mut crc = Crc::new();
    crc.update(text.as_bytes());
    let [r, g, b, _] = crc.sum().to_be_bytes();
    let lift = |c: u8| floor.saturating_add(c % (255 - floor));
    [lift(r), lift(g), lift(b)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picture_is_a_png_that_riff_takes_and_differs_per_item() {
        let strat = picture("DEMO-STRAT", "Electric Guitars");
        assert!(strat.starts_with(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
        assert!(
            strat.ends_with(b"IEND\xaeB`\x82"),
            "IEND with its fixed CRC"
        );
        assert!(crate::media::check_image(&strat).is_ok());
        assert_ne!(strat, picture("DEMO-LP", "Electric Guitars"));
        assert!(strat.len() < 64 * 1024, "{} bytes", strat.len());
    }
}
