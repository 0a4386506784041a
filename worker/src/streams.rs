//! Byte streams: a JavaScript `ReadableStream` read from Rust, and a Rust stream handed to
//! JavaScript as a `ReadableStream`.

use std::cell::RefCell;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures_core::{Stream, TryStream};
use js_sys::{Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{ReadableStream, ReadableStreamDefaultReader};

use crate::{Error, ErrorKind, Result, js, runtime};

/// A stream of byte chunks read from a JavaScript `ReadableStream`, such as a request body.
///
/// Dropping it before the end cancels the underlying stream.
pub struct ByteStream {
    reader: ReadableStreamDefaultReader,
    pending: Option<crate::promise::PromiseFuture>,
    finished: bool,
}

impl ByteStream {
    /// Starts reading `stream`.
    ///
    /// # Errors
    ///
    /// Fails when the stream is already locked to another reader.
    pub fn new(stream: &ReadableStream) -> Result<Self> {
        let reader = stream.get_reader();
        if reader.is_undefined() {
            return Err(Error::new(
                ErrorKind::Body,
                "the stream is locked to another reader",
            ));
        }
        Ok(ByteStream {
            reader: reader.unchecked_into(),
            pending: None,
            finished: false,
        })
    }
}

impl Stream for ByteStream {
    type Item = Result<Vec<u8>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.finished {
            return Poll::Ready(None);
        }
        let this = &mut *self;
        let pending = this
            .pending
            .get_or_insert_with(|| crate::promise::PromiseFuture::new(this.reader.read()));
        let result = match Pin::new(pending).poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(result) => result,
        };
        this.pending = None;
        let chunk = match result {
            Ok(chunk) => chunk,
            Err(thrown) => {
                this.finished = true;
                return Poll::Ready(Some(Err(Error::new(
                    ErrorKind::Body,
                    "reading the stream failed",
                )
                .with_js(thrown))));
            }
        };
        if js::property(&chunk, "done").is_truthy() {
            this.finished = true;
            return Poll::Ready(None);
        }
        Poll::Ready(Some(Ok(js::to_bytes(&js::property(&chunk, "value")))))
    }
}

impl Drop for ByteStream {
    fn drop(&mut self) {
        if !self.finished {
            // The returned promise only reports whether the cancel reached the source.
            let _ = self.reader.cancel();
        }
    }
}

/// Reads a whole stream into memory.
pub(crate) async fn read_all(stream: &ReadableStream) -> Result<Vec<u8>> {
    let mut chunks = ByteStream::new(stream)?;
    let mut bytes = Vec::new();
    while let Some(chunk) = poll_fn(|cx| Pin::new(&mut chunks).poll_next(cx)).await {
        bytes.extend_from_slice(&chunk?);
    }
    Ok(bytes)
}

type SharedStream = Rc<RefCell<Option<Pin<Box<dyn Stream<Item = Result<Vec<u8>>>>>>>>;

/// Exposes a Rust stream of byte chunks as a JavaScript `ReadableStream`.
///
/// Each chunk is copied out of wasm memory once, when the runtime pulls it. An `Err` from the
/// stream errors the `ReadableStream`, so the client sees a broken body rather than a short one.
pub(crate) fn to_readable_stream<S>(stream: S) -> Result<ReadableStream>
where
    S: TryStream + 'static,
    S::Ok: Into<Vec<u8>>,
    S::Error: Into<Error>,
{
    let stream = TryChunks(stream, runtime::LivePin::new());
    let shared: SharedStream = Rc::new(RefCell::new(Some(Box::pin(stream))));
    let source = Object::new();
    let pulled = shared.clone();
    let pull = Closure::<dyn FnMut(JsValue) -> Promise>::new(move |controller: JsValue| {
        pull_chunk(pulled.clone(), controller.unchecked_into())
    });
    let cancel = Closure::<dyn FnMut(JsValue)>::new(move |_reason: JsValue| {
        shared.borrow_mut().take();
    });
    js::set_property(&source, "pull", &pull.into_js_value());
    js::set_property(&source, "cancel", &cancel.into_js_value());
    let strategy = web_sys::QueuingStrategy::new();
    strategy.set_high_water_mark(CHUNKS_AHEAD);
    ReadableStream::new_with_underlying_source_and_strategy(&source, &strategy)
        .map_err(|thrown| Error::js("creating a ReadableStream failed", thrown))
}

/// Chunks a pull may enqueue before the consumer reads them: enough that one pull moves several
/// ready chunks, as each pull costs a promise and a task.
const CHUNKS_AHEAD: f64 = 16.0;

/// Handles one `pull`: waits for the next chunk, then enqueues every further chunk that is
/// ready at once, as long as the stream's queue has room.
fn pull_chunk(stream: SharedStream, controller: StreamController) -> Promise {
    let task = async move {
        let poll_next = |cx: &mut Context<'_>| match stream.borrow_mut().as_mut() {
            Some(stream) => stream.as_mut().poll_next(cx),
            None => Poll::Ready(None),
        };
        let mut next = poll_fn(poll_next).await;
        loop {
            // The controller throws only when the consumer already cancelled the stream, and
            // then no reader is left for the chunk or the error.
            let _ = match next {
                Some(Ok(bytes)) => controller.enqueue(&js::to_uint8_array(&bytes)),
                Some(Err(error)) => {
                    stream.borrow_mut().take();
                    let _ = controller.error(&error.into_js());
                    break;
                }
                None => {
                    stream.borrow_mut().take();
                    let _ = controller.close();
                    break;
                }
            };
            if controller.desired_size().is_none_or(|room| room <= 0.0) {
                break;
            }
            // Without waiting: a chunk that is not ready yet is left to the next pull.
            match poll_fn(|cx| Poll::Ready(poll_next(cx))).await {
                Poll::Ready(chunk) => next = chunk,
                Poll::Pending => break,
            }
        }
        Ok(JsValue::UNDEFINED)
    };
    runtime::spawn_promise(task, crate::context::reject_on_trap)
}

/// Adapts a `TryStream` into a stream of `Result<Vec<u8>>`. The pin keeps the instance alive
/// until the stream is dropped: at its end, on an error, or when the reader cancels it.
struct TryChunks<S>(S, runtime::LivePin);

impl<S> Stream for TryChunks<S>
where
    S: TryStream,
    S::Ok: Into<Vec<u8>>,
    S::Error: Into<Error>,
{
    type Item = Result<Vec<u8>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // SAFETY: `TryChunks` is a transparent wrapper that never moves its field out.
        let inner = unsafe { self.map_unchecked_mut(|chunks| &mut chunks.0) };
        match inner.try_poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => Poll::Ready(Some(Ok(chunk.into()))),
            Poll::Ready(Some(Err(error))) => Poll::Ready(Some(Err(error.into()))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

#[wasm_bindgen]
extern "C" {
    /// `ReadableStreamDefaultController`, called by name.
    type StreamController;
    #[wasm_bindgen(method, catch)]
    fn enqueue(this: &StreamController, chunk: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch)]
    fn close(this: &StreamController) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch)]
    fn error(this: &StreamController, reason: &JsValue) -> Result<(), JsValue>;
    /// Room left in the queue, in chunks; `null` once the stream errored.
    #[wasm_bindgen(method, getter, js_name = desiredSize)]
    fn desired_size(this: &StreamController) -> Option<f64>;
}

/// A Rust stream of byte chunks with a length known in advance, for R2 puts and multipart
/// parts, which accept a stream only when its length is known.
///
/// The runtime checks the length: a stream that ends early or runs long fails the upload with
/// the runtime's error, and nothing is stored.
///
/// ```no_run
/// use futures_util::stream;
/// use worker::{Data, FixedLengthStream};
///
/// # async fn run(bucket: worker::Bucket) -> worker::Result<()> {
/// let chunks = (0..4).map(|_| Ok(vec![0_u8; 1024]));
/// let stream = FixedLengthStream::wrap(stream::iter(chunks), 4096);
/// bucket.put("zeros.bin", Data::Stream(stream)).execute().await?;
/// # Ok(())
/// # }
/// ```
pub struct FixedLengthStream {
    length: u64,
    inner: Pin<Box<dyn Stream<Item = Result<Vec<u8>>>>>,
}

impl FixedLengthStream {
    /// Wraps `stream`, which must produce exactly `length` bytes.
    pub fn wrap(stream: impl Stream<Item = Result<Vec<u8>>> + 'static, length: u64) -> Self {
        FixedLengthStream {
            length,
            inner: Box::pin(stream),
        }
    }

    /// Returns the length the stream was declared with.
    pub fn length(&self) -> u64 {
        self.length
    }

    /// Exposes the stream as the readable half of the runtime's `FixedLengthStream`, which
    /// gives R2 the length and enforces it.
    pub(crate) fn into_readable_stream(self) -> Result<ReadableStream> {
        let length = self.length;
        let source = to_readable_stream(self.inner)?;
        let fixed = JsFixedLengthStream::new(&js_sys::BigInt::from(length).into())
            .map_err(|thrown| Error::js("creating a FixedLengthStream failed", thrown))?;
        source
            .unchecked_ref::<ReadableStreamExt>()
            .pipe_through(&fixed)
            .map_err(|thrown| Error::js("piping into a FixedLengthStream failed", thrown))
    }
}

impl std::fmt::Debug for FixedLengthStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FixedLengthStream")
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

#[wasm_bindgen]
extern "C" {
    /// The runtime's `FixedLengthStream`, a `TransformStream` that declares its length.
    #[wasm_bindgen(js_name = FixedLengthStream)]
    type JsFixedLengthStream;
    #[wasm_bindgen(constructor, catch, js_class = FixedLengthStream)]
    fn new(length: &JsValue) -> Result<JsFixedLengthStream, JsValue>;

    #[wasm_bindgen(extends = ReadableStream)]
    type ReadableStreamExt;
    #[wasm_bindgen(method, catch, js_name = pipeThrough)]
    fn pipe_through(
        this: &ReadableStreamExt,
        transform: &JsFixedLengthStream,
    ) -> Result<ReadableStream, JsValue>;
}
