"""`bench/api.py` runs end to end: data set, the product's server, locust's users, the report."""

from .running import bench_run


def test_the_api_benchmark_runs_end_to_end_on_a_small_data_set(tmp_path):
    options = ("--customers", "200", "--seconds", "3", "--users", "4", "--no-grade", "--drop")
    done = bench_run("api.py", *options, tmp_path=tmp_path, database_name="test_strata_bench_api")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    table = done.stdout.split("\nrequest ", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    assert len(table) >= 5, done.stdout  # which kinds a 3-second run reaches is chance
    assert all(row.startswith(("admin: ", "manager: ")) for row in table), table
    assert "; 0 failed" in done.stdout
    assert "target: list and search p95" in done.stdout
