//! Allocations that may fail. The binary's allocator turns running out of memory into exit 2;
//! code that asks for memory fallibly (`Vec::try_reserve`) marks the request, so that the
//! allocator hands back the failure instead, to be reported as the located error it is.

use std::cell::Cell;

thread_local! {
    static FALLIBLE: Cell<bool> = const { Cell::new(false) };
}

/// Run `f`, whose allocations on this thread report failure rather than end the process.
pub fn fallible<T>(f: impl FnOnce() -> T) -> T {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            FALLIBLE.set(self.0);
        }
    }
    let _reset = Reset(FALLIBLE.replace(true));
    f()
}

/// Whether an allocation on this thread now is one that may fail (see `fallible`).
pub fn allocation_may_fail() -> bool {
    FALLIBLE.get()
}
