//! The engine's [`Dispatch`] for Python handlers: each call is queued for whoever runs its
//! method, the Python worker threads for plain methods and the asyncio loop for `async def`
//! ones. It runs on an IO thread, so it never touches the GIL, unless the server has no
//! worker threads: then plain methods are answered right here ([`inline`]).

use std::sync::Arc;

use pyo3::Py;
use thrifthive_rpc::{Dispatch, Request, Responder};

use super::inline;
use super::loop_queue::LoopQueue;
use super::queue::{Job, Queue};
use super::router::Router;

/// Who answers calls of plain (not `async def`) methods.
pub(crate) enum Plain {
    /// The Python worker threads, through their queue.
    Workers(Arc<Queue>),
    /// The IO thread that read the call (`handler_threads=0`).
    Inline,
}

pub(crate) struct ServerDispatch {
    pub plain: Plain,
    pub asyncio: Arc<LoopQueue>,
    pub router: Py<Router>,
}

impl Dispatch for ServerDispatch {
    fn dispatch(&self, request: Request, reply: Responder) {
        let is_async = self
            .router
            .get()
            .is_async(request.message.header.name.as_str());
        let job = Job { request, reply };
        match &self.plain {
            _ if is_async => self.asyncio.push(job),
            Plain::Workers(queue) => queue.push(job),
            Plain::Inline => inline::answer(&self.router, job),
        }
    }
}
