"""The book's network trained with numpy, for bench/bench.ts: examples per second.

network.py's SGD with the matrix form of backprop over a whole mini-batch (the book's
chapter 2 exercise): sigmoid layers, the quadratic cost, one gradient step per mini-batch,
a fresh shuffle per epoch; each mini-batch's bytes are gathered and scaled as ours are.
float64, examples as rows (Z = A·Wᵀ + b), so every product is one BLAS call.

    python3 bench/numpy_bench.py DATA_DIR SIZES MINI_BATCH THREADS SECONDS

DATA_DIR holds inputs.u8 (n × 784 bytes) and labels.u8 (n bytes). Prints one JSON object:
examples per second (median, min, max of chunks of about 0.2 s) and which BLAS ran
(threadpoolctl's view, when it is installed).
"""

import json
import sys
import time

import numpy as np


def blas_info(limit):
    try:
        import threadpoolctl
    except ImportError:
        return None, None
    ctl = threadpoolctl.threadpool_limits(limits=limit, user_api="blas")
    info = [
        {k: i.get(k) for k in ("internal_api", "version", "num_threads", "architecture", "prefix")}
        for i in threadpoolctl.threadpool_info()
        if i.get("user_api") == "blas"
    ]
    return ctl, info


def main():
    data_dir, sizes, m, threads, seconds = sys.argv[1:6]
    sizes = [int(s) for s in sizes.split(",")]
    m, threads, seconds = int(m), int(threads), float(seconds)
    ctl, info = blas_info(threads)
    inputs = np.fromfile(f"{data_dir}/inputs.u8", dtype=np.uint8)
    labels = np.fromfile(f"{data_dir}/labels.u8", dtype=np.uint8)
    n = labels.size
    inputs = inputs.reshape(n, sizes[0])
    onehot = np.eye(sizes[-1])[labels]
    rng = np.random.default_rng(1)
    ws = [rng.standard_normal((o, i)) for i, o in zip(sizes[:-1], sizes[1:])]
    bs = [rng.standard_normal(o) for o in sizes[1:]]
    eta = 3.0

    def sigmoid(z):
        return 1.0 / (1.0 + np.exp(-z))

    def step(idx):
        # Forward: a ← σ(a·wᵀ + b), one example per row.
        acts = [inputs[idx] * (1 / 255)]
        for w, b in zip(ws, bs):
            acts.append(sigmoid(acts[-1] @ w.T + b))
        a = acts[-1]
        delta = (a - onehot[idx]) * a * (1 - a)  # BP1
        k = eta / len(idx)
        for l in range(len(ws) - 1, -1, -1):
            nabla_b = delta.sum(axis=0)  # BP3
            nabla_w = delta.T @ acts[l]  # BP4
            if l > 0:
                a_prev = acts[l]
                delta = (delta @ ws[l]) * a_prev * (1 - a_prev)  # BP2, weights before the step
            ws[l] -= k * nabla_w
            bs[l] -= k * nabla_b

    order = rng.permutation(n)
    pos = 0

    def train(count):
        nonlocal order, pos
        done = 0
        while done < count:
            if pos >= n:
                order, pos = rng.permutation(n), 0
            b = min(m, count - done, n - pos)
            step(order[pos:pos + b])
            pos += b
            done += b

    # Warm up for a third of the time while finding a chunk of about 0.2 s.
    chunk, warm_end = 100, time.perf_counter() + seconds / 3
    while True:
        t = time.perf_counter()
        train(chunk)
        dt = time.perf_counter() - t
        if time.perf_counter() >= warm_end and dt > 0.04:
            chunk = max(10, round(chunk * 0.2 / dt))
            break
        if dt < 0.2:
            chunk *= 2
    rates, t0 = [], time.perf_counter()
    while time.perf_counter() - t0 < seconds or len(rates) < 3:
        t = time.perf_counter()
        train(chunk)
        rates.append(chunk / (time.perf_counter() - t))
    rates.sort()
    print(json.dumps({
        "examplesPerSecond": rates[len(rates) // 2],
        "min": rates[0],
        "max": rates[-1],
        "chunks": len(rates),
        "numpy": np.__version__,
        "blas": info,
    }))


if __name__ == "__main__":
    main()
