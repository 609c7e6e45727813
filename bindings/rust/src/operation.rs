//! Futures over the library's `_async` calls.

use std::ffi::{c_char, c_int, c_void};
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::ptr::{self, NonNull};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use crate::callback::{report_to, ProgressFn, ProgressSlot};
use crate::client::Client;
use crate::error::{Error, LibraryError, Result};
use crate::sys;
use crate::types::{DownloadResult, ExportResult, Links};
use crate::util::{copy_string, panic_message};

/// The state that the callbacks of one operation share with its future. C
/// owns one strong count through `user_data` from the start until the
/// release callback.
pub(crate) struct Shared<T> {
    progress: Mutex<ProgressSlot<'static>>,
    state: Mutex<State<T>>,
}

struct State<T> {
    outcome: Option<Result<T>>,
    released: bool,
    waker: Option<Waker>,
}

fn lock<U>(mutex: &Mutex<U>) -> MutexGuard<'_, U> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl<T> Shared<T> {
    /// Records the outcome. `convert` copies the result handle. It runs
    /// also when the progress closure panicked, but the panic then decides
    /// the outcome.
    fn complete(&self, status: c_int, error: *const sys::gioexport_error, convert: impl FnOnce() -> Result<T>) {
        let converted = catch_unwind(AssertUnwindSafe(|| {
            if status == sys::GIOEXPORT_OK {
                convert()
            } else {
                // SAFETY: the error is borrowed and valid during the callback.
                Err(Error::Library(unsafe { LibraryError::copy_from(error) }))
            }
        }));
        let outcome = match (lock(&self.progress).take_panic(), converted) {
            (Some(message), _) => Err(Error::CallbackPanicked(message)),
            (None, Ok(outcome)) => outcome,
            (None, Err(payload)) => Err(Error::CallbackPanicked(panic_message(payload.as_ref()))),
        };
        lock(&self.state).outcome = Some(outcome);
    }

    /// Marks the end and wakes the future.
    fn release(&self) {
        let waker = {
            let mut state = lock(&self.state);
            state.released = true;
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// Runs a callback body. A panic inside it is dropped here, because it
/// must not unwind into C.
fn guarded(body: impl FnOnce()) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(body)) {
        let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
    }
}

/// # Safety
/// `user_data` must be the pointer made by `Arc::into_raw` in
/// [`Operation::start`], not yet released.
unsafe fn shared<'a, T>(user_data: *mut c_void) -> &'a Shared<T> {
    &*(user_data as *const Shared<T>)
}

unsafe extern "C" fn progress_callback<T>(user_data: *mut c_void, progress: *const sys::gioexport_progress) -> c_int {
    report_to(&shared::<T>(user_data).progress, progress)
}

unsafe extern "C" fn release_callback<T>(user_data: *mut c_void) {
    guarded(|| {
        // SAFETY: the release callback is the last use of user_data, so the
        // strong count that C held is given back here.
        let shared = Arc::from_raw(user_data as *const Shared<T>);
        shared.release();
        drop(shared);
    });
}

unsafe extern "C" fn token_complete(
    user_data: *mut c_void,
    status: c_int,
    token: *mut c_char,
    error: *const sys::gioexport_error,
) {
    guarded(|| {
        let owned = Owned(token, sys::gioexport_string_free);
        shared::<String>(user_data).complete(status, error, || Ok(copy_string(owned.0)));
    });
}

unsafe extern "C" fn links_complete(
    user_data: *mut c_void,
    status: c_int,
    links: *mut sys::gioexport_links,
    error: *const sys::gioexport_error,
) {
    guarded(|| {
        let owned = Owned(links, sys::gioexport_links_free);
        shared::<Links>(user_data).complete(status, error, || Links::copy_from(owned.0));
    });
}

unsafe extern "C" fn download_complete(
    user_data: *mut c_void,
    status: c_int,
    result: *mut sys::gioexport_download_result,
    error: *const sys::gioexport_error,
) {
    guarded(|| {
        let owned = Owned(result, sys::gioexport_download_result_free);
        shared::<DownloadResult>(user_data).complete(status, error, || Ok(DownloadResult::copy_from(owned.0)));
    });
}

unsafe extern "C" fn export_complete(
    user_data: *mut c_void,
    status: c_int,
    result: *mut sys::gioexport_export_result,
    error: *const sys::gioexport_error,
) {
    guarded(|| {
        let owned = Owned(result, sys::gioexport_export_result_free);
        shared::<ExportResult>(user_data).complete(status, error, || ExportResult::copy_from(owned.0));
    });
}

/// A handle that the library handed over, freed with its own function when
/// this guard drops. The free functions accept NULL.
pub(crate) struct Owned<T>(pub(crate) *mut T, pub(crate) unsafe extern "C" fn(*mut T));

impl<T> Drop for Owned<T> {
    fn drop(&mut self) {
        // SAFETY: the pointer is NULL or owned by this guard.
        unsafe { (self.1)(self.0) }
    }
}

/// The callbacks of one kind of operation, passed to its `_async` function.
pub(crate) struct Callbacks<C> {
    pub(crate) progress: sys::gioexport_progress_fn,
    pub(crate) complete: C,
    pub(crate) release: sys::gioexport_release_fn,
}

/// Connects a result type to the completion callback that produces it.
pub(crate) trait Completion: Sized + Send + 'static {
    type Fn;
    fn complete_fn() -> Self::Fn;
}

impl Completion for String {
    type Fn = sys::gioexport_token_complete_fn;
    fn complete_fn() -> Self::Fn {
        Some(token_complete)
    }
}

impl Completion for Links {
    type Fn = sys::gioexport_links_complete_fn;
    fn complete_fn() -> Self::Fn {
        Some(links_complete)
    }
}

impl Completion for DownloadResult {
    type Fn = sys::gioexport_download_complete_fn;
    fn complete_fn() -> Self::Fn {
        Some(download_complete)
    }
}

impl Completion for ExportResult {
    type Fn = sys::gioexport_export_complete_fn;
    fn complete_fn() -> Self::Fn {
        Some(export_complete)
    }
}

/// An operation in flight in the library, as a future of its result.
///
/// The library's I/O threads run the work and call back. The completion
/// callback stores the result, and the release callback, the library's last
/// use of the operation's data, wakes the task. The future needs no
/// particular async runtime.
///
/// Dropping the future before it is ready cancels the operation: a
/// cancelled download leaves only its `.part` file. The progress closure
/// may still be called until the library reaches its next suspension point.
#[must_use = "an operation is cancelled when its future is dropped"]
pub struct Operation<T> {
    inner: Inner<T>,
}

enum Inner<T> {
    Running {
        shared: Arc<Shared<T>>,
        handle: Handle,
        // Keeps the client, and so its runtime, alive while the future is.
        _client: Client,
    },
    Failed(Option<Error>),
    Finished,
}

/// The caller's handle of an operation, freed on drop. Freeing it does not
/// stop the operation: its callbacks still come and give back C's count of
/// the shared state.
struct Handle(NonNull<sys::gioexport_operation>);

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the handle is owned by this guard.
        unsafe { sys::gioexport_operation_free(self.0.as_ptr()) }
    }
}

// SAFETY: the library allows gioexport_operation_cancel and
// gioexport_operation_free from any thread, and the shared state is behind
// mutexes.
unsafe impl<T: Send> Send for Operation<T> {}
unsafe impl<T: Send> Sync for Operation<T> {}

impl<T> Operation<T> {
    /// Starts an operation. `start` calls the `_async` function with the
    /// callbacks, `user_data` and `out_error`.
    pub(crate) fn start(
        client: &Client,
        progress: Option<Box<ProgressFn<'static>>>,
        start: impl FnOnce(Callbacks<T::Fn>, *mut c_void, *mut *mut sys::gioexport_error) -> *mut sys::gioexport_operation,
    ) -> Operation<T>
    where
        T: Completion,
    {
        let callbacks = Callbacks {
            progress: if progress.is_some() {
                Some(progress_callback::<T> as _)
            } else {
                None
            },
            complete: T::complete_fn(),
            release: Some(release_callback::<T> as _),
        };
        let shared = Arc::new(Shared {
            progress: Mutex::new(ProgressSlot::new(progress)),
            state: Mutex::new(State {
                outcome: None,
                released: false,
                waker: None,
            }),
        });
        let user_data = Arc::into_raw(Arc::clone(&shared)) as *mut c_void;
        let mut error = ptr::null_mut();
        let handle = start(callbacks, user_data, &mut error);
        match NonNull::new(handle) {
            Some(handle) => Operation {
                inner: Inner::Running {
                    shared,
                    handle: Handle(handle),
                    _client: client.clone(),
                },
            },
            None => {
                // SAFETY: a failed start calls no callback, so the count
                // given to C comes back here, and the error is ours.
                unsafe { drop(Arc::from_raw(user_data as *const Shared<T>)) };
                let error = unsafe { LibraryError::take(error) };
                Operation::failed(Error::Library(error))
            }
        }
    }

    /// Creates a future that is ready at once with `error`.
    pub(crate) fn failed(error: Error) -> Operation<T> {
        Operation {
            inner: Inner::Failed(Some(error)),
        }
    }

    /// Requests cancellation and returns at once. The future then resolves
    /// to an error of code [`crate::Code::CANCELLED`], or to the normal
    /// result when the operation had already finished.
    pub fn cancel(&self) {
        if let Inner::Running { handle, .. } = &self.inner {
            // SAFETY: the handle is live until this future drops.
            unsafe { sys::gioexport_operation_cancel(handle.0.as_ptr()) };
        }
    }
}

impl<T> Future for Operation<T> {
    type Output = Result<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        let this = self.get_mut();
        let outcome = match &mut this.inner {
            Inner::Failed(error) => Err(error.take().expect("gioexport::Operation polled after it was ready")),
            Inner::Finished => panic!("gioexport::Operation polled after it was ready"),
            Inner::Running { shared, .. } => {
                let mut state = lock(&shared.state);
                if !state.released {
                    if !state.waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                        state.waker = Some(cx.waker().clone());
                    }
                    return Poll::Pending;
                }
                state
                    .outcome
                    .take()
                    .expect("the library released an operation without completing it")
            }
        };
        this.inner = Inner::Finished;
        Poll::Ready(outcome)
    }
}

impl<T> Drop for Operation<T> {
    fn drop(&mut self) {
        if let Inner::Running { shared, handle, .. } = &self.inner {
            if !lock(&shared.state).released {
                // SAFETY: the handle is live until the fields drop.
                unsafe { sys::gioexport_operation_cancel(handle.0.as_ptr()) };
            }
        }
    }
}
