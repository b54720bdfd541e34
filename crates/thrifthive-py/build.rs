//! Passes PyO3's interpreter cfgs (`Py_3_12`, `PyPy`, ...) on to this crate, for the few fast
//! paths of the object codec that only some interpreters allow.

fn main() {
    pyo3_build_config::use_pyo3_cfgs();
}
