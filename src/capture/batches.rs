//! Batches of records checked on worker threads and merged back in input order: how a
//! streamed HAR and an NDJSON stream keep every core busy while their findings still come
//! out in the order of the input. The loaders own the reading and the batching; this module
//! owns the workers and the merge.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, Sender};
use std::thread::Scope;

use super::{LoadOptions, Sink, SplitSink};

/// Records read together, to be checked on one worker.
pub trait Batch: Send {
    /// Checks every record of the batch into `sink`.
    fn run<S: Sink>(&self, options: &LoadOptions, sink: &mut S);
}

/// Starts `workers` threads in `scope`. Each takes the next numbered batch from `received`,
/// checks it into a fresh part of `sink`, hands the batch back through `spent` (when given, so
/// that its buffers are reused) and the part on through `finished`. The threads stop when the
/// batch channel closes.
pub fn spawn_workers<'scope, 'env, B, S>(
    scope: &'scope Scope<'scope, 'env>,
    workers: usize,
    received: &'env Mutex<Receiver<(usize, B)>>,
    finished: &Sender<(usize, S)>,
    spent: Option<&Sender<B>>,
    sink: &S,
    options: &'env LoadOptions,
) where
    B: Batch + 'scope,
    S: SplitSink + 'scope,
{
    for _ in 0..workers {
        let finished = finished.clone();
        let spent = spent.cloned();
        let blank = sink.part();
        scope.spawn(move || {
            loop {
                // Hold the lock only to take the next batch, never while checking.
                let next = received
                    .lock()
                    .map_err(|_| ())
                    .and_then(|r| r.recv().map_err(|_| ()));
                let Ok((number, batch)) = next else { break };
                let mut part = blank.part();
                batch.run(options, &mut part);
                if let Some(spent) = &spent {
                    // The reader may have finished and gone: the batch is then dropped.
                    let _ = spent.send(batch);
                }
                part.shrink();
                // The receiver lives until every worker is done.
                let _ = finished.send((number, part));
            }
        });
    }
}

/// Finished parts, which arrive in any order, absorbed into the sink in batch order as soon
/// as every earlier one is in.
pub struct InOrder<S> {
    waiting: BTreeMap<usize, S>,
    next: usize,
}

impl<S: SplitSink> InOrder<S> {
    pub fn new() -> Self {
        Self {
            waiting: BTreeMap::new(),
            next: 0,
        }
    }

    /// Takes part `number` and absorbs every part that can now go in order.
    pub fn add(&mut self, sink: &mut S, (number, part): (usize, S)) {
        self.waiting.insert(number, part);
        while let Some(part) = self.waiting.remove(&self.next) {
            sink.absorb(part);
            self.next += 1;
        }
    }
}
