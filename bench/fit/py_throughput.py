"""Throughput of the Python FIT decoders fitparse and fitdecode over a folder of FIT files.

    python py_throughput.py DIR [PASSES]

Every file is read into memory first; each library then decodes every message of every file
(fitparse: FitFile(...).parse(); fitdecode: every frame of a FitReader), PASSES times (default
1; the median pass counts). Files a library rejects still count (its time on them is spent).
Prints one RESULT line per library, in the format of the Rust throughput example.
"""

import io
import pathlib
import statistics
import sys
import time
import warnings

import fitdecode
import fitparse


def decode_fitparse(data: bytes) -> bool:
    try:
        fitparse.FitFile(io.BytesIO(data)).parse()
        return True
    except Exception:
        return False


def decode_fitdecode(data: bytes) -> bool:
    try:
        with fitdecode.FitReader(io.BytesIO(data)) as reader:
            for _frame in reader:
                pass
        return True
    except Exception:
        return False


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit("usage: py_throughput.py DIR [PASSES]")
    root = pathlib.Path(sys.argv[1])
    passes = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    paths = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() == ".fit")
    files = [p.read_bytes() for p in paths]
    total = sum(len(b) for b in files)
    warnings.simplefilter("ignore")
    for name, decode in (("fitparse", decode_fitparse), ("fitdecode", decode_fitdecode)):
        times = []
        rejected = 0
        for _ in range(passes):
            start = time.perf_counter()
            rejected = sum(0 if decode(b) else 1 for b in files)
            times.append(time.perf_counter() - start)
        secs = statistics.median(times)
        print(
            f"RESULT {name} mb_per_s={total / secs / 1e6:.4f} files_per_s={len(files) / secs:.3f} "
            f"rejected={rejected} pass_s={secs:.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
