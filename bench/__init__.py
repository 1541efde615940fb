"""The performance benchmark at national scale: `make bench` (bench/run.py), results in bench/RESULTS.md."""
