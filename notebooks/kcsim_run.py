"""Runs kcsim from the notebooks and loads its outputs with pandas.

The executable is $KCSIM (default: build/kcsim under the repository root); the repository root
is $KCSIM_ROOT (default: the parent of this directory). Outputs go to $KCSIM_NOTEBOOK_OUT (default:
a fresh temporary directory). Figures are drawn with matplotlib's Agg backend and shown as PNG
files, so the notebooks run the same headless (nbconvert --execute) and in Jupyter.
"""
import io
import json
import os
import pathlib
import subprocess
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
import pandas as pd  # noqa: E402
from IPython.display import Image  # noqa: E402

ROOT = pathlib.Path(os.environ.get("KCSIM_ROOT", pathlib.Path(__file__).resolve().parent.parent))
KCSIM = pathlib.Path(os.environ.get("KCSIM", ROOT / "build" / "kcsim"))
OUT = pathlib.Path(os.environ.get("KCSIM_NOTEBOOK_OUT") or tempfile.mkdtemp(prefix="kcsim-notebook-"))
OUT.mkdir(parents=True, exist_ok=True)
if not KCSIM.is_file():
    raise FileNotFoundError(f"{KCSIM} not found: build it (./build.sh build) or set KCSIM to the kcsim executable")


def scenario_path(name):
    """scenarios/NAME.json under the repository root."""
    return ROOT / "scenarios" / f"{name}.json"


def kcsim(*args):
    """Runs kcsim with ARGS and returns its standard output; raises with its stderr on failure."""
    done = subprocess.run([str(KCSIM), *map(str, args)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"kcsim {' '.join(map(str, args))} exited {done.returncode}: {done.stderr}")
    return done.stdout


def run(name, *extra, fixes=False, tag=None):
    """`kcsim run` on a bundled scenario: returns (report dict, timeline DataFrame).

    The timeline has one row per change of spec.replicas / status.readyReplicas
    (time_s, clock, object, field, value, manager); see docs/cli.md."""
    tag = tag or name
    report_file, timeline_file = OUT / f"{tag}.json", OUT / f"{tag}.csv"
    args = ["run", scenario_path(name), "--format", "json", "-o", report_file, "--timeline", timeline_file, *extra]
    if not fixes:
        args.append("--no-fixes")
    kcsim(*args)
    report = json.loads(report_file.read_text())
    timeline = pd.read_csv(timeline_file)
    return report, timeline


def sweep(name, *vary, jobs=2, extra=()):
    """`kcsim sweep --format csv` on a bundled scenario: one DataFrame row per variant."""
    args = ["sweep", scenario_path(name)]
    for v in vary:
        args += ["--vary", v]
    args += ["--jobs", jobs, "--format", "csv", *extra]
    return pd.read_csv(io.StringIO(kcsim(*args)))


def replicas_steps(timeline, obj):
    """spec.replicas changes of one object: time_s, value, manager."""
    rows = timeline[(timeline["object"] == obj) & (timeline["field"] == "spec.replicas")]
    return rows[["time_s", "value", "manager"]].reset_index(drop=True)


MANAGER_COLOURS = {}


def manager_colour(manager):
    """One colour per manager, the same in every figure of a session."""
    if manager not in MANAGER_COLOURS:
        MANAGER_COLOURS[manager] = plt.get_cmap("tab10")(len(MANAGER_COLOURS) % 10)
    return MANAGER_COLOURS[manager]


def plot_replicas(ax, timeline, obj, initial=1, end_s=None, title=None):
    """spec.replicas of OBJ as a step line: the jump at each change and the run until the next
    change in the colour of the manager that wrote it (grey before the first change)."""
    steps = replicas_steps(timeline, obj)
    times = list(steps["time_s"]) + [end_s if end_s is not None else (steps["time_s"].max() if len(steps) else 1.0)]
    ax.plot([0.0, times[0]], [initial, initial], color="#bbb", lw=1.5)
    prev = initial
    for i, (t, v, m) in enumerate(steps.itertuples(index=False)):
        ax.plot([t, t, times[i + 1]], [prev, v, v], color=manager_colour(m), lw=1.5)
        prev = v
    for m in sorted(set(steps["manager"])):
        ax.plot([], [], color=manager_colour(m), label=m)
    if len(steps):
        ax.legend(loc="upper right", fontsize="small")
    ax.set_xlabel("simulated time (s)")
    ax.set_ylabel("spec.replicas")
    ax.set_title(title or obj)


def show(fig, name):
    """Saves FIG as OUT/NAME.png and returns it for display (works with the Agg backend)."""
    path = OUT / f"{name}.png"
    fig.savefig(path, dpi=80, bbox_inches="tight")
    plt.close(fig)
    return Image(filename=str(path))
