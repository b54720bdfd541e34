"""The test cases: every struct, union and exception of each corpus file, known at collection
time from thrifthive's IR; and the Hypothesis settings and strategies they share."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from .schema import IDL_FILES, Schema
from .strategies import Strategies

# Examples per type and test; the whole interop suite stays well under a minute on 2 cores.
EXAMPLES = int(os.environ.get("THRIFTHIVE_INTEROP_EXAMPLES", "40"))

SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


def _compile() -> tuple[dict[str, Schema], list[Any]]:
    missing = [str(p) for p in IDL_FILES.values() if not p.is_file()]
    if missing:
        reason = f"the shared IDL corpus is missing ({', '.join(missing)}): clone shared/ beside"
        return {}, [pytest.param("-", "-", marks=pytest.mark.skip(reason=reason), id="no-corpus")]
    schemas = {name: Schema.compile(name, path) for name, path in IDL_FILES.items()}
    params = [
        pytest.param(name, struct, id=f"{name}.{struct}")
        for name, schema in schemas.items()
        for struct in schema.struct_names
    ]
    return schemas, params


SCHEMAS, CASE_PARAMS = _compile()

# Parametrizes a test over (idl, struct) for every struct, union and exception.
CASES = pytest.mark.parametrize(("idl", "struct"), CASE_PARAMS)

_strategies: dict[tuple[str, str, bool], st.SearchStrategy[Any]] = {}


def values(idl: str, struct: str, finite: bool = False) -> st.SearchStrategy[Any]:
    """Neutral values of ``idl``'s ``struct`` (cached); ``finite``: no NaN or infinity."""
    key = (idl, struct, finite)
    if key not in _strategies:
        _strategies[key] = Strategies(SCHEMAS[idl], finite).for_struct(struct)
    return _strategies[key]
