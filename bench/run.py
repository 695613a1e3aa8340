#!/usr/bin/env python3
"""Benchmark orchestration: see docs/benchmarks.md, which this script writes."""
import http.client, json, os, platform, re, shutil, signal, socket, statistics, subprocess, sys, tempfile, time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CORPUS = BENCH / "corpus"
RESULTS = BENCH / "results"
DOCS = ROOT / "docs"
SCENARIOS = ["default", "first-size", "w400-jpeg", "w1200-webp", "cover300"]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
HARNESS = BENCH / "ImageApi.Bench" / "bin" / "Release" / "net10.0" / "ImageApi.Bench.dll"


def sh(*args, **kwargs):
    return subprocess.run(args, check=True, text=True, capture_output=True, **kwargs).stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def throughput():
    rows = []
    sh("dotnet", "build", "-c", "Release", str(BENCH / "ImageApi.Bench"), "-v", "q", "-nologo")
    quality = RESULTS / "outputs"
    shutil.rmtree(quality, ignore_errors=True)
    for scenario in SCENARIOS:
        out = quality / scenario
        print(f"  {scenario}: sharp", file=sys.stderr)
        rows.append(json.loads(sh("node", "bench.mjs", "--scenario", scenario, "--corpus", str(CORPUS), "--rounds", str(ROUNDS), "--save", str(out / "sharp"), cwd=BENCH / "sharp")))
        for engine in ["direct", "service"]:
            print(f"  {scenario}: imagesharp-{engine}", file=sys.stderr)
            rows.append(json.loads(sh("dotnet", str(HARNESS), "--scenario", scenario, "--corpus", str(CORPUS), "--rounds", str(ROUNDS), "--engine", engine, "--save", str(out / f"imagesharp-{engine}"))))
    print("  quality (SSIM)", file=sys.stderr)
    ssim = json.loads(sh("dotnet", str(HARNESS), "--corpus", str(CORPUS), "--quality", str(quality)))
    return rows, ssim


def publish(ready_to_run, folder):
    sh("dotnet", "publish", str(ROOT / "src" / "ImageApi"), "-c", "Release", "-r", "linux-x64", "--self-contained", "false",
       f"-p:PublishReadyToRun={'true' if ready_to_run else 'false'}", "-o", str(folder), "-nologo", "-v", "q")


def start_service(app, data, port):
    env = dict(os.environ, Storage__FileRoot=str(data), Logging__LogLevel__Default="Warning", ASPNETCORE_ENVIRONMENT="Production",
               RateLimits__RenditionsPerMinute="0", Uploads__SigningKey="benchmark-signing-key-0123456789abcdef")
    return subprocess.Popen(["dotnet", str(app / "ImageApi.dll"), "--urls", f"http://127.0.0.1:{port}"], env=env, cwd=app,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def get(port, path, timeout=30.0):
    deadline = time.perf_counter() + timeout
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                return
        except OSError:
            pass
        if time.perf_counter() > deadline:
            raise TimeoutError(path)
        time.sleep(0.002)


def wrk(url, warm_up=True):
    # Warm up first (the .NET JIT moves hot code from ReadyToRun to optimised tier-1 in the first seconds).
    if warm_up:
        sh("wrk", "-t2", "-c64", "-d5s", url)
    text = sh("wrk", "-t2", "-c64", "-d10s", "--latency", url)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    def ms(label):
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    return {"rps": rps, "p50": ms("50"), "p99": ms("99")}


def cached_and_cold_start():
    work = Path(tempfile.mkdtemp(prefix="imageapi-bench-"))
    work.chmod(0o755)  # nginx's workers run as an unprivileged user
    try:
        r2r, jit, data = work / "r2r", work / "jit", work / "data"
        print("  publishing (ReadyToRun and JIT)", file=sys.stderr)
        publish(True, r2r)
        publish(False, jit)
        original = data / "source" / "uploads" / "bench" / "photo.jpg"
        original.parent.mkdir(parents=True)
        shutil.copy(CORPUS / "honeywave-5120x2880.jpg", original)
        path = "/images/uploads/bench/photo.jpg"

        # Both servers run side by side and wrk measures them in turn, three times each: the machine's
        # speed drifts over a run, and alternating keeps that drift out of the ratio.
        port = free_port()
        service = start_service(r2r, data, port)
        stored = data / "destination" / "processed" / "uploads" / "bench" / "photo.jpg" / "w800-h800-inside-q80.webp"
        nginx_port = free_port()
        conf = work / "nginx.conf"
        conf.write_text(f"""worker_processes auto; daemon off; pid {work}/nginx.pid; error_log {work}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; sendfile on; tcp_nopush on; types {{ image/webp webp; }}
  server {{ listen 127.0.0.1:{nginx_port}; root {data}/destination; location / {{ }} }} }}
""")
        nginx = None
        try:
            get(port, path)  # makes and stores the default rendition
            nginx = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(work)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            nginx_path = "/" + str(stored.relative_to(data / "destination"))
            get(nginx_port, nginx_path)
            runs = {"service": [], "nginx": []}
            for round in range(3):
                print(f"  wrk: service, nginx (round {round + 1} of 3)", file=sys.stderr)
                runs["service"].append(wrk(f"http://127.0.0.1:{port}{path}", warm_up=round == 0))
                runs["nginx"].append(wrk(f"http://127.0.0.1:{nginx_port}{nginx_path}", warm_up=round == 0))
            cached, static = (min(r, key=lambda m: abs(m["rps"] - statistics.median(x["rps"] for x in r))) for r in runs.values())
        finally:
            service.send_signal(signal.SIGTERM)
            service.wait()
            if nginx:
                nginx.send_signal(signal.SIGQUIT)
                nginx.wait()

        cold = {}
        for name, app in [("ReadyToRun", r2r), ("JIT only", jit)]:
            print(f"  cold start: {name}", file=sys.stderr)
            times = []
            for _ in range(7):
                port = free_port()
                started = time.perf_counter()
                process = start_service(app, data, port)
                get(port, path)
                times.append((time.perf_counter() - started) * 1000)
                process.send_signal(signal.SIGTERM)
                process.wait()
            cold[name] = {"median": statistics.median(times), "min": min(times), "max": max(times), "runs": len(times)}
        return {"service": cached, "nginx": static, "bytes": stored.stat().st_size}, cold
    finally:
        shutil.rmtree(work, ignore_errors=True)


def geomean(values):
    product = 1.0
    for v in values:
        product *= v
    return product ** (1 / len(values))


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    memory = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")) / 1024 / 1024
    versions = {
        ".NET": sh("dotnet", "--version").strip(),
        "Node.js": sh("node", "--version").strip(),
        "nginx": subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip().split("/")[-1],
        "wrk": subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split()[1],
    }
    return f"{os.cpu_count()} × {cpu}, {memory:.0f} GiB", versions


def chart(rows):
    data = RESULTS / "throughput.dat"
    engines = ["sharp", "imagesharp-direct", "imagesharp-service"]
    by = {(r["scenario"], r["engine"]): r for r in rows}
    with open(data, "w") as f:
        f.write("# scenario " + " ".join(engines) + "\n")
        for s in SCENARIOS:
            f.write(s + " " + " ".join(f"{by[(s, e)]['throughput']:.2f}" for e in engines) + "\n")
    script = RESULTS / "chart.gp"
    script.write_text(f"""set terminal png size 900,480 font ",11"
set output "{DOCS / 'benchmarks.png'}"
set title "Throughput with two concurrent workers (operations per second, higher is better)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set key top left
set ylabel "ops/s"
set logscale y
set yrange [1:*]
set grid ytics
plot "{data}" using 2:xtic(1) title "sharp {next(r['version'] for r in rows if r['engine']=='sharp')}", '' using 3 title "ImageSharp 2.1.13, as it comes", '' using 4 title "ImageApi service (ImageSharp 2.1.13)"
""")
    sh("gnuplot", str(script))


def report(rows, ssim, cached, cold, hardware, versions, started):
    by = {(r["scenario"], r["engine"]): r for r in rows}
    q = {(s["scenario"], s["engine"]): s for s in ssim}
    sharp_version = by[("default", "sharp")]
    upload = by[("default", "imagesharp-service")]["throughput"] / by[("default", "sharp")]["throughput"]
    on_demand = [by[(s, "imagesharp-service")]["throughput"] / by[(s, "sharp")]["throughput"] for s in SCENARIOS[1:]]
    memory_ours = max(by[(s, "imagesharp-service")]["peakRssMb"] for s in SCENARIOS)
    memory_sharp = max(by[(s, "sharp")]["peakRssMb"] for s in SCENARIOS)
    cached_ratio = cached["service"]["rps"] / cached["nginx"]["rps"]
    def ok(flag):
        return "met" if flag else "**not met**"
    lines = [
        "# Benchmarks",
        "",
        f"Written by `bench/run.sh` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(started))} ({time.time() - started:.0f} s). "
        f"Machine: {hardware}. Versions: ImageSharp 2.1.13, sharp {sharp_version['version']} (libvips {sharp_version['libvips']}), "
        + ", ".join(f"{k} {v}" for k, v in versions.items()) + ".",
        "",
        "Everything below was measured in that one run, on the same machine, on the same files.",
        "",
        "## Headline",
        "",
        "| target | measured | |",
        "|---|---|---|",
        f"| upload-time work ≥ 1.0× sharp's default rendition | {upload:.2f}× | {ok(upload >= 1.0)} |",
        f"| new sizes of an uploaded image, geometric mean ≥ 2.0× sharp | {geomean(on_demand):.2f}× ({', '.join(f'{s} {r:.1f}×' for s, r in zip(SCENARIOS[1:], on_demand))}) | {ok(geomean(on_demand) >= 2.0)} |",
        f"| (the same without the first size, which makes the intermediate) | {geomean(on_demand[1:]):.2f}× | |",
        f"| peak memory while generating ≤ sharp's | {memory_ours:.0f} MB vs {memory_sharp:.0f} MB | {ok(memory_ours <= memory_sharp)} |",
        f"| cached path ≥ 0.5× nginx's requests per second | {cached_ratio:.2f}× ({cached['service']['rps']:.0f} vs {cached['nginx']['rps']:.0f} req/s) | {ok(cached_ratio >= 0.5)} |",
        f"| cold start to first cached response < 500 ms | {cold['ReadyToRun']['median']:.0f} ms (ReadyToRun), {cold['JIT only']['median']:.0f} ms (JIT only) | {ok(cold['ReadyToRun']['median'] < 500)} |",
        "",
        "![Throughput per scenario](benchmarks.png)",
        "",
        "## Rendering",
        "",
        f"Corpus: {len(by[('default', 'sharp')]['outputBytes'])} large real photos from Debian's wallpaper packages (`bench/corpus.sh`): "
        "8 JPEGs from 2560×1600 to 5120×2880 (four baseline, four progressive), 3 PNGs of 3840×2160 and 5120×2880, 2 WebPs of 4096×4096. "
        f"Each scenario runs the corpus for at least 3 s to warm up (whole passes; the .NET JIT needs it), then {ROUNDS} times, with two concurrent workers (both cores busy). "
        "Engines: **sharp** with its defaults (including its JPEG/WebP shrink-on-load) and its operation cache off; **ImageSharp as it comes** "
        "(its own decoders, its default parallelism and WebP effort, from the original every time); "
        "**the service** (`ImageApi.Processing` as the service configures it, with its JPEG shrink-on-load). Scenarios, as the service meets them: "
        "`default` is everything it does when an original arrives (the default rendition); `first-size` is an original's first new size "
        "(`w=400` JPEG), which also makes and encodes the 1600 px intermediate from the same decode; `w400-jpeg`, `w1200-webp` and `cover300` "
        "are later new sizes, cut from that intermediate when they fit inside it. sharp makes every scenario from the original.",
        "",
        "| scenario | engine | ops/s | p50 ms | p95 ms | peak RSS MB | output bytes | vs sharp | SSIM to source (mean / min) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for s in SCENARIOS:
        sharp_bytes = sum(by[(s, "sharp")]["outputBytes"].values())
        for e in ["sharp", "imagesharp-direct", "imagesharp-service"]:
            r = by[(s, e)]
            total = sum(r["outputBytes"].values())
            quality = q.get((s, e))
            lines.append(f"| {s} | {e} | {r['throughput']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['peakRssMb']:.0f} | {total:,} | "
                         f"{(total / sharp_bytes - 1) * 100:+.0f} % | {quality['ssim']:.4f} / {quality['min']:.4f} |")
    lines += [
        "",
        "## Cached path",
        "",
        f"A stored default rendition ({cached['bytes']:,} bytes) served by the service (published with ReadyToRun, folder storage) and the same file "
        "served statically by nginx (`sendfile on`, `worker_processes auto`, access log off), each measured with "
        "`wrk -t2 -c64 -d10s --latency` on the same two cores, after one 5 s warm-up run of the same command for each; "
        "the two are measured in turn, three times each, and the run with the median rate is shown for each.",
        "",
        "| server | requests/s | p50 ms | p99 ms |",
        "|---|---:|---:|---:|",
        f"| ImageApi | {cached['service']['rps']:.0f} | {cached['service']['p50']:.2f} | {cached['service']['p99']:.2f} |",
        f"| nginx | {cached['nginx']['rps']:.0f} | {cached['nginx']['p50']:.2f} | {cached['nginx']['p99']:.2f} |",
        "",
        "## Cold start",
        "",
        "From starting the process (`dotnet ImageApi.dll`, framework-dependent as in the Lambda package) to the first `200` of a `GET` on a stored rendition, "
        "7 runs each.",
        "",
        "| build | median ms | min | max |",
        "|---|---:|---:|---:|",
    ]
    for name, c in cold.items():
        lines.append(f"| {name} | {c['median']:.0f} | {c['min']:.0f} | {c['max']:.0f} |")
    lines += ["", "## Reproduce", "", "```sh", "bench/run.sh            # BENCH_ROUNDS=3 by default", "```", "",
              "Raw results: `bench/results/` (ignored by git). The analysis below is written by hand from these numbers.", ""]
    notes = DOCS / "benchmarks-notes.md"
    if notes.exists():
        lines += [notes.read_text()]
    (DOCS / "benchmarks.md").write_text("\n".join(lines) + "\n")


def main():
    started = time.time()
    RESULTS.mkdir(exist_ok=True)
    DOCS.mkdir(exist_ok=True)
    hardware, versions = machine()
    saved = RESULTS / "throughput.json"
    if os.environ.get("BENCH_REUSE_THROUGHPUT") == "1" and saved.exists():
        rows, ssim = json.loads(saved.read_text()).values()
    else:
        print("throughput and quality", file=sys.stderr)
        rows, ssim = throughput()
        saved.write_text(json.dumps({"rows": rows, "ssim": ssim}))
    print("cached path and cold start", file=sys.stderr)
    cached, cold = cached_and_cold_start()
    (RESULTS / "results.json").write_text(json.dumps({"rows": rows, "ssim": ssim, "cached": cached, "cold": cold}, indent=2))
    chart(rows)
    report(rows, ssim, cached, cold, hardware, versions, started)
    print((DOCS / "benchmarks.md").read_text().split("## Rendering")[0])


if __name__ == "__main__":
    main()
