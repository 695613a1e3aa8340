#!/usr/bin/env python3
"""The HTTP benchmark of issue 15: the service, published as for Lambda, on the folder store and on S3
(moto), beside a Node.js + sharp peer of the AWS image-optimization sample's architecture (peer.mjs) on
the same moto. bench/run.py calls measure() and section(); alone:

    python3 bench/http/run_http.py            # writes bench/results/http.json and prints the section
    BENCH_HTTP_QUICK=1 python3 bench/http/run_http.py   # one repetition, three photos: for development
"""
import http.client, json, os, shutil, signal, statistics, subprocess, sys, tempfile, threading, time, urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HTTP = Path(__file__).resolve().parent
sys.path.insert(0, str(HTTP.parent))
import run as base  # noqa: E402  (bench/run.py: publish, start_service, get, free_port, sh)

QUICK = os.environ.get("BENCH_HTTP_QUICK") == "1"
REPETITIONS = 1 if QUICK else 3
CLIENTS = 2
FIRST_VIEW = [f"w={w}&format=webp" for w in (320, 640, 960, 1280)]
LATER = ["w=400&format=jpeg", "w=300&h=300&fit=cover&format=webp"]
# Stored responses take about a millisecond: enough passes that the server's CPU time (10 ms ticks)
# and the tail are measured, not rounded away.
STORED_PASSES = 3 if QUICK else 10
COLD_STARTS = 3 if QUICK else 7
# The Lambda template's memory size (serverless.template, MemorySize default) and the prices assumed.
LAMBDA_MB = 2048
PRICES = {
    "date": "2026-12-01 (AWS's published us-east-1 list prices, first tier; not fetched by the benchmark)",
    "x86": {"gbs": 0.0000166667, "request": 0.20 / 1e6},
    "arm64": {"gbs": 0.0000133334, "request": 0.20 / 1e6},
    "cloudfront_gb": 0.085,  # data transfer out to the internet, US/Europe, first 10 TB per month
}
CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
SCENARIOS = {
    "upload": "1. Upload-time (default rendition)",
    "first-view": "2. First view (four srcset widths at once)",
    "later": "3. Later new sizes",
    "stored": "4. Stored renditions",
}


# ---------------------------------------------------------------- processes


def proc_cpu_seconds(pid):
    """utime + stime of the process (its threads included), from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_peak_mb(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    return next(int(l.split()[1]) for l in status.splitlines() if l.startswith("VmHWM:")) / 1024


def reset_peak(pid):
    """Resets VmHWM (Linux ≥ 4.0), so each scenario's peak is its own, not the process's lifetime peak."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def stop(process):
    if process and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_http(port, path, process, timeout=60):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:2]} exited with {process.returncode} before answering {path}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", path)
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"port {port}{path}")


def start_moto(work):
    port = base.free_port()
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=open(work / "moto.log", "w"))
    wait_http(port, "/moto-api/", process)
    return process, f"http://127.0.0.1:{port}"


def s3_client(endpoint):
    import boto3
    from botocore.config import Config
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing", config=Config(max_pool_connections=16, s3={"addressing_style": "path"}))


AWS_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}


class System:
    """One server under test: its process, how an upload reaches it, where its renditions end up."""

    def __init__(self, name, label, kind, process, port, s3=None, buckets=None, data=None):
        self.name, self.label, self.kind, self.process, self.port = name, label, kind, process, port
        self.s3, self.buckets, self.data = s3, buckets, data
        self.local = threading.local()

    def connection(self):
        # One keep-alive connection per client thread, as a browser or CloudFront keeps them.
        if getattr(self.local, "connection", None) is None:
            self.local.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        return self.local.connection

    def request(self, method, path, body=None, headers=None):
        for attempt in (1, 2):
            c = self.connection()
            try:
                c.request(method, path, body=body, headers=headers or {})
                response = c.getresponse()
                return response.status, dict(response.getheaders()), response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                c.close()
                self.local.connection = None
                if attempt == 2:
                    raise


def start_service(app, work, moto_endpoint, s3):
    """The published service twice: on the folder store (embedded uploads) and on S3 (moto)."""
    common = {"RateLimits__UploadsPerMinute": "0", "RateLimits__RenditionsPerMinute": "0", "Logging__LogLevel__Default": "Warning",
              "Limits__MaxRenditionsPerOriginal": "0"}
    data = work / "service-data"
    data.mkdir()
    port = base.free_port()
    embedded = System("service-file", "ImageApi, folder store", "file", base.start_service(app, data, port, **common), port, data=data)
    for bucket in ("service-source", "service-destination"):
        s3.create_bucket(Bucket=bucket)
    port = base.free_port()
    on_s3 = System("service-s3", "ImageApi, S3 (moto)", "s3", base.start_service(app, work / "unused", port, **common, **AWS_ENV,
                   Storage__Provider="S3", Storage__S3__SourceBucket="service-source", Storage__S3__DestinationBucket="service-destination",
                   Storage__S3__ServiceUrl=moto_endpoint, Storage__S3__ForcePathStyle="true"), port, s3=s3,
                   buckets=("service-source", "service-destination"))
    return [embedded, on_s3]


def start_peer(moto_endpoint, s3):
    for bucket in ("peer-source", "peer-destination"):
        s3.create_bucket(Bucket=bucket)
    port = base.free_port()
    env = dict(os.environ, **AWS_ENV, PORT=str(port), S3_ENDPOINT=moto_endpoint, SOURCE_BUCKET="peer-source", DESTINATION_BUCKET="peer-destination")
    process = subprocess.Popen(["node", "peer.mjs"], cwd=HTTP, env=env, stdout=subprocess.DEVNULL, stderr=None)
    return System("peer", "peer: Node.js + sharp, S3 (moto)", "s3", process, port, s3=s3, buckets=("peer-source", "peer-destination"))


# ---------------------------------------------------------------- clients


class Photo:
    def __init__(self, path):
        self.path, self.name = path, path.name
        self.bytes = path.read_bytes()
        self.content_type = CONTENT_TYPES[path.suffix]


def upload(system, photo, prefix):
    """Puts the original where the system reads it; returns the key and, for the folder store, the file that appears when its default rendition is made."""
    if system.kind == "file":
        ticket_request = json.dumps({"fileName": photo.name, "contentType": photo.content_type, "contentLength": len(photo.bytes)})
        status, _, body = system.request("POST", "/uploads", ticket_request, {"Content-Type": "application/json"})
        assert status == 201, (status, body[:300])
        ticket = json.loads(body)
        target = urllib.parse.urlsplit(ticket["uploadUrl"])
        status, _, body = system.request(ticket.get("method", "PUT"), target.path + ("?" + target.query if target.query else ""), photo.bytes, ticket.get("headers") or {"Content-Type": photo.content_type})
        assert status in (200, 201, 204), (status, body[:300])
        return ticket["key"]
    key = f"uploads/{prefix}/{photo.name}"
    put = system.s3.put_object(Bucket=system.buckets[0], Key=key, Body=photo.bytes, ContentType=photo.content_type)
    # What S3 would send to the event Lambda (the Lambda Web Adapter posts it as it is).
    event = {"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
                          "s3": {"bucket": {"name": system.buckets[0]},
                                 "object": {"key": urllib.parse.quote_plus(key, safe="/"), "size": len(photo.bytes), "eTag": put["ETag"].strip('"')}}}]}
    status, _, body = system.request("POST", "/events", json.dumps(event), {"Content-Type": "application/json"})
    assert status == 200, (status, body[:300])
    return key


def done_marker(system, key):
    return system.data / "destination" / "processed" / key / "_source.json"


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else 0


class Measurement:
    """Wall time, latencies, bytes and the server's CPU and peak memory over one scenario on one system."""

    def __init__(self, system):
        self.system, self.latencies, self.bytes, self.intermediates, self.misses = system, [], 0, 0, 0
        self.lock = threading.Lock()

    def __enter__(self):
        pid = self.system.process.pid
        self.peak_reset = reset_peak(pid)
        self.cpu0, self.started = proc_cpu_seconds(pid), time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        pid = self.system.process.pid
        self.cpu = proc_cpu_seconds(pid) - self.cpu0
        self.peak_mb = proc_peak_mb(pid)

    def add(self, started, size=0, headers=None):
        with self.lock:
            self.latencies.append((time.perf_counter() - started) * 1000)
            self.bytes += size
            timing = (headers or {}).get("Server-Timing", "")
            self.intermediates += "intermediate;" in timing
            self.misses += "cache;desc=miss" in timing or (headers or {}).get("X-Cache") == "miss"

    def result(self):
        ops = len(self.latencies)
        return {"ops": ops, "seconds": self.seconds, "opsPerSecond": ops / self.seconds, "p50": percentile(self.latencies, 0.5),
                "p95": percentile(self.latencies, 0.95), "bytes": self.bytes, "cpuSeconds": self.cpu, "cpuMsPerOp": self.cpu / ops * 1000,
                "peakMb": self.peak_mb, "peakIsPerScenario": self.peak_reset, "intermediates": self.intermediates, "misses": self.misses}


def get_image(system, key, query, measurement=None, save=None):
    started = time.perf_counter()
    status, headers, body = system.request("GET", f"/images/{urllib.parse.quote(key)}" + (f"?{query}" if query else ""))
    if status != 200:
        raise RuntimeError(f"{system.name}: GET {key}?{query}: {status} {body[:300]!r}")
    if measurement:
        measurement.add(started, len(body), headers)
    if save:
        save.parent.mkdir(parents=True, exist_ok=True)
        save.write_bytes(body)
    return body


def scenario_upload(system, photos, prefix):
    """Uploads from two clients; done when every default rendition exists. On S3, /events answers once
    it is stored; the folder store's PUT answers at once and its background workers make it, so the
    finished ones are watched for (its _source.json is written after the rendition)."""
    keys = {}
    with Measurement(system) as m:
        if system.kind == "s3":
            def one(photo):
                started = time.perf_counter()
                keys[photo.name] = upload(system, photo, prefix)
                m.add(started)
            run_clients([lambda p=p: one(p) for p in photos])
            return keys, m
        uploaded = {}
        def one(photo):
            started = time.perf_counter()
            keys[photo.name] = upload(system, photo, prefix)
            uploaded[photo.name] = started
        with ThreadPoolExecutor(CLIENTS) as pool:
            futures = [pool.submit(one, p) for p in photos]
            deadline = time.perf_counter() + 600
            while len(m.latencies) < len(photos):
                for f in futures:
                    if f.done() and f.exception():
                        raise f.exception()
                for name, started in list(uploaded.items()):
                    if done_marker(system, keys[name]).exists():
                        m.add(started)
                        del uploaded[name]
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"default renditions never appeared: {sorted(uploaded)}")
                time.sleep(0.005)
    return keys, m


def run_clients(tasks, clients=CLIENTS):
    with ThreadPoolExecutor(clients) as pool:
        for future in [pool.submit(t) for t in tasks]:
            future.result()


def scenario_first_view(system, photos, keys, save_to):
    """Two clients, each loading one page at a time: a page asks for its image's four srcset widths at once."""
    with Measurement(system) as m, ThreadPoolExecutor(len(FIRST_VIEW) * CLIENTS) as requests:
        def page(photo):
            futures = [requests.submit(get_image, system, keys[photo.name], q, m, save_to and save_to / q.split("&")[0].replace("=", "") / photo.name) for q in FIRST_VIEW]
            for f in futures:
                f.result()
        run_clients([lambda p=p: page(p) for p in photos])
    return m


def scenario_later(system, photos, keys, save_to):
    names = {LATER[0]: "w400-jpeg", LATER[1]: "cover300"}  # Quality.cs crops to fill for the scenario named cover300
    with Measurement(system) as m:
        run_clients([lambda p=p, q=q: get_image(system, keys[p.name], q, m, save_to and save_to / names[q] / p.name) for p in photos for q in LATER])
    return m


def scenario_stored(system, photos, keys):
    queries = [""] + FIRST_VIEW + LATER
    with Measurement(system) as m:
        run_clients([lambda p=p, q=q: get_image(system, keys[p.name], q, m) for _ in range(STORED_PASSES) for p in photos for q in queries])
    return m


class SystemOutputs:
    """outputs/<scenario>/<system>/<photo>: the layout Quality.cs reads (scenario, then engine)."""

    def __init__(self, root, system):
        self.root, self.system = root, system

    def __truediv__(self, scenario):
        return self.root / scenario / self.system


def one_repetition(system, photos, prefix, save_to=None):
    """The four scenarios in order on fresh keys; the first view makes what the later sizes are cut from."""
    keys, upload_m = scenario_upload(system, photos, prefix)
    upload_bytes = 0
    for photo in photos:  # the default renditions, as stored (not timed)
        upload_bytes += len(get_image(system, keys[photo.name], "", save=save_to and save_to / "upload" / photo.name))
    upload_m.bytes = upload_bytes
    results = {"upload": upload_m.result()}
    results["first-view"] = scenario_first_view(system, photos, keys, save_to).result()
    results["later"] = scenario_later(system, photos, keys, save_to).result()
    results["stored"] = scenario_stored(system, photos, keys).result()
    return results


def storage_cpu(moto):
    return proc_cpu_seconds(moto.pid)


# ---------------------------------------------------------------- cold start


def cold_start(app, work):
    """From process start to the first 200 of a stored rendition and, separately, of a rendition that must be generated (folder store, median of COLD_STARTS)."""
    data = work / "cold"
    original = data / "source" / "uploads" / "cold" / "photo.jpg"
    original.parent.mkdir(parents=True)
    shutil.copy(base.CORPUS / "honeywave-5120x2880.jpg", original)
    path = "/images/uploads/cold/photo.jpg"
    times = {"stored": [], "generated": []}
    for kind in ["stored", "generated"]:
        for _ in range(COLD_STARTS):
            if kind == "generated":
                shutil.rmtree(data / "destination", ignore_errors=True)
            port = base.free_port()
            started = time.perf_counter()
            process = base.start_service(app, data, port, RateLimits__UploadsPerMinute="0")
            try:
                base.get(port, path + ("?w=640" if kind == "generated" else ""), timeout=60)
                times[kind].append((time.perf_counter() - started) * 1000)
            finally:
                stop(process)
    return {k: {"median": statistics.median(v), "min": min(v), "max": max(v), "runs": len(v)} for k, v in times.items()}


# ---------------------------------------------------------------- quality


def quality(outputs, corpus):
    """SSIM and PSNR per (scenario, system) by Quality.cs: against the original decoded at full size and resized by libvips' Lanczos-3 without pre-shrink."""
    harness = base.HARNESS
    if not harness.exists():
        base.sh("dotnet", "build", "-c", "Release", str(base.BENCH / "ImageApi.Bench"), "-v", "q", "-nologo")
    return json.loads(base.sh("dotnet", str(harness), "--corpus", str(corpus), "--quality", str(outputs)))


# ---------------------------------------------------------------- the run


def median_run(runs):
    """The repetition with the median throughput, whole (its latencies, bytes, CPU and memory belong together)."""
    middle = statistics.median(r["opsPerSecond"] for r in runs)
    return min(runs, key=lambda r: abs(r["opsPerSecond"] - middle))


def measure(app=None):
    """Runs the HTTP benchmark; returns what section() reports (also saved as bench/results/http.json)."""
    names = sorted(p.name for p in base.CORPUS.iterdir() if p.suffix in CONTENT_TYPES)
    chosen = names[:3] if QUICK else names
    # Warm-up on other keys (the JIT, connection pools, moto's buckets): the smallest photos, once.
    warm = sorted(names, key=lambda n: (base.CORPUS / n).stat().st_size)[:1 if QUICK else 3]
    work = Path(tempfile.mkdtemp(prefix="imageapi-http-bench-"))
    outputs = base.RESULTS / "http-outputs"
    shutil.rmtree(outputs, ignore_errors=True)
    corpus_view = work / "corpus"  # Quality.cs reads the originals by name from here
    corpus_view.mkdir()
    for n in chosen:
        os.symlink(base.CORPUS / n, corpus_view / n)
    photos = [Photo(base.CORPUS / n) for n in chosen]
    moto = None
    systems = []
    try:
        if app is None:
            app = work / "app"
            print("  publishing the service (ReadyToRun, framework-dependent, as for Lambda)", file=sys.stderr)
            base.publish(True, app)
        moto, endpoint = start_moto(work)
        s3 = s3_client(endpoint)
        systems = start_service(app, work, endpoint, s3) + [start_peer(endpoint, s3)]
        for system in systems:
            wait_http(system.port, "/healthz", system.process)
        for system in systems:
            print(f"  warm-up: {system.name}", file=sys.stderr)
            one_repetition(system, [Photo(base.CORPUS / n) for n in warm], "warmup")
        runs = {s.name: [] for s in systems}
        storage = {s.name: 0.0 for s in systems}
        for rep in range(REPETITIONS):
            # Alternate the order: the machine's speed drifts over a run.
            for system in (systems if rep % 2 == 0 else systems[::-1]):
                print(f"  repetition {rep + 1} of {REPETITIONS}: {system.name}", file=sys.stderr)
                moto0 = storage_cpu(moto)
                save_to = SystemOutputs(outputs, system.name) if rep == 0 else None  # bytes are the same every time
                runs[system.name].append(one_repetition(system, photos, f"bench/r{rep}", save_to))
                storage[system.name] += storage_cpu(moto) - moto0
        print("  quality (Quality.cs)", file=sys.stderr)
        q = quality(outputs, corpus_view)
    finally:
        for system in systems:
            stop(system.process)
        stop(moto)
    print("  cold start", file=sys.stderr)
    try:
        cold = cold_start(app, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {
        "quick": QUICK, "repetitions": REPETITIONS, "clients": CLIENTS, "photos": chosen, "warmUp": warm, "storedPasses": STORED_PASSES,
        "systems": {s.name: s.label for s in systems},
        "runs": runs,
        "median": {s: {sc: median_run([r[sc] for r in rs]) for sc in SCENARIOS} for s, rs in runs.items()},
        "storageCpuSeconds": {s: v / REPETITIONS for s, v in storage.items()},
        "quality": q, "cold": cold, "prices": PRICES, "lambdaMb": LAMBDA_MB,
        "load": os.getloadavg()[0],
    }
    base.RESULTS.mkdir(exist_ok=True)
    (base.RESULTS / "http.json").write_text(json.dumps(result, indent=2))
    return result




if __name__ == "__main__":
    app = os.environ.get("BENCH_HTTP_APP")  # an existing publish folder, to skip publishing while developing
    print(json.dumps(measure(Path(app) if app else None)["median"], indent=1))
