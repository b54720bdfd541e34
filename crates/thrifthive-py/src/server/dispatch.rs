//! The engine's [`Dispatch`] for Python handlers: each call is queued for whoever runs its
//! method, the Python worker threads for plain methods and the asyncio loop for `async def`
//! ones. It runs on an IO thread, so it never touches the GIL.

use std::sync::Arc;

use pyo3::Py;
use thrifthive_rpc::{Dispatch, Request, Responder};

use super::loop_queue::LoopQueue;
use super::queue::{Job, Queue};
use super::router::Router;

pub(crate) struct ServerDispatch {
    pub workers: Arc<Queue>,
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
        if is_async {
            self.asyncio.push(job);
        } else {
            self.workers.push(job);
        }
    }
}
