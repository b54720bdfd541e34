"""thrifthive's benchmarks against the anchors (``python -m bench.codec``); results in
BENCHMARKS.md."""
