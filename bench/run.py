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
ENGINES = ["sharp", "libvips", "imagesharp"]
# Later sizes are measured twice for the service: cut from the stored intermediate (read and decoded, as
# on an instance that does not hold it) and from its pixels held in memory (as on the instance that made it).
LATER = ["w400-jpeg", "w1200-webp", "cover300"]
HELD = "libvips-held"
LABELS = {"sharp": "sharp", "libvips": "ImageApi (libvips)", HELD: "ImageApi, intermediate held in memory", "imagesharp": "ImageSharp as it comes", "old": "old service (ImageSharp), 2026-11-27"}
LOADS = []  # (after what, 1-minute load average)
# The ImageSharp-based service as published on 2026-11-27 (same corpus, scenarios and machine kind): the
# reference for "new sizes at least as fast as before". ops/s, p95 ms, peak RSS MB, bytes, SSIM mean/min, and sharp's ops/s in that run.
OLD_SERVICE = {
    "default": (15.9, 424, 404, 309542, 0.9761, 0.9463, 14.9),
    "first-size": (14.1, 418, 420, 173275, 0.9789, 0.9557, 19.8),
    "w400-jpeg": (473.9, 7, 451, 177343, 0.9777, 0.9545, 18.8),
    "w1200-webp": (54.1, 50, 322, 572520, 0.9730, 0.9175, 11.1),
    "cover300": (208.4, 14, 414, 94780, 0.9661, 0.9186, 17.4),
}


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
        for engine in ["libvips"] + ([HELD] if scenario in LATER else []) + ["imagesharp"]:
            print(f"  {scenario}: {engine}", file=sys.stderr)
            rows.append(json.loads(sh("dotnet", str(HARNESS), "--scenario", scenario, "--corpus", str(CORPUS), "--rounds", str(ROUNDS), "--engine", engine, "--save", str(out / engine))))
        LOADS.append((scenario, os.getloadavg()[0]))
    print("  quality (SSIM, PSNR)", file=sys.stderr)
    ssim = json.loads(sh("dotnet", str(HARNESS), "--corpus", str(CORPUS), "--quality", str(quality)))
    print("  first view from the intermediate", file=sys.stderr)
    first_view = json.loads(sh("dotnet", str(HARNESS), "--corpus", str(CORPUS), "--first-view"))
    return rows, ssim, first_view


def studies():
    """The AVIF and intermediate studies (Studies.cs), one image at a time."""
    avif = RESULTS / "avif"
    shutil.rmtree(avif, ignore_errors=True)
    print("  AVIF: references, sharp's encodes, ours", file=sys.stderr)
    sh("dotnet", str(HARNESS), "--corpus", str(CORPUS), "--avif", str(avif), "--reference", "1")
    sh("node", "bench.mjs", "--avif-study", str(avif), cwd=BENCH / "sharp")
    rows = json.loads(sh("dotnet", str(HARNESS), "--corpus", str(CORPUS), "--avif", str(avif)))
    LOADS.append(("AVIF study", os.getloadavg()[0]))
    print("  AVIF: encode time against size", file=sys.stderr)
    sizes = json.loads(sh("dotnet", str(HARNESS), "--corpus", str(CORPUS), "--avif-sizes", "300,400,600,800"))
    print("  intermediate: format, quality, size", file=sys.stderr)
    intermediate = json.loads(sh("dotnet", str(HARNESS), "--corpus", str(CORPUS), "--intermediate"))
    LOADS.append(("intermediate study", os.getloadavg()[0]))
    return {"avif": rows, "avifSizes": sizes, "intermediate": intermediate}


def publish(ready_to_run, folder):
    sh("dotnet", "publish", str(ROOT / "src" / "ImageApi"), "-c", "Release", "-r", "linux-x64", "--self-contained", "false",
       f"-p:PublishReadyToRun={'true' if ready_to_run else 'false'}", "-o", str(folder), "-nologo", "-v", "q")


def start_service(app, data, port, log=None, **settings):
    """The published service on the folder store at data; settings (environment variables) override or add configuration; its console log to log (a file) if given."""
    env = dict(os.environ, Storage__FileRoot=str(data), Logging__LogLevel__Default="Warning", ASPNETCORE_ENVIRONMENT="Production",
               RateLimits__RenditionsPerMinute="0", Uploads__SigningKey="benchmark-signing-key-0123456789abcdef")
    env.update(settings)
    return subprocess.Popen(["dotnet", str(app / "ImageApi.dll"), "--urls", f"http://127.0.0.1:{port}"], env=env, cwd=app,
                            stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT if log else subprocess.DEVNULL)


def nginx_version():
    return subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip().split("/")[-1]  # "nginx version: nginx/1.22.1", on stderr


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


def machine(skip_server=False):
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    memory = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")) / 1024 / 1024
    versions = {
        ".NET": sh("dotnet", "--version").strip(),
        "Node.js": sh("node", "--version").strip(),
    }
    if not skip_server:
        versions["nginx"] = nginx_version()
        versions["wrk"] = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split()[1]
    return f"{os.cpu_count()} × {cpu}, {memory:.0f} GiB", versions


def chart(rows):
    data = RESULTS / "throughput.dat"
    by = {(r["scenario"], r["engine"]): r for r in rows}
    with open(data, "w") as f:
        f.write("# scenario " + " ".join(ENGINES) + " old " + HELD + "\n")
        for s in SCENARIOS:
            held = f"{by[(s, HELD)]['throughput']:.2f}" if (s, HELD) in by else "?"
            f.write(s + " " + " ".join(f"{by[(s, e)]['throughput']:.2f}" for e in ENGINES) + f" {OLD_SERVICE[s][0]:.2f} {held}\n")
    script = RESULTS / "chart.gp"
    sharp_version = next(r['version'] for r in rows if r['engine'] == 'sharp')
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
set datafile missing "?"
plot "{data}" using 2:xtic(1) title "sharp {sharp_version}", '' using 3 title "ImageApi (libvips 8.18.7)", '' using 6 title "ImageApi, intermediate held in memory", '' using 4 title "ImageSharp 2.1.13, as it comes", '' using 5 title "old service (ImageSharp), 2026-11-27"
""")
    sh("gnuplot", str(script))


def ok(flag):
    return "met" if flag else "**not met**"


def targets(rows, ssim):
    by = {(r["scenario"], r["engine"]): r for r in rows}
    q = {(s["scenario"], s["engine"]): s for s in ssim}
    lines = []
    for s in SCENARIOS:
        ours, peer = sum(by[(s, "libvips")]["outputBytes"].values()), sum(by[(s, "sharp")]["outputBytes"].values())
        dq = q[(s, "libvips")]["ssim"] - q[(s, "sharp")]["ssim"]
        lines.append(f"| {s}: bytes ≤ sharp's +2 % at SSIM ≥ sharp's − 0.002 | {(ours / peer - 1) * 100:+.1f} % bytes, SSIM {dq:+.4f} | {ok(ours <= peer * 1.02 and dq >= -0.002)} |")
    upload = by[("default", "libvips")]["throughput"] / by[("default", "sharp")]["throughput"]
    lines.append(f"| upload-time work (default rendition) ≥ 1.0× sharp's, both cores busy | {upload:.2f}× ({by[('default', 'libvips')]['throughput']:.1f} vs {by[('default', 'sharp')]['throughput']:.1f} ops/s) | {ok(upload >= 1.0)} |")
    memory_ours = max(r["peakRssMb"] for r in rows if r["engine"] in ("libvips", HELD))
    memory_sharp = max(by[(s, "sharp")]["peakRssMb"] for s in SCENARIOS)
    lines.append(f"| peak memory ≤ sharp's (largest over the scenarios, the intermediates held in memory included) | {memory_ours:.0f} MB vs {memory_sharp:.0f} MB | {ok(memory_ours <= memory_sharp)} |")
    for s in SCENARIOS[1:]:
        old = OLD_SERVICE[s][0]
        rel_old = old / OLD_SERVICE[s][6]
        # Relative to sharp in each run too: the machine's load differs between the two runs.
        for e in ["libvips"] + ([HELD] if s in LATER else []):
            now = by[(s, e)]["throughput"]
            rel_now = now / by[(s, "sharp")]["throughput"]
            path = "" if s not in LATER else " (from the stored intermediate)" if e == "libvips" else " (intermediate held in memory)"
            lines.append(f"| {s}{path}: as fast as the old ImageSharp-based service or faster | {now:.1f} vs {old:.1f} ops/s; {rel_now:.1f}× vs {rel_old:.1f}× sharp in each run | {ok(now >= old or rel_now >= rel_old)}{'' if now >= old else ' (relative to sharp only)' if rel_now >= rel_old else ''} |")
    for s in LATER:
        held, peer = sum(by[(s, HELD)]["outputBytes"].values()), sum(by[(s, "sharp")]["outputBytes"].values())
        dq = q[(s, HELD)]["ssim"] - q[(s, "sharp")]["ssim"]
        lines.append(f"| {s} (intermediate held in memory): bytes ≤ sharp's +2 % at SSIM ≥ sharp's − 0.002 | {(held / peer - 1) * 100:+.1f} % bytes, SSIM {dq:+.4f} | {ok(held <= peer * 1.02 and dq >= -0.002)} |")
    return lines


def avif_section(st):
    rows = st["avif"]
    webp = next(r for r in rows if r["engine"] == "libvips" and r["format"] == "webp")
    sharp_rows = {(r["format"], r["q"], r["effort"]): r for r in rows if r["engine"] == "sharp"}
    lines = [
        "## AVIF",
        "",
        f"On the corpus' {webp['files']} default renditions before they are encoded (the pipeline's 800 px resize, kept losslessly), "
        "each setting encodes the same pixels, one image at a time with one libvips thread; SSIM is against those pixels; "
        "time is the encoder's alone (best of two, after one warm encode). sharp encodes the very same pixels (`sharp(raw).avif({quality, effort})`, "
        "`.webp({quality: 80, effort: 4})`).",
        "",
        "| format | q | effort | bytes (ImageApi) | vs WebP q80 | SSIM mean / min | PSNR dB | encode ms mean / max | sharp bytes | sharp SSIM | sharp encode ms |",
        "|---|---:|---:|---:|---:|---|---:|---|---:|---:|---:|",
    ]
    for r in [x for x in rows if x["engine"] == "libvips"]:
        p = sharp_rows.get((r["format"], r["q"], r["effort"]))
        lines.append(f"| {r['format']} | {r['q']} | {r['effort']} | {r['bytes']:,} | {(r['bytes'] / webp['bytes'] - 1) * 100:+.0f} % | {r['ssim']:.4f} / {r['ssimMin']:.4f} | {r['psnr']:.2f} | "
                     f"{r['encodeMs']:.0f} / {r['encodeMsMax']:.0f} | " + (f"{p['bytes']:,} | {p['ssim']:.4f} | {p['encodeMs']:.0f} |" if p else "– | – | – |"))
    chosen = {}
    for effort in sorted({r["effort"] for r in rows if r["format"] == "avif"}):
        ok_rows = [r for r in rows if r["engine"] == "libvips" and r["format"] == "avif" and r["effort"] == effort and r["ssim"] >= webp["ssim"]]
        chosen[effort] = min(ok_rows, key=lambda r: r["q"]) if ok_rows else None
    lines += ["", "Lowest AVIF q whose mean SSIM is at least WebP q80's (" + f"{webp['ssim']:.4f}): "
              + "; ".join(f"effort {e}: " + (f"q{c['q']} ({c['bytes']:,} bytes, {(c['bytes'] / webp['bytes'] - 1) * 100:+.0f} % vs WebP; SSIM {c['ssim']:.4f} / min {c['ssimMin']:.4f} vs WebP's min {webp['ssimMin']:.4f}; "
                                            f"{c['encodeMs']:.0f} ms vs WebP's {webp['encodeMs']:.0f} ms)" if c else "none in the range") for e, c in chosen.items()) + ".", ""]
    lines += ["### AVIF encode time against the output's area", "",
              "The default renditions' pixels at each long edge, AVIF at the default quality, effort 4, one thread; the whole render (decode with shrink-on-load, resize, encode) beside it.", "",
              "| long edge | mean pixels | AVIF encode ms mean / max (wall) | AVIF encode CPU ms mean / max | wall ms per megapixel | WebP q80 encode ms | whole AVIF render ms |", "|---:|---:|---|---|---:|---:|---:|"]
    for r in st["avifSizes"]:
        lines.append(f"| {r['edge']} | {r['pixels']:,.0f} | {r['encodeMs']:.0f} / {r['encodeMsMax']:.0f} | {r.get('encodeCpuMs', 0):.0f} / {r.get('encodeCpuMsMax', 0):.0f} | {r['msPerMegapixel']:.0f} | {r['webpEncodeMs']:.0f} | {r['renderMs']:.0f} |")
    return lines + [""]


def intermediate_section(st):
    rows = st["intermediate"]
    names = list(rows[0]["scenarios"].keys())
    lines = ["## Intermediate", "",
             f"For each candidate intermediate (made from each of the {rows[0]['files']} opaque originals), the later sizes cut from it — and, on the first line, from the original — "
             "with SSIM (mean / min) to the source, output bytes and time to cut (median of three, one at a time); and what making the intermediate costs.", "",
             "| intermediate | make ms | its bytes | " + " | ".join(f"{n} SSIM | {n} bytes | {n} ms" for n in names) + " |",
             "|---|---:|---:|" + "---|---:|---:|" * len(names)]
    for r in rows:
        cells = " | ".join(f"{c['ssim']:.4f} / {c['ssimMin']:.4f} | {c['bytes']:,} | {c['ms']:.1f}" for c in r["scenarios"].values())
        lines.append(f"| {r['variant']} | {r['makeMs']:.0f} | {r['intermediateBytes']:,} | {cells} |")
    return lines + [""]


def first_view_section(first_view):
    widths = [r["width"] for r in first_view]
    lines = ["## First view from the intermediate", "",
             f"A page's four srcset widths (WebP q80) of each of the {first_view[0]['files']} photos, made three ways in-process: from the original (as the peer does, "
             "shrink-on-load and Lanczos-3), from the 1600 px intermediate's pixels in memory (what the service's first view does: one decode of the original serves "
             "all four) and from the stored intermediate file (JPEG q95, as on another instance). PSNR (RGB) and SSIM against the original decoded whole and resized; "
             "Δ is against the same width from the original, as a mean over the photos and for the worst photo. Target (issue 15): within 0.2 dB below at every width.", "",
             "| width | from the original: PSNR dB / SSIM / bytes | held in memory: PSNR dB (Δ mean / worst) / SSIM / bytes | stored file: PSNR dB (Δ mean / worst) / SSIM / bytes | met? |",
             "|---:|---|---|---|---|"]
    for r in first_view:
        o = r["paths"]["original"]
        cells = []
        for p in ("held", "stored"):
            v = r["paths"][p]
            cells.append(f"{v['psnr']:.2f} ({v['psnr'] - o['psnr']:+.2f} / {v['worstDelta']:+.2f}) / {v['ssim']:.4f} / {v['bytes']:,} ({(v['bytes'] / o['bytes'] - 1) * 100:+.1f} %)")
        met = all(r["paths"][p]["psnr"] - o["psnr"] >= -0.2 for p in ("held", "stored"))
        lines.append(f"| {r['width']} | {o['psnr']:.2f} / {o['ssim']:.4f} / {o['bytes']:,} | {cells[0]} | {cells[1]} | {ok(met)} (mean) |")
    return lines + [""]


def http_benchmark():
    """bench/http/run_http.py (imported here, not at the top: it imports this file for publish, start_service and get)."""
    sys.path.insert(0, str(BENCH / "http"))
    import run_http
    return run_http


def http_only(started):
    """Only the HTTP benchmark: its section goes to a file of its own, so docs/benchmarks.md keeps the last full run."""
    http = http_benchmark()
    result = http.measure()
    # A quick run is for development: it never lands in docs/.
    target = RESULTS / "benchmarks-http.md" if result["quick"] else DOCS / "benchmarks-http.md"
    hardware, versions = machine(skip_server=True)
    header = ["# Benchmarks: HTTP, end to end", "", f"Written by `python3 bench/run.py --http-only` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(started))} "
              f"({time.time() - started:.0f} s). Machine: {hardware}. Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()) + ". "
              "The in-process benchmark is in [benchmarks.md](benchmarks.md).", ""]
    target.write_text("\n".join(header + http.section(result)) + "\n")
    print(f"wrote {target}", file=sys.stderr)


def report(rows, ssim, first_view, st, cached, cold, hardware, versions, started, http=None):
    by = {(r["scenario"], r["engine"]): r for r in rows}
    q = {(s["scenario"], s["engine"]): s for s in ssim}
    sharp_version = by[("default", "sharp")]
    load = ", ".join(f"{what} {value:.2f}" for what, value in LOADS)
    lines = [
        "# Benchmarks",
        "",
        f"Written by `bench/run.sh` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(started))} ({time.time() - started:.0f} s). "
        f"Machine: {hardware}. Versions: ImageApi on libvips {by[('default', 'libvips')]['version']} (NetVips 3.2.0), ImageSharp {by[('default', 'imagesharp')]['version']} (peer), sharp {sharp_version['version']} (libvips {sharp_version['libvips']}), "
        + ", ".join(f"{k} {v}" for k, v in versions.items()) + ".",
        "",
        f"Load (1-minute average, from `uptime`/`os.getloadavg`): {load}. The machine has 2 cores and other work (builds, tests) may run on it "
        "at the same time: absolute numbers may be noisy; the peers run one after the other on each scenario, so their ratios are the steadier figure.",
        "",
        "Everything below was measured in that one run, on the same machine, on the same files (the old service's row excepted: it is the published run of 2026-11-27).",
        "",
        "## Headline",
        "",
        "| target | measured | |",
        "|---|---|---|",
    ] + targets(rows, ssim)
    if cached:
        cached_ratio = cached["service"]["rps"] / cached["nginx"]["rps"]
        lines.append(f"| cached path ≥ 0.5× nginx's requests per second | {cached_ratio:.2f}× ({cached['service']['rps']:.0f} vs {cached['nginx']['rps']:.0f} req/s) | {ok(cached_ratio >= 0.5)} |")
        lines.append(f"| cold start to first cached response < 500 ms | {cold['ReadyToRun']['median']:.0f} ms (ReadyToRun), {cold['JIT only']['median']:.0f} ms (JIT only) | {ok(cold['ReadyToRun']['median'] < 500)} |")
    lines += [
        "",
        "![Throughput per scenario](benchmarks.png)",
        "",
        "## Rendering",
        "",
        f"Corpus: {len(by[('default', 'sharp')]['outputBytes'])} large real photos from Debian's wallpaper packages (`bench/corpus.sh`): "
        "8 JPEGs from 2560×1600 to 5120×2880 (four baseline, four progressive), 3 PNGs of 3840×2160 and 5120×2880, 2 WebPs of 4096×4096. "
        f"Each scenario runs the corpus for at least 3 s to warm up (whole passes), then {ROUNDS} times, with two concurrent workers (both cores busy). "
        "Engines: **sharp** with its defaults (JPEG/WebP shrink-on-load, Lanczos-3, WebP q80 effort 4, JPEG q80 4:2:0 with optimised Huffman tables) and its operation cache off; "
        "**ImageApi (libvips)**, `ImageApi.Processing` as the service configures it (one libvips thread per render, WebP effort 4, shrink-on-load); "
        "**ImageSharp 2.1.13 as it comes** (its own decoders, its default resampler and parallelism, WebP lossy method 4, from the original every time); "
        "and, as a reference, **the old ImageSharp-based service** as published on 2026-11-27. Scenarios, as the service meets them: "
        "`default` is everything it does when an original arrives (the default rendition, 800×800 inside, WebP q80); `first-size` is an original's first new size "
        "(`w=400` JPEG), which also makes and encodes the 1600 px intermediate from the same decode; `w400-jpeg`, `w1200-webp` and `cover300` "
        "are later new sizes, cut from that intermediate when they fit inside it: **ImageApi (libvips)** reads and decodes its stored file (JPEG q95) each time, as an instance that does not hold it; "
        "**ImageApi, intermediate held in memory** cuts from its decoded pixels, as the instance that made it does for the originals asked for lately (`Limits:IntermediateCacheMegabytes`; "
        "the 13 intermediates' pixels count in its peak memory). sharp and ImageSharp make every scenario from the original. "
        "SSIM (luma, 8×8 windows) and PSNR (RGB) are against the original decoded at full size and resized by libvips' Lanczos-3 without pre-shrink (`Quality.cs`).",
        "",
        "| scenario | engine | ops/s | p50 ms | p95 ms | peak RSS MB | output bytes | vs sharp | SSIM (mean / min) | PSNR dB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for s in SCENARIOS:
        sharp_bytes = sum(by[(s, "sharp")]["outputBytes"].values())
        for e in ENGINES[:2] + ([HELD] if s in LATER else []) + ENGINES[2:]:
            r = by[(s, e)]
            total = sum(r["outputBytes"].values())
            quality = q.get((s, e))
            lines.append(f"| {s} | {LABELS[e]} | {r['throughput']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['peakRssMb']:.0f} | {total:,} | "
                         f"{(total / sharp_bytes - 1) * 100:+.1f} % | {quality['ssim']:.4f} / {quality['min']:.4f} | {quality['psnr']:.2f} |")
        o = OLD_SERVICE[s]
        lines.append(f"| {s} | *{LABELS['old']}* | *{o[0]:.1f}* | | *{o[1]}* | *{o[2]}* | *{o[3]:,}* | | *{o[4]:.4f} / {o[5]:.4f}* | |")
    lines += [""] + first_view_section(first_view)
    if st:
        if st.get("reused"):
            when = f"at {st['measuredAt']}, 1-minute load {st['load']:.1f}" if "load" in st else "earlier (their time and load were not recorded)"
            lines += [f"*The AVIF and intermediate studies below were measured {when} on this machine and reused (`bench/results/studies.json`, "
                      "`BENCH_REUSE_STUDIES=1`): their times are of that run; bytes and SSIM do not depend on it.*", ""]
        lines += avif_section(st) + intermediate_section(st)
    if cached:
        lines += [
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
        lines.append("")
    else:
        lines += ["The cached path (nginx) and cold start were not measured in this run (`--skip-server`).", ""]
    if http:
        lines += http_benchmark().section(http)
    else:
        lines += ["The HTTP benchmark was not run (`--skip-http`).", ""]
    lines += ["## Reproduce", "", "```sh", "bench/run.sh                 # BENCH_ROUNDS=3 by default", "bench/run.sh --skip-server   # without the cached path and cold start (nginx, wrk)",
              "bench/run.sh --skip-studies  # without the AVIF and intermediate studies", "bench/run.sh --skip-http     # without the HTTP benchmark (service and peer over HTTP on moto)",
              "bench/run.sh --http-only     # only the HTTP benchmark, into docs/benchmarks-http.md", "```", "",
              "Raw results: `bench/results/` (ignored by git). The analysis below is written by hand from these numbers.", ""]
    notes = DOCS / "benchmarks-notes.md"
    if notes.exists():
        lines += [notes.read_text()]
    (DOCS / "benchmarks.md").write_text("\n".join(lines) + "\n")


def main():
    started = time.time()
    RESULTS.mkdir(exist_ok=True)
    DOCS.mkdir(exist_ok=True)
    if "--http-only" in sys.argv:
        return http_only(started)
    skip_server = "--skip-server" in sys.argv
    skip_http = "--skip-http" in sys.argv
    skip_studies = "--skip-studies" in sys.argv
    LOADS.append(("start", os.getloadavg()[0]))
    hardware, versions = machine(skip_server)
    saved = RESULTS / "throughput.json"
    if os.environ.get("BENCH_REUSE_THROUGHPUT") == "1" and saved.exists():
        rows, ssim, first_view = json.loads(saved.read_text()).values()
    else:
        print("throughput and quality", file=sys.stderr)
        rows, ssim, first_view = throughput()
        saved.write_text(json.dumps({"rows": rows, "ssim": ssim, "firstView": first_view}))
    st = None
    saved_studies = RESULTS / "studies.json"
    if not skip_studies and os.environ.get("BENCH_REUSE_STUDIES") == "1" and saved_studies.exists():
        st = json.loads(saved_studies.read_text())
        st["reused"] = True
    elif not skip_studies:
        print("studies", file=sys.stderr)
        st = studies()
        st["measuredAt"], st["load"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.getloadavg()[0]
        saved_studies.write_text(json.dumps(st))
    cached = cold = None
    if not skip_server:
        print("cached path and cold start", file=sys.stderr)
        cached, cold = cached_and_cold_start()
    http = None
    saved_http = RESULTS / "http.json"
    if not skip_http and os.environ.get("BENCH_REUSE_HTTP") == "1" and saved_http.exists():
        http = json.loads(saved_http.read_text())
    elif not skip_http:
        print("HTTP, end to end", file=sys.stderr)
        http = http_benchmark().measure()
        LOADS.append(("HTTP benchmark", os.getloadavg()[0]))
    LOADS.append(("end", os.getloadavg()[0]))
    (RESULTS / "results.json").write_text(json.dumps({"rows": rows, "ssim": ssim, "firstView": first_view, "studies": st, "cached": cached, "cold": cold, "load": LOADS}, indent=2))
    chart(rows)
    report(rows, ssim, first_view, st, cached, cold, hardware, versions, started, http)
    print((DOCS / "benchmarks.md").read_text().split("## Rendering")[0])


if __name__ == "__main__":
    main()
