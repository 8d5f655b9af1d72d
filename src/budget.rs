//! The expansion budget: how many bytes a file may make beyond the bytes it holds.
//!
//! A capture can ask for far more data than it is made of: a gzip body inside a gzip body, a
//! YAML alias repeated a million times, a `$ref` followed from every operation, a server
//! variable whose default names another. Each of those draws on one `Budget`, created per
//! file where every file is loaded (`capture::load`, `openapi::Description::load`) and shared
//! by everything that file makes, on any thread; what is drawn is never given back, so the
//! total a file makes is capped, not each piece (docs/security.md). Past the budget the work
//! stops with `Exhausted`, which the loader reports as one finding about the file.
//!
//! A step draws the bytes it produces beyond those it consumed: decoding base64 or hex makes
//! less than it reads and draws nothing, undoing gzip draws what the inflated text adds, an
//! alias draws the whole copy it makes. So an ordinary capture of n bytes never comes near
//! the budget, and a crafted one of n bytes costs at most n plus the budget.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The default budget per file, as large as the largest body errlint decodes.
pub const DEFAULT_BUDGET: usize = 64 * 1024 * 1024;

/// Bytes a file may still make. Clones share what is left: a clone is the same budget.
#[derive(Clone, Debug)]
pub struct Budget {
    left: Arc<AtomicUsize>,
    limit: usize,
}

/// The budget ran out: `limit` is what the whole file was allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exhausted {
    pub limit: usize,
}

impl std::fmt::Display for Exhausted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the file expands past the {} of data errlint makes from one file",
            mebibytes(self.limit)
        )
    }
}

impl std::error::Error for Exhausted {}

impl Default for Budget {
    fn default() -> Self {
        Self::new(DEFAULT_BUDGET)
    }
}

impl Budget {
    /// A fresh budget of `limit` bytes.
    pub fn new(limit: usize) -> Self {
        Self {
            left: Arc::new(AtomicUsize::new(limit)),
            limit,
        }
    }

    /// What the whole file is allowed.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// What is left to draw.
    pub fn left(&self) -> usize {
        self.left.load(Ordering::Relaxed)
    }

    /// What has been drawn so far.
    pub fn spent(&self) -> usize {
        self.limit - self.left()
    }

    /// Takes `bytes`, or nothing when fewer are left (then the budget is spent: whatever
    /// asked for more must not be made, and nothing after it either).
    pub fn draw(&self, bytes: usize) -> Result<(), Exhausted> {
        let taken = self
            .left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(bytes)
            });
        match taken {
            Ok(_) => Ok(()),
            Err(_) => {
                self.left.store(0, Ordering::Relaxed);
                Err(Exhausted { limit: self.limit })
            }
        }
    }

    /// Draws what a step that read `consumed` bytes and made `produced` added.
    pub fn draw_growth(&self, consumed: usize, produced: usize) -> Result<(), Exhausted> {
        self.draw(produced.saturating_sub(consumed))
    }
}

/// `64 MiB`, or `1.5 KiB` for the small budgets tests use.
pub fn mebibytes(bytes: usize) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
    } else {
        format!("{} bytes", bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_shared_by_clones_and_never_given_back() {
        let budget = Budget::new(100);
        let clone = budget.clone();
        assert!(budget.draw(60).is_ok());
        assert_eq!(clone.left(), 40);
        assert_eq!(clone.draw(41), Err(Exhausted { limit: 100 }));
        // Once spent, even a small draw fails: what came after the refused step must not be
        // made either.
        assert!(budget.draw(1).is_err());
        assert_eq!(budget.spent(), 100);
    }

    #[test]
    fn growth_is_what_a_step_adds() {
        let budget = Budget::new(10);
        assert!(budget.draw_growth(1_000, 750).is_ok());
        assert_eq!(budget.spent(), 0);
        assert!(budget.draw_growth(5, 12).is_ok());
        assert_eq!(budget.left(), 3);
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(mebibytes(64 << 20), "64 MiB");
        assert_eq!(mebibytes(3 << 19), "1.5 MiB");
        assert_eq!(mebibytes(4096), "4096 bytes");
    }
}
