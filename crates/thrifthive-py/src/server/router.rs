//! Answering a call in Rust: find the method's route, decode the arguments, call the handler
//! method, encode its result or exception. One GIL hold, no Python frame of ours on the way.
//!
//! Thrift semantics follow Apache's `TProcessor` (see `thrifthive.server`): a declared exception
//! goes back in the result struct; a `TApplicationException` raised by the handler goes back as
//! it is; anything else becomes INTERNAL_ERROR "<type>: <message>", its traceback logged by the
//! Python side; an unknown method gets UNKNOWN_METHOD; a oneway call gets no reply; a void
//! method, or one whose handler returned None, replies with an empty result struct.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyTuple, PyType};
use thrifthive_rpc::metrics::{self, Series, Side};
use thrifthive_rpc::{ApplicationException, DispatchResult, ExceptionKind, Request};
use thrifthive_wire::{Limits, MessageHeader, MessageType};

use crate::codec::{
    self, application_exception, plan_of, DecodeStruct, EncodeMessage, EncodeResult, PlanObject,
};
use crate::errors::{codec_error, exception_name};

use super::context::RequestContexts;
use super::LOG;

/// One method of a served service, bound to its handler.
#[pyclass(module = "thrifthive._native", frozen)]
pub struct Route {
    /// This method's calls, counted for the `/metrics` page.
    series: Arc<Series>,
    /// The name replies carry: the method's, without a multiplexing prefix (as Apache's
    /// `TMultiplexedProcessor` replies).
    reply_name: String,
    func: Py<PyAny>,
    is_async: bool,
    oneway: bool,
    args: Py<PlanObject>,
    /// The arguments' positions in `args`' fields (sorted by id), in declaration order:
    /// handlers take them positionally, as Apache's processors pass them.
    arg_order: Box<[usize]>,
    /// None for a oneway method.
    result: Option<Py<PlanObject>>,
    /// The position of `success` among the result's fields; None for a void method.
    success: Option<usize>,
    /// Declared exceptions: their classes and positions among the result's fields.
    throws: Box<[(Py<PyType>, usize)]>,
}

#[pymethods]
impl Route {
    /// `args` and `result` are the method's `<m>_args` / `<m>_result` classes (result None
    /// for oneway); `arg_names` the argument names in declaration order; `throws` maps result
    /// field names to exception classes.
    #[new]
    #[pyo3(signature = (
        service, reply_name, func, *, is_async, args, arg_names, result, void, throws
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        service: &str,
        reply_name: String,
        func: Py<PyAny>,
        is_async: bool,
        args: &Bound<'_, PyType>,
        arg_names: Vec<String>,
        result: Option<&Bound<'_, PyType>>,
        void: bool,
        throws: Vec<(String, Py<PyType>)>,
    ) -> PyResult<Route> {
        let args = plan_of(args)?;
        let arg_order = arg_names
            .iter()
            .map(|name| position(&args.get().plan, name))
            .collect::<PyResult<_>>()?;
        let (result, success, throws) = match result {
            None => (None, None, Box::default()),
            Some(result) => {
                let plan = plan_of(result)?;
                let fields = &plan.get().plan;
                let success = if void {
                    None
                } else {
                    Some(position(fields, "success")?)
                };
                let throws = throws
                    .into_iter()
                    .map(|(name, cls)| Ok((cls, position(fields, &name)?)))
                    .collect::<PyResult<_>>()?;
                (Some(plan.unbind()), success, throws)
            }
        };
        let oneway = result.is_none();
        Ok(Route {
            series: metrics::global().series(Side::Server, service, &reply_name, oneway),
            reply_name,
            func,
            is_async,
            oneway,
            args: args.unbind(),
            arg_order,
            result,
            success,
            throws,
        })
    }
}

fn position(plan: &codec::StructPlan, name: &str) -> PyResult<usize> {
    plan.fields
        .iter()
        .position(|field| field.name_str == name)
        .ok_or_else(|| {
            pyo3::exceptions::PyValueError::new_err(format!("{} has no field {name}", plan.name))
        })
}

/// Every route of a server, by message name (`"method"` and `"Service:method"`).
#[pyclass(module = "thrifthive._native", frozen)]
pub struct Router {
    routes: HashMap<String, Py<Route>>,
    /// `log_exception(method_name, exc)`: logs a handler's exception with its traceback.
    log_exception: Py<PyAny>,
    /// `thrifthive.current_request()`'s, made from a call's headers.
    contexts: RequestContexts,
}

#[pymethods]
impl Router {
    #[new]
    fn new(
        routes: HashMap<String, Py<Route>>,
        log_exception: Py<PyAny>,
        context_var: Py<PyAny>,
        context_class: Py<PyAny>,
    ) -> Router {
        Router {
            routes,
            log_exception,
            contexts: RequestContexts::new(context_var, context_class),
        }
    }
}

/// A call the handler took: its route, what the handler returned, the request context.
pub(crate) type Started<'py> = (Py<Route>, Bound<'py, PyAny>, Option<Bound<'py, PyAny>>);

/// Where a call's outcome goes: the protocol and seqid of its reply.
#[derive(Clone, Copy)]
pub(crate) struct Call {
    pub protocol: codec::Protocol,
    pub seqid: i32,
    pub received: Instant,
}

impl Call {
    pub(crate) fn of(request: &Request) -> Call {
        Call {
            protocol: match request.format.protocol {
                thrifthive_rpc::Protocol::Binary => codec::Protocol::Binary,
                thrifthive_rpc::Protocol::Compact => codec::Protocol::Compact,
            },
            seqid: request.message.header.seqid,
            received: request.received,
        }
    }
}

impl Router {
    /// Whether `name` is an `async def` method (answered on the asyncio loop). Needs no GIL:
    /// the IO threads ask it to pick the queue.
    pub(crate) fn is_async(&self, name: &str) -> bool {
        self.routes
            .get(name)
            .is_some_and(|route| route.get().is_async)
    }

    /// Answers `request` on this thread: decodes, calls the handler, encodes.
    pub(crate) fn answer(&self, py: Python<'_>, request: &Request) -> DispatchResult {
        match self.call(py, request) {
            Ok((route, value, _)) => self.returned(py, route.get(), Call::of(request), &value),
            Err(result) => result,
        }
    }

    /// Looks the method up, decodes the arguments and calls the handler (a plain one with the
    /// call's request context current): its return value (for an `async def` method, the
    /// coroutine) with its route and request context, or the reply already decided (an unknown
    /// method, bad arguments, the handler raised).
    pub(crate) fn call<'py>(
        &self,
        py: Python<'py>,
        request: &Request,
    ) -> Result<Started<'py>, DispatchResult> {
        let header = &request.message.header;
        let call = Call::of(request);
        let Some(route) = self.routes.get(header.name.as_str()) else {
            return Err(Err(ApplicationException::new(
                ExceptionKind::UNKNOWN_METHOD,
                format!("Unknown function {}", header.name),
            )));
        };
        let route_ref = route.get();
        route_ref.series.start();
        let body = &request.message.bytes[request.message.body_offset..];
        let args = match route_ref.decode_args(py, call, body) {
            Ok(args) => args,
            Err(error) => {
                let error = codec_error(py, error);
                log::warn!(target: LOG, "{}: cannot decode the arguments: {error}", header.name);
                route_ref.finished(call, &ExceptionKind::PROTOCOL_ERROR.to_string());
                return Err(Err(ApplicationException::new(
                    ExceptionKind::PROTOCOL_ERROR,
                    error.to_string(),
                )));
            }
        };
        let context = match self.contexts.of(py, request) {
            Ok(context) => context,
            Err(error) => return Err(self.raised(py, route_ref, call, error)),
        };
        let func = route_ref.func.bind(py);
        // An async def method's body runs later, in its task: that gets the context then.
        let returned = match &context {
            Some(context) if !route_ref.is_async => {
                self.contexts.within(context, || func.call1(args))
            }
            _ => func.call1(args),
        };
        match returned {
            Ok(value) => Ok((route.clone_ref(py), value, context)),
            Err(error) => Err(self.raised(py, route_ref, call, error)),
        }
    }

    /// Runs `start` (the creation of an async call's task) with `context`, if any, as the
    /// current request, so that the task's copy of the context has it.
    pub(crate) fn within<'py>(
        &self,
        context: Option<&Bound<'py, PyAny>>,
        start: impl FnOnce() -> PyResult<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        match context {
            Some(context) => self.contexts.within(context, start),
            None => start(),
        }
    }

    /// The reply to a handler's return value.
    pub(crate) fn returned(
        &self,
        py: Python<'_>,
        route: &Route,
        call: Call,
        value: &Bound<'_, PyAny>,
    ) -> DispatchResult {
        let Some(result) = &route.result else {
            route.finished(call, OK);
            return Ok(None);
        };
        let field = route
            .success
            .filter(|_| !value.is_none())
            .map(|at| (at, value));
        match route.encode_result(py, call, result, field) {
            Ok(reply) => {
                route.finished(call, OK);
                Ok(Some(reply))
            }
            // A value of the wrong type: the handler's bug, reported as if it had raised.
            Err(error) => self.raised(py, route, call, error),
        }
    }

    /// The reply to an exception the handler raised.
    pub(crate) fn raised(
        &self,
        py: Python<'_>,
        route: &Route,
        call: Call,
        error: PyErr,
    ) -> DispatchResult {
        // As a value with its traceback attached, for the log.
        let exception = &error.into_value(py).into_bound(py);
        if let Some(result) = &route.result {
            for (cls, at) in &route.throws {
                if exception.is_instance(cls.bind(py)).unwrap_or(false) {
                    return match route.encode_result(py, call, result, Some((*at, exception))) {
                        Ok(reply) => {
                            route.finished(call, &exception_name(exception));
                            Ok(Some(reply))
                        }
                        Err(error) => self.raised(py, route, call, error),
                    };
                }
            }
            let is_application_exception = application_exception(py)
                .and_then(|cls| exception.is_instance(cls))
                .unwrap_or(false);
            if is_application_exception {
                if let Ok(reply) = route.encode_exception(py, call, exception) {
                    let kind = exception
                        .getattr(intern!(py, "type"))
                        .and_then(|kind| kind.extract::<i32>())
                        .map_or(ExceptionKind::UNKNOWN, ExceptionKind);
                    route.finished(call, &kind.to_string());
                    return Ok(Some(reply));
                }
            }
        }
        let name = &route.reply_name;
        if let Err(log_error) = self.log_exception.bind(py).call1((name, exception)) {
            log::error!(target: LOG, "{name} raised {exception}; logging it failed: {log_error}");
        }
        route.finished(call, &ExceptionKind::INTERNAL_ERROR.to_string());
        if route.oneway {
            return Ok(None);
        }
        let message = exception
            .str()
            .map_or_else(|_| String::new(), |s| s.to_string());
        Err(ApplicationException::new(
            ExceptionKind::INTERNAL_ERROR,
            format!("{}: {message}", exception_name(exception)),
        ))
    }
}

impl Route {
    /// Counts a call that ended with outcome `code`.
    fn finished(&self, call: Call, code: &str) {
        self.series.finish(code, call.received.elapsed());
    }

    /// The arguments struct, decoded, as the handler's positional arguments.
    fn decode_args<'py>(
        &self,
        py: Python<'py>,
        call: Call,
        body: &[u8],
    ) -> Result<Bound<'py, PyTuple>, codec::CodecError> {
        let plan = &self.args.get().plan;
        let job = DecodeStruct {
            py,
            plan,
            strict: false,
            len: body.len(),
        };
        let args = call.protocol.read(body, Limits::default(), job)?;
        let values = self
            .arg_order
            .iter()
            .map(|&at| args.getattr(plan.fields[at].name.bind(py)))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyTuple::new(py, values)?)
    }

    /// A reply whose result struct has only `field` set (none: void).
    fn encode_result(
        &self,
        py: Python<'_>,
        call: Call,
        result: &Py<PlanObject>,
        field: Option<(usize, &Bound<'_, PyAny>)>,
    ) -> PyResult<Bytes> {
        let plan = &result.get().plan;
        let job = EncodeResult {
            py,
            header: self.header(MessageType::Reply, call),
            plan,
            field,
            max_depth: Limits::default().max_depth,
        };
        let mut out = plan.output_buffer();
        call.protocol
            .write(&mut out, job)
            .map_err(|err| codec_error(py, err))?;
        plan.remember_size(out.len());
        Ok(out.into())
    }

    /// An EXCEPTION message carrying `exception`, a TApplicationException.
    fn encode_exception(
        &self,
        py: Python<'_>,
        call: Call,
        exception: &Bound<'_, PyAny>,
    ) -> PyResult<Bytes> {
        let plan = plan_of(&exception.get_type())?;
        let job = EncodeMessage {
            header: self.header(MessageType::Exception, call),
            body: exception,
            plan: &plan.get().plan,
            max_depth: Limits::default().max_depth,
        };
        let mut out = Vec::new();
        call.protocol
            .write(&mut out, job)
            .map_err(|err| codec_error(py, err))?;
        Ok(out.into())
    }

    fn header(&self, message_type: MessageType, call: Call) -> MessageHeader<'_> {
        MessageHeader {
            name: self.reply_name.as_str().into(),
            message_type,
            seqid: call.seqid,
        }
    }
}

/// The outcome of a call that returned.
const OK: &str = "OK";
