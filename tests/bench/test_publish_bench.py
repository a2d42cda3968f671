"""`bench/publish.py` runs end to end on a small data set and leaves it as it found it."""

import pytest

from .running import bench_run


@pytest.mark.parametrize("change", ["bills", "complaints"])
def test_the_publish_benchmark_publishes_each_change_and_undoes_it(tmp_path, change):
    options = ("--customers", "300", "--repeat", "1", "--commit", "--change", change, "--drop")
    done = bench_run(
        "publish.py", *options, tmp_path=tmp_path, database_name=f"test_strata_bench_publish_{change}"
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    changed = int(out.split(f"{change} changed: ", 1)[1].split()[0])
    assert changed == 3  # every hundredth of 300 customers
    assert f"{change} put back: {changed}" in out
    # The same customers are rewritten by each publish, the committed one and the one back.
    lines = [line for line in out.splitlines() if "customers rewritten" in line]
    rewritten = [int(line.split(" s, ")[1].split()[0]) for line in lines]
    assert len(rewritten) == 3 and len(set(rewritten)) == 1, out
    assert rewritten[0] >= 1
