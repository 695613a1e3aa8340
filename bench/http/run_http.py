#!/usr/bin/env python3
"""The HTTP benchmark of issue 15: the service, published as for Lambda, on the folder store and on S3
(moto), beside a Node.js + sharp peer of the AWS image-optimization sample's architecture (peer.mjs) on
the same moto. bench/run.py calls measure() and section(); alone:

    python3 bench/http/run_http.py            # writes bench/results/http.json and prints the section
    BENCH_HTTP_QUICK=1 python3 bench/http/run_http.py   # one repetition, three photos: for development
    BENCH_HTTP_QUICK=1 BENCH_HTTP_PHOTOS=13 ...          # one repetition, all photos
"""
import http.client, json, os, shutil, signal, statistics, subprocess, sys, tempfile, threading, time, urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HTTP = Path(__file__).resolve().parent
sys.path.insert(0, str(HTTP.parent))
import run as base  # noqa: E402  (bench/run.py: publish, start_service, get, free_port, sh)

QUICK = os.environ.get("BENCH_HTTP_QUICK") == "1"
REPETITIONS = 1 if QUICK else 3
WARM_PASSES = 1 if QUICK else 3
CLIENTS = 2
FIRST_VIEW = [f"w={w}&format=webp" for w in (320, 640, 960, 1280)]
LATER = ["w=400&format=jpeg", "w=300&h=300&fit=cover&format=webp"]
# Stored responses take about a millisecond: enough passes that the server's CPU time (10 ms ticks)
# and the tail are measured, not rounded away.
STORED_PASSES = 3 if QUICK else 10
# The warm-up's stored scenario runs longer: .NET's tiered JIT was still recompiling the stored path's
# 2,900 hot methods (about a second of CPU on its own thread) through the first measured 910 requests
# after 630 of them, and settled after about 1,800. V8 gets the same passes.
WARM_STORED_PASSES = 3 if QUICK else 30
# One pass of the 13 photos is about 1.6 s of uploads: round to round the ratio of two equal systems swung
# 0.96-1.04 (seven of nine paired rounds on 2026-12-02 spread 7.35-8.34 uploads/s). Each repetition
# uploads every photo this many times, on fresh keys.
UPLOAD_PASSES = 2 if QUICK else 4
COLD_STARTS = 3 if QUICK else 7
# The Lambda template's memory size (serverless.template, MemorySize default) and the prices assumed.
LAMBDA_MB = 2048
PRICES = {
    # Written down on 2026-12-01: us-east-1 list prices, first tier, unchanged since arm64 came in 2021 (guides of
    # 2024-2025 quote the same); aws.amazon.com/lambda/pricing was not re-read that day. Update them here, with the date.
    "date": "us-east-1 list prices, first tier, as assumed on 2026-12-01",
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


def start_storage(work):
    """moto's S3 server behind an nginx front that keeps clients' connections alive.

    moto's server (Werkzeug) answers every request with `Connection: close`, so without the front every
    S3 request of both systems opens a TCP connection, which S3 itself does not make them do: session 8
    counted 1,400 `connect` calls for 1,400 stored renditions, and the service's CPU per stored rendition
    fell from 1.71 to 1.19 ms with the front. nginx still opens one connection to moto per request; that
    and nginx's CPU are storage's cost, measured with moto's. Returns the processes and the endpoint."""
    moto_port, port = base.free_port(), base.free_port()
    moto = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(moto_port)],
                            stdout=subprocess.DEVNULL, stderr=open(work / "moto.log", "w"))
    wait_http(moto_port, "/moto-api/", moto)
    conf = work / "s3-front.conf"
    # One process (no master), so that its CPU is one /proc entry. Bodies stream both ways, unbuffered and unlimited.
    conf.write_text(f"""daemon off; master_process off; worker_processes 1; pid {work}/s3-front.pid; error_log {work}/s3-front.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  upstream moto {{ server 127.0.0.1:{moto_port}; }}
  server {{
    listen 127.0.0.1:{port};
    keepalive_requests 1000000; keepalive_timeout 600s; client_max_body_size 0;
    location / {{
      proxy_pass http://moto; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host $http_host;
      proxy_request_buffering off; proxy_buffering off; proxy_read_timeout 600s;
    }}
  }}
}}
""")
    front = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(work)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_http(port, "/moto-api/", front)
    except Exception:
        stop(moto)
        stop(front)
        raise
    return [moto, front], f"http://127.0.0.1:{port}"


def s3_client(endpoint):
    import boto3
    from botocore.config import Config
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing", config=Config(max_pool_connections=16, s3={"addressing_style": "path"}))


AWS_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}


class System:
    """One server under test: its process, how an upload reaches it, where its renditions end up."""

    def __init__(self, name, label, kind, process, port, s3=None, buckets=None, data=None, log=None):
        self.name, self.label, self.kind, self.process, self.port = name, label, kind, process, port
        self.s3, self.buckets, self.data, self.log = s3, buckets, data, log
        self.storage_pids = []  # moto's and its front's, for S3 systems: their CPU is measured beside the server's
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
    # The intermediates' log line (Information) counts how many each original's first view made.
    common = {"RateLimits__UploadsPerMinute": "0", "RateLimits__RenditionsPerMinute": "0", "Logging__LogLevel__Default": "Warning",
              "Logging__LogLevel__ImageApi.Images.Intermediates": "Information", "Limits__MaxRenditionsPerOriginal": "0"}
    data = work / "service-data"
    data.mkdir()
    port = base.free_port()
    log = work / "service-file.log"
    embedded = System("service-file", "ImageApi, folder store", "file", base.start_service(app, data, port, open(log, "w"), **common), port, data=data, log=log)
    for bucket in ("service-source", "service-destination"):
        s3.create_bucket(Bucket=bucket)
    port = base.free_port()
    log = work / "service-s3.log"
    on_s3 = System("service-s3", "ImageApi, S3 (moto)", "s3", base.start_service(app, work / "unused", port, open(log, "w"), **common, **AWS_ENV,
                   Storage__Provider="S3", Storage__S3__SourceBucket="service-source", Storage__S3__DestinationBucket="service-destination",
                   Storage__S3__ServiceUrl=moto_endpoint, Storage__S3__ForcePathStyle="true"), port, s3=s3,
                   buckets=("service-source", "service-destination"), log=log)
    return [embedded, on_s3]


def start_peer(moto_endpoint, s3):
    for bucket in ("peer-source", "peer-destination"):
        s3.create_bucket(Bucket=bucket)
    port = base.free_port()
    # NODE_NO_WARNINGS: the SDK's notice about future Node.js versions, not an error; errors still reach stderr.
    env = dict(os.environ, **AWS_ENV, NODE_NO_WARNINGS="1", PORT=str(port), S3_ENDPOINT=moto_endpoint, SOURCE_BUCKET="peer-source", DESTINATION_BUCKET="peer-destination")
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


def done_markers(system, key):
    """The default rendition and the record: the worker writes them at the same time, each staged and renamed into place."""
    folder = system.data / "destination" / "processed" / key
    return [folder / "_source.json", folder / "w800-h800-inside-q80.webp"]


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else 0


class Measurement:
    """Wall time, latencies, bytes and the server's CPU and peak memory over one scenario on one system."""

    def __init__(self, system):
        self.system, self.latencies, self.bytes, self.intermediates, self.misses, self.retries = system, [], 0, 0, 0, 0
        self.lock = threading.Lock()

    def __enter__(self):
        pid = self.system.process.pid
        self.peak_reset = reset_peak(pid)
        self.storage0 = self.storage_cpu()
        self.made0 = self.intermediates_logged()
        self.cpu0, self.started = proc_cpu_seconds(pid), time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        pid = self.system.process.pid
        self.cpu = proc_cpu_seconds(pid) - self.cpu0
        self.storage = self.storage_cpu() - self.storage0
        time.sleep(0.3)  # the console logger writes from a queue of its own
        self.intermediates_made = self.intermediates_logged() - self.made0
        self.peak_mb = proc_peak_mb(pid)

    def intermediates_logged(self):
        return self.system.log.read_text(errors="replace").count("Intermediate of ") if self.system.log else 0

    def retried(self):
        with self.lock:
            self.retries += 1

    def storage_cpu(self):
        return sum(proc_cpu_seconds(pid) for pid in self.system.storage_pids)

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
                "p95": percentile(self.latencies, 0.95), "bytes": self.bytes, "cpuSeconds": self.cpu, "cpuMsPerOp": self.cpu / ops * 1000, "storageCpuSeconds": self.storage,
                "peakMb": self.peak_mb, "peakIsPerScenario": self.peak_reset, "intermediates": self.intermediates, "intermediatesMade": self.intermediates_made, "misses": self.misses, "retries": self.retries}


def get_image(system, key, query, measurement=None, save=None):
    started = time.perf_counter()
    path = f"/images/{urllib.parse.quote(key)}" + (f"?{query}" if query else "")
    status, headers, body = system.request("GET", path)
    while status == 503 and measurement:
        # Overloaded (the decode budget): a client retries after Retry-After; counted and reported, and the wait is in the latency.
        measurement.retried()
        time.sleep(float(headers.get("Retry-After", "1")))
        status, headers, body = system.request("GET", path)
    if status != 200:
        raise RuntimeError(f"{system.name}: GET {key}?{query}: {status} {body[:300]!r}")
    if measurement:
        measurement.add(started, len(body), headers)
    if save:
        save.parent.mkdir(parents=True, exist_ok=True)
        save.write_bytes(body)
    return body


def scenario_upload(system, photos, prefix, passes=UPLOAD_PASSES):
    """Uploads from two clients, every photo `passes` times on fresh keys; done when every default rendition
    exists. Returns the first pass's keys, which the later scenarios use. On S3, /events answers once it is
    stored; the folder store's PUT answers at once and its background workers make it, so the finished ones
    are watched for (the rendition and the record, which are written together)."""
    jobs = [(n, photo) for n in range(passes) for photo in photos]
    keys = {}
    with Measurement(system) as m:
        if system.kind == "s3":
            def one(n, photo):
                started = time.perf_counter()
                keys[n, photo.name] = upload(system, photo, f"{prefix}/p{n}")
                m.add(started)
            run_clients([lambda n=n, p=p: one(n, p) for n, p in jobs])
            return first_pass(keys, photos), m
        uploaded = {}
        def one(n, photo):
            started = time.perf_counter()
            keys[n, photo.name] = upload(system, photo, f"{prefix}/p{n}")
            uploaded[n, photo.name] = started
        with ThreadPoolExecutor(CLIENTS) as pool:
            futures = [pool.submit(one, n, p) for n, p in jobs]
            deadline = time.perf_counter() + 600
            while len(m.latencies) < len(jobs):
                for f in futures:
                    if f.done() and f.exception():
                        raise f.exception()
                for job, started in list(uploaded.items()):
                    if all(f.exists() for f in done_markers(system, keys[job])):
                        m.add(started)
                        del uploaded[job]
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"default renditions never appeared: {sorted(uploaded)}")
                time.sleep(0.005)
    return first_pass(keys, photos), m


def first_pass(keys, photos):
    return {p.name: keys[0, p.name] for p in photos}


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


def scenario_stored(system, photos, keys, passes=STORED_PASSES):
    queries = [""] + FIRST_VIEW + LATER
    with Measurement(system) as m:
        run_clients([lambda p=p, q=q: get_image(system, keys[p.name], q, m) for _ in range(passes) for p in photos for q in queries])
    return m


class SystemOutputs:
    """outputs/<scenario>/<system>/<photo>: the layout Quality.cs reads (scenario, then engine)."""

    def __init__(self, root, system):
        self.root, self.system = root, system

    def __truediv__(self, scenario):
        return self.root / scenario / self.system


def one_repetition(system, photos, prefix, save_to=None, stored_passes=STORED_PASSES):
    """The four scenarios in order on fresh keys; the first view makes what the later sizes are cut from."""
    keys, upload_m = scenario_upload(system, photos, prefix)
    upload_bytes = 0
    for photo in photos:  # the default renditions, as stored (not timed)
        upload_bytes += len(get_image(system, keys[photo.name], "", save=save_to and save_to / "upload" / photo.name))
    upload_m.bytes = upload_bytes
    results = {"upload": upload_m.result()}
    results["first-view"] = scenario_first_view(system, photos, keys, save_to).result()
    results["later"] = scenario_later(system, photos, keys, save_to).result()
    results["stored"] = scenario_stored(system, photos, keys, stored_passes).result()
    return results


# ---------------------------------------------------------------- cold start


def cold_start(app, work):
    """From process start to the first 200 of a stored rendition and, separately, of a rendition that must be generated (folder store, median of COLD_STARTS)."""
    data = work / "cold"
    original = data / "source" / "uploads" / "cold" / "photo.jpg"
    original.parent.mkdir(parents=True)
    shutil.copy(base.CORPUS / "honeywave-5120x2880.jpg", original)
    path = "/images/uploads/cold/photo.jpg"

    def start_and_get(query):
        """Milliseconds from the process's start to its first 200 for the query."""
        port = base.free_port()
        started = time.perf_counter()
        process = base.start_service(app, data, port, RateLimits__UploadsPerMinute="0")
        try:
            base.get(port, path + query, timeout=60)
            return (time.perf_counter() - started) * 1000
        finally:
            stop(process)

    start_and_get("")  # untimed: every stored run must find the rendition in storage
    times = {"stored": [], "generated": []}
    for kind in ["stored", "generated"]:
        for _ in range(COLD_STARTS):
            if kind == "generated":
                shutil.rmtree(data / "destination", ignore_errors=True)
            times[kind].append(start_and_get("?w=640" if kind == "generated" else ""))
    return {k: {"median": statistics.median(v), "min": min(v), "max": max(v), "runs": len(v)} for k, v in times.items()}


# ---------------------------------------------------------------- quality


def quality(outputs, corpus):
    """SSIM and PSNR per (scenario, system) by Quality.cs: against the original decoded at full size and resized by libvips' Lanczos-3 without pre-shrink."""
    base.sh("dotnet", "build", "-c", "Release", str(base.BENCH / "ImageApi.Bench"), "-v", "q", "-nologo")  # up to date: a few seconds
    return json.loads(base.sh("dotnet", str(base.HARNESS), "--corpus", str(corpus), "--quality", str(outputs)))


def pillow_upload(photos):
    """The original function's transform with Debian's python3-pil (the system Python, which may not be the one running this)."""
    for python in ("/usr/bin/python3", sys.executable):
        if Path(python).exists() and subprocess.run([python, "-c", "import PIL"], capture_output=True).returncode == 0:
            return json.loads(base.sh(python, str(HTTP / "pillow_upload.py"), "--rounds", str(REPETITIONS), *(str(p.path) for p in photos)))
    print("  python3-pil is not installed: the Pillow reference is left out", file=sys.stderr)
    return None


def versions():
    """What ran, as installed (package.json pins the peer's packages; moto is whatever python3 has)."""
    module = lambda name: json.loads((HTTP / "node_modules" / name / "package.json").read_text())["version"]
    moto = base.sh(sys.executable, "-c", "import moto; print(moto.__version__)").strip()
    return {"moto": moto, "nginx": base.nginx_version(), "sharp": module("sharp"), "@aws-sdk/client-s3": module("@aws-sdk/client-s3"), "Node.js": base.sh("node", "--version").strip()}


def output_bytes(outputs):
    """Total bytes per (scenario folder, system) of the saved responses: the first view per width."""
    return {d.name: {e.name: sum(f.stat().st_size for f in e.iterdir()) for e in sorted(d.iterdir())} for d in sorted(outputs.iterdir())}


# ---------------------------------------------------------------- the run


def median_run(runs):
    """The repetition with the median throughput, whole (its latencies, bytes, CPU and memory belong together)."""
    middle = statistics.median(r["opsPerSecond"] for r in runs)
    return min(runs, key=lambda r: abs(r["opsPerSecond"] - middle))


def measure(app=None):
    """Runs the HTTP benchmark; returns what section() reports (also saved as bench/results/http.json)."""
    names = sorted(p.name for p in base.CORPUS.iterdir() if p.suffix in CONTENT_TYPES)
    chosen = names[:int(os.environ.get("BENCH_HTTP_PHOTOS", "3"))] if QUICK else names  # BENCH_HTTP_PHOTOS: development only
    # Warm-up on other keys (the JIT, connection pools, moto's buckets): the smallest photos, WARM_PASSES times
    # on fresh keys. One pass left .NET's tiered JIT recompiling hot code (with profiling, then optimised)
    # through the first repetition: a third of the service's CPU in the upload scenario was the JIT's thread.
    warm = sorted(names, key=lambda n: (base.CORPUS / n).stat().st_size)[:1 if QUICK else 3]
    work = Path(tempfile.mkdtemp(prefix="imageapi-http-bench-"))
    outputs = base.RESULTS / "http-outputs"
    shutil.rmtree(outputs, ignore_errors=True)
    corpus_view = work / "corpus"  # Quality.cs reads the originals by name from here
    corpus_view.mkdir()
    for n in chosen:
        os.symlink(base.CORPUS / n, corpus_view / n)
    photos = [Photo(base.CORPUS / n) for n in chosen]
    storage = []
    systems = []
    try:
        if app is None:
            app = work / "app"
            print("  publishing the service (ReadyToRun, framework-dependent, as for Lambda)", file=sys.stderr)
            base.publish(True, app)
        storage, endpoint = start_storage(work)
        s3 = s3_client(endpoint)
        systems.extend(start_service(app, work, endpoint, s3))  # one at a time, so that `finally` stops whatever started
        systems.append(start_peer(endpoint, s3))
        for system in systems:
            wait_http(system.port, "/healthz", system.process)
            system.storage_pids = [p.pid for p in storage] if system.kind == "s3" else []
        for system in systems:
            for p in range(WARM_PASSES):
                print(f"  warm-up {p + 1} of {WARM_PASSES}: {system.name}", file=sys.stderr)
                one_repetition(system, [Photo(base.CORPUS / n) for n in warm], f"warmup{p}", stored_passes=WARM_STORED_PASSES)
        runs = {s.name: [] for s in systems}
        for rep in range(REPETITIONS):
            # Alternate the order: the machine's speed drifts over a run.
            for system in (systems if rep % 2 == 0 else systems[::-1]):
                print(f"  repetition {rep + 1} of {REPETITIONS}: {system.name}", file=sys.stderr)
                save_to = SystemOutputs(outputs, system.name) if rep == 0 else None  # bytes are the same every time
                runs[system.name].append(one_repetition(system, photos, f"bench/r{rep}", save_to))
        print("  quality (Quality.cs)", file=sys.stderr)
        q = quality(outputs, corpus_view)
    finally:
        for system in systems:
            stop(system.process)
        for process in storage:
            stop(process)
    print("  in-process references: the first view's floor (sharp), the Pillow function", file=sys.stderr)
    floor = json.loads(base.sh("node", "floor.mjs", "--rounds", str(REPETITIONS), *map(str, (p.path for p in photos)), cwd=HTTP))
    pillow = pillow_upload(photos)
    print("  cold start", file=sys.stderr)
    try:
        cold = cold_start(app, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {
        "quick": QUICK, "repetitions": REPETITIONS, "clients": CLIENTS, "photos": chosen, "warmUp": warm, "warmPasses": WARM_PASSES, "storedPasses": STORED_PASSES, "uploadPasses": UPLOAD_PASSES, "warmStoredPasses": WARM_STORED_PASSES,
        "systems": {s.name: s.label for s in systems},
        "runs": runs,
        "median": {s: {sc: median_run([r[sc] for r in rs]) for sc in SCENARIOS} for s, rs in runs.items()},
        "versions": versions(), "quality": q, "outputBytes": output_bytes(outputs), "floor": floor, "pillow": pillow, "cold": cold, "prices": PRICES, "lambdaMb": LAMBDA_MB,
        "load": os.getloadavg()[0],
    }
    base.RESULTS.mkdir(exist_ok=True)
    (base.RESULTS / "http.json").write_text(json.dumps(result, indent=2))
    return result


# ---------------------------------------------------------------- the report

WIDTHS = [q.split("&")[0].replace("=", "") for q in FIRST_VIEW]  # w320 ... w1280: the saved folders
QUALITY_FOLDERS = {"upload": ["upload"], "first-view": WIDTHS, "later": ["w400-jpeg", "cover300"]}
SERVICES = ["service-file", "service-s3"]
WHAT = {
    "upload": "Each photo uploaded {uploads} by one of two clients (folder store: `POST /uploads`, then the `PUT` to the ticket's URL; "
              "S3: a `PutObject` to moto, then `POST /events` with that object's ObjectCreated notification), until every default rendition "
              "(800×800 inside, WebP q80) exists. ops = uploads; latency = from the upload's start to its rendition existing "
              "(folder store: the rendition's file and the record beside it, `_source.json`, have both appeared); bytes = the default renditions of one pass, as served afterwards. "
              "The folder store accepts every upload at once and its workers (`Events:Workers`, the number of cores) take them from the queue, so its latencies "
              "include the wait in the queue; on S3 each client waits for its event's answer, at most two in flight, as two concurrent Lambda invocations.",
    "first-view": "Two clients, each loading one page at a time: the page asks for its image's four srcset widths (320/640/960/1280, WebP) at once, "
                  "none of them made before. ops = requests.",
    "later": "`w=400&format=jpeg` and `w=300&h=300&fit=cover&format=webp` of each photo, after the first view (the service cuts them from its intermediate), two clients.",
    "stored": "The seven renditions made above of each photo (default, the four widths, the two later sizes), "
              "{passes} passes, two clients: everything is served from storage.",
}


def times(n):
    return "once" if n == 1 else "twice, on fresh keys," if n == 2 else f"{n} times, on fresh keys,"


def ratio(a, b):
    return a / b if b else float("nan")


def psnr_of(quality, system, folders):
    rows = [q for q in quality if q["engine"] == system and q["scenario"] in folders]
    return (sum(r["psnr"] for r in rows) / len(rows), sum(r["ssim"] for r in rows) / len(rows)) if rows else (None, None)


def scenario_table(r, scenario):
    lines = ["| system | ops in wall s | ops/s | p50 ms | p95 ms | bytes | PSNR dB (SSIM) | peak MB | CPU s | CPU ms/op | storage CPU s |", "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|"]
    for system, label in r["systems"].items():
        m = r["median"][system][scenario]
        psnr, ssim = psnr_of(r["quality"], system, QUALITY_FOLDERS.get(scenario, []))
        quality = f"{psnr:.2f} ({ssim:.4f})" if psnr else "as made above"
        lines.append(f"| {label} | {m['ops']:,} in {m['seconds']:.1f} | {m['opsPerSecond']:.2f} | {m['p50']:.0f} | {m['p95']:.0f} | {m['bytes']:,} | {quality} | {m['peakMb']:.0f} | "
                     f"{m['cpuSeconds']:.2f} | {m['cpuMsPerOp']:.1f} | {m.get('storageCpuSeconds', 0):.2f} |")
    return lines


def width_table(r):
    q = {(x["scenario"], x["engine"]): x for x in r["quality"]}
    lines = ["| width | " + " | ".join(f"{r['systems'][s]} bytes | PSNR dB | SSIM" for s in r["systems"]) + " |", "|---:|" + "---:|---:|---:|" * len(r["systems"])]
    for w in WIDTHS:
        lines.append(f"| {w[1:]} | " + " | ".join(f"{r['outputBytes'][w][s]:,} | {q[(w, s)]['psnr']:.2f} | {q[(w, s)]['ssim']:.4f}" for s in r["systems"]) + " |")
    return lines


def lambda_cost(r):
    gb = r["lambdaMb"] / 1024
    prices = r["prices"]
    lines = [f"Billed duration is taken as the measured server CPU time per operation at one vCPU (a {r['lambdaMb']} MB function has about "
             f"{r['lambdaMb'] / 1769:.2f} vCPU; AWS gives one full vCPU at 1,769 MB): a lower bound, since the waits on S3 are billed too and are not counted, "
             "and the same CPU time is assumed on arm64 (measured on this x86 machine). "
             f"Prices assumed ({prices['date']}): x86 ${prices['x86']['gbs']:.10f} and arm64 ${prices['arm64']['gbs']:.10f} per GB-s, "
             f"${prices['x86']['request'] * 1e6:.2f} per million requests; CloudFront ${prices['cloudfront_gb']:.3f} per GB to viewers (first 10 TB, US/Europe).", "",
             "| system | per 1,000 | CPU s per 1,000 | GB-s per 1,000 | $ x86 per 1,000 | $ arm64 per 1,000 |", "|---|---|---:|---:|---:|---:|"]
    for system, label in r["systems"].items():
        for scenario, what in [("upload", "uploads (default rendition)"), ("first-view", "first-view sizes"), ("later", "later new sizes"), ("stored", "stored renditions")]:
            cpu = r["median"][system][scenario]["cpuSeconds"] / r["median"][system][scenario]["ops"] * 1000
            cost = {arch: cpu * gb * prices[arch]["gbs"] + 1000 * prices[arch]["request"] for arch in ("x86", "arm64")}
            lines.append(f"| {label} | {what} | {cpu:.1f} | {cpu * gb:.1f} | {cost['x86']:.4f} | {cost['arm64']:.4f} |")
    lines += ["", "| system | bytes per page (four widths) | GB per 1,000 page views | CloudFront $ per 1,000 page views |", "|---|---:|---:|---:|"]
    for system, label in r["systems"].items():
        page = r["median"][system]["first-view"]["bytes"] / len(r["photos"])
        lines.append(f"| {label} | {page:,.0f} | {page * 1000 / 1e9:.3f} | {page * 1000 / 1e9 * prices['cloudfront_gb']:.4f} |")
    return lines


def ok(flag):
    return "met" if flag else "**not met**"


def targets(r):
    med, peer = r["median"], r["median"]["peer"]
    q = {(x["scenario"], x["engine"]): x for x in r["quality"]}
    lines = ["| target | measured | met? |", "|---|---|---|"]
    for s in SERVICES:
        label = r["systems"][s]
        m, p = med[s]["upload"], peer["upload"]
        x, b = ratio(m["opsPerSecond"], p["opsPerSecond"]), ratio(m["bytes"], p["bytes"]) - 1
        lines.append(f"| upload-time, {label}: ≥ 1.0× the peer's throughput at ≤ +2 % bytes | {x:.2f}× ({m['opsPerSecond']:.2f} vs {p['opsPerSecond']:.2f} uploads/s), {b * 100:+.1f} % bytes | {ok(x >= 1.0 and b <= 0.02)} |")
    if r.get("pillow"):
        pil = r["pillow"]
        lines.append(f"| upload-time: ratio to the original Pillow function's transform (Pillow {pil['version']}, in-process, two workers; reported, no threshold) | "
                     + ", ".join(f"{r['systems'][s]} {ratio(med[s]['upload']['opsPerSecond'], pil['opsPerSecond']):.2f}×" for s in SERVICES)
                     + f" (Pillow {pil['opsPerSecond']:.2f}/s, {pil['bytes']:,} bytes) | – |")
    for s in SERVICES:
        label = r["systems"][s]
        m, p = med[s]["first-view"], peer["first-view"]
        x, b = ratio(m["opsPerSecond"], p["opsPerSecond"]), ratio(m["bytes"], p["bytes"]) - 1
        worst = min(q[(w, s)]["psnr"] - q[(w, "peer")]["psnr"] for w in WIDTHS)
        per_width = ", ".join(f"{w[1:]}: {q[(w, s)]['psnr'] - q[(w, 'peer')]['psnr']:+.2f}" for w in WIDTHS)
        lines.append(f"| first view, {label}: ≥ 1.5× the peer's throughput | {x:.2f}× ({m['opsPerSecond']:.2f} vs {p['opsPerSecond']:.2f} requests/s) | {ok(x >= 1.5)} |")
        lines.append(f"| first view, {label}: bytes ≤ +2 % of the peer's | {b * 100:+.1f} % | {ok(b <= 0.02)} |")
        lines.append(f"| first view, {label}: PSNR ≥ the peer's − 0.2 dB at every width | {per_width} dB | {ok(worst >= -0.2)} |")
    if r.get("floor"):
        floor = r["floor"]["cpuSeconds"] / r["floor"]["pages"]
        lines.append("| first view: how close to the floor (one decode + four encodes per page; sharp in-process, `floor.mjs`) | "
                     + ", ".join(f"{r['systems'][s]} {med[s]['first-view']['cpuSeconds'] / len(r['photos']):.2f} s CPU per page = {med[s]['first-view']['cpuSeconds'] / len(r['photos']) / floor:.2f}× the floor's {floor:.2f} s" for s in SERVICES + ["peer"])
                     + " | – |")
    for s in SERVICES:
        made = med[s]["first-view"]["intermediatesMade"]
        lines.append(f"| first view, {r['systems'][s]}: one intermediate per original | {made} intermediates made for {len(r['photos'])} originals (the service's log) | {ok(made <= len(r['photos']))} |")
    for s in SERVICES:
        m, p = med[s]["later"], peer["later"]
        x = ratio(m["opsPerSecond"], p["opsPerSecond"])
        lines.append(f"| later new sizes, {r['systems'][s]}: ≥ 5× the peer | {x:.2f}× ({m['opsPerSecond']:.2f} vs {p['opsPerSecond']:.2f} requests/s) | {ok(x >= 5)} |")
    for s in SERVICES:
        m = med[s]["stored"]
        lines.append(f"| stored, {r['systems'][s]}: ≤ 1 ms of server CPU per request | {m['cpuMsPerOp']:.2f} ms ({m['cpuSeconds']:.2f} s for {m['ops']:,} requests; the peer: {peer['stored']['cpuMsPerOp']:.2f} ms) | {ok(m['cpuMsPerOp'] <= 1)} |")
    for s in SERVICES:
        over = [f"{sc} {med[s][sc]['peakMb']:.0f} vs {peer[sc]['peakMb']:.0f} MB" for sc in SCENARIOS if med[s][sc]["peakMb"] > peer[sc]["peakMb"]]
        peaks = ", ".join(f"{sc} {med[s][sc]['peakMb']:.0f}/{peer[sc]['peakMb']:.0f}" for sc in SCENARIOS)
        lines.append(f"| peak memory, {r['systems'][s]}: ≤ the peer's in every scenario | MB, service/peer: {peaks} | {ok(not over)} |")
    cold = r["cold"]
    lines.append(f"| cold start: first stored rendition < 500 ms (median of {cold['stored']['runs']}) | {cold['stored']['median']:.0f} ms (min {cold['stored']['min']:.0f}, max {cold['stored']['max']:.0f}) | {ok(cold['stored']['median'] < 500)} |")
    lines.append(f"| cold start: first generated rendition < 1.5 s (median of {cold['generated']['runs']}) | {cold['generated']['median']:.0f} ms (min {cold['generated']['min']:.0f}, max {cold['generated']['max']:.0f}) | {ok(cold['generated']['median'] < 1500)} |")
    return lines


def section(r):
    """The "## HTTP, end to end" section of docs/benchmarks.md, from measure()'s result."""
    lines = ["## HTTP, end to end", ""]
    v = r["versions"]
    if r["quick"]:
        lines += ["*A quick development run (`BENCH_HTTP_QUICK=1`: one repetition, three photos): not a measurement to quote.*", ""]
    lines += [
        f"The service published as for Lambda (`dotnet publish src/ImageApi -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true`, run as `dotnet ImageApi.dll`) "
        f"on the folder store and on S3 (moto {v['moto']}'s server, `python3 -m moto.server`, behind an nginx {v.get('nginx', '')} front that keeps the clients' connections alive as S3 does: moto closes every connection after one request), and beside it on the same moto the peer `bench/http/peer.mjs`: "
        f"a Node.js {v['Node.js']} service with sharp {v['sharp']} and the AWS SDK for JavaScript v3 (`@aws-sdk/client-s3` {v['@aws-sdk/client-s3']}) of the same architecture as AWS's image-optimization sample "
        "(the stored rendition from the destination bucket if there is one; else GET the original from the source bucket, sharp, PUT to the destination bucket, respond; "
        "`POST /events` makes the default rendition), with the service's defaults (fit inside, WebP q80 effort 4, JPEG q80 without mozjpeg, Lanczos-3, no enlargement, no metadata) "
        "and sharp's own threading. Rate limits off for the service (`RateLimits__*=0`). "
        f"{len(r['photos'])} photos ({', '.join(r['photos'])}), {r['clients']} concurrent clients (Python, keep-alive connections); "
        f"before the first repetition each system does the whole sequence {r.get('warmPasses', 1)} times on other keys ({', '.join(r['warmUp'])}, fresh keys each time; its stored scenario {r.get('warmStoredPasses', r['storedPasses'])} passes) to warm up (the JIT of both runtimes, connection pools, moto). "
        f"{r['repetitions']} repetitions with fresh keys, the order of the systems reversed every other repetition; each table row is the repetition with the median throughput, whole. "
        "Peak MB is the server process's VmHWM over the scenario (reset through `/proc/<pid>/clear_refs` before it, which sets it to the memory still resident then: "
        "what a long-lived process keeps from earlier scenarios counts); CPU s is its utime + stime over the scenario "
        "(`/proc/<pid>/stat`); storage CPU s, beside it, is moto's and its front's (not billed to the function). "
        "PSNR (RGB) and SSIM (luma) are `bench/ImageApi.Bench/Quality.cs`'s, on the responses of the first repetition: against the original decoded at full size "
        f"and resized by libvips' Lanczos-3 without pre-shrink (cover: filled, then the centre). 1-minute load average at the end: {r['load']:.2f}.",
        "",
        "```sh",
        "bench/run.sh                       # both benchmarks; bench/run.sh --skip-http leaves this one out",
        "python3 bench/run.py --http-only   # only this one: writes docs/benchmarks-http.md, leaves docs/benchmarks.md alone",
        "BENCH_HTTP_QUICK=1 python3 bench/http/run_http.py   # development: one repetition, three photos",
        "```",
        "",
    ]
    for scenario, title in SCENARIOS.items():
        lines += [f"### {title}", "", WHAT[scenario].format(passes=r["storedPasses"], uploads=times(r.get("uploadPasses", 1))), ""] + scenario_table(r, scenario) + [""]
        retried = {r["systems"][s]: m[scenario].get("retries", 0) for s, m in r["median"].items() if m[scenario].get("retries", 0)}
        if retried:
            lines += ["Answered `503` and retried after `Retry-After` (the wait counts in the latency): " + ", ".join(f"{k} {v}" for k, v in retried.items()) + ".", ""]
        if scenario == "first-view":
            lines += ["Per width (first repetition's responses, all photos):", ""] + width_table(r) + [""]
            lines += [f"Intermediates made for the {len(r['photos'])} originals (the service's log line `Intermediate of <key> made`; in brackets the responses whose `Server-Timing` has an `intermediate` stage): "
                      + ", ".join(f"{r['systems'][s]} {r['median'][s]['first-view']['intermediatesMade']} ({r['median'][s]['first-view']['intermediates']})" for s in SERVICES) + ".", ""]
    lines += ["### Lambda cost model", ""] + lambda_cost(r) + [""]
    lines += ["### Targets (issue 15)", ""] + targets(r) + [""]
    return lines


if __name__ == "__main__":
    app = os.environ.get("BENCH_HTTP_APP")  # an existing publish folder, to skip publishing while developing
    result = measure(Path(app) if app else None)
    print("\n".join(section(result)))
