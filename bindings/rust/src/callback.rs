//! The progress closure behind a C progress callback, and the guard that
//! keeps panics from unwinding into C.

use std::ffi::{c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;

use crate::sys;
use crate::types::Progress;
use crate::util::panic_message;

/// The type of a progress closure: it returns `true` to go on and `false`
/// to cancel the operation.
pub(crate) type ProgressFn<'a> = dyn FnMut(&Progress<'_>) -> bool + Send + 'a;

/// A progress closure and what became of it. The library never makes two
/// progress calls at once for one operation; the mutex around the slot
/// makes that safe in Rust's terms as well.
pub(crate) struct ProgressSlot<'a> {
    callback: Option<Box<ProgressFn<'a>>>,
    /// Set once the closure returned `false` or panicked. From then on the
    /// closure is never called again.
    stopped: bool,
    /// The message of the closure's panic.
    panic: Option<String>,
}

impl<'a> ProgressSlot<'a> {
    pub(crate) fn new(callback: Option<Box<ProgressFn<'a>>>) -> ProgressSlot<'a> {
        ProgressSlot {
            callback,
            stopped: false,
            panic: None,
        }
    }

    /// Returns the panic message, if the closure panicked.
    pub(crate) fn take_panic(&mut self) -> Option<String> {
        self.panic.take()
    }

    /// Calls the closure and returns the verdict for C: 0 to go on, 1 to
    /// cancel. A panic is caught here and turns into 1.
    fn report(&mut self, progress: &Progress<'_>) -> c_int {
        if self.stopped {
            return 1;
        }
        let Some(callback) = self.callback.as_mut() else {
            return 0;
        };
        match catch_unwind(AssertUnwindSafe(|| callback(progress))) {
            Ok(true) => 0,
            Ok(false) => {
                self.stopped = true;
                1
            }
            Err(payload) => {
                self.stopped = true;
                self.panic = Some(panic_message(payload.as_ref()));
                // Dropping a payload can itself panic, and that must not
                // unwind into C either.
                let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
                1
            }
        }
    }
}

/// Reports progress to the slot that `user_data` points to. Any panic ends
/// here: the function returns 1, which cancels the operation.
///
/// # Safety
/// `user_data` must point to a `Mutex<ProgressSlot>` that outlives the
/// operation, and `progress` must be the library's report.
pub(crate) unsafe fn report_to(slot: &Mutex<ProgressSlot<'_>>, progress: *const sys::gioexport_progress) -> c_int {
    catch_unwind(AssertUnwindSafe(|| {
        let progress = Progress::borrow_from(progress);
        let mut slot = slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        slot.report(&progress)
    }))
    .unwrap_or(1)
}

/// The progress callback of the blocking calls. `user_data` is a
/// `Mutex<ProgressSlot>` on the caller's stack, which outlives the call
/// because the blocking call returns only after the operation has ended.
pub(crate) unsafe extern "C" fn blocking_progress(
    user_data: *mut c_void,
    progress: *const sys::gioexport_progress,
) -> c_int {
    let slot = &*(user_data as *const Mutex<ProgressSlot<'_>>);
    report_to(slot, progress)
}
