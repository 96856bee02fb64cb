//! A counting global allocator: how much memory a read holds at its peak,
//! on its own thread. Included by the tests that measure memory (it
//! replaces the test binary's allocator):
//!
//! ```ignore
//! #[path = "read_support/counting.rs"]
//! mod counting;
//! ```

#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use sheets::read::{read_workbook, ReadError, Workbook};
use sheets::Limits;

struct Counting;

thread_local! {
    static CURRENT: Cell<i64> = const { Cell::new(0) };
    static PEAK: Cell<i64> = const { Cell::new(0) };
}

fn track(delta: i64) {
    let _ = CURRENT.try_with(|current| {
        let now = current.get() + delta;
        current.set(now);
        let _ = PEAK.try_with(|peak| {
            if now > peak.get() {
                peak.set(now);
            }
        });
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            track(layout.size() as i64);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        track(-(layout.size() as i64));
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(pointer, layout, new_size) };
        if !new.is_null() {
            track(new_size as i64 - layout.size() as i64);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

pub const MIB: i64 = 1024 * 1024;

/// Runs `f`, returning its result and the most memory it held at once.
pub fn peak_of<R>(f: impl FnOnce() -> R) -> (R, i64) {
    let start = CURRENT.with(Cell::get);
    PEAK.with(|peak| peak.set(start));
    let result = f();
    let peak = PEAK.with(Cell::get) - start;
    (result, peak)
}

/// Reads `bytes` called `name` with `limits` (and the default sheet),
/// returning the answer and the read's peak memory.
pub fn read_measured(
    bytes: &[u8],
    name: &str,
    limits: &Limits,
) -> (Result<Workbook, ReadError>, i64) {
    peak_of(|| read_workbook(bytes, name, None, limits))
}
