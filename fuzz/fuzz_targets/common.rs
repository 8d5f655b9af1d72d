//! Shared by the fuzz targets: check a capture from bytes, then render the report in every
//! format and hold the renderers to their promises.

use errlint::cli::OutputFormat;
use errlint::diagnostic::Report;
use errlint::render::{RenderConfig, renderer};

/// Renders `report` in every format; machine formats must parse back, and nothing meant for
/// a terminal may carry an escape character from the capture. Returns every output, joined.
pub fn render_everything(report: &Report) -> String {
    let mut all = String::new();
    for format in OutputFormat::ALL {
        for color in [false, true] {
            let mut out = Vec::new();
            renderer(format)
                .render(
                    report,
                    &RenderConfig {
                        color,
                        quiet: false,
                    },
                    &mut out,
                )
                .expect("rendering to memory cannot fail");
            let text = String::from_utf8(out).expect("reports are UTF-8");
            match format {
                OutputFormat::Json | OutputFormat::Sarif | OutputFormat::Gitlab => {
                    serde_json::from_str::<serde_json::Value>(&text)
                        .expect("machine formats are valid JSON");
                }
                _ if !color => assert!(
                    !text.contains('\u{1b}'),
                    "an escape character reached {format:?}"
                ),
                _ => {}
            }
            all.push_str(&text);
        }
    }
    all
}
