#!/usr/bin/env python3
"""Makes the CloudFront pieces agree with the parameter table.

deploy/cloudfront/parameters.json (the parameter table of ImageApi.Processing, exported by a test)
is the input. This script writes:
  * the generated block of deploy/cloudfront/viewer-request.js (parameter names, numeric ones, the
    ones whose case matters, aliases);
  * serverless.template: the function's inline code (CloudFront Functions are inline) and the image
    cache policy's query strings (the canonical names: the function has rewritten aliases by then).

With --check it writes nothing and exits 1 when either file differs from what it would write; the
tests run it that way.
"""
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "deploy" / "cloudfront" / "parameters.json"
FUNCTION = ROOT / "deploy" / "cloudfront" / "viewer-request.js"
TEMPLATE = ROOT / "serverless.template"
BLOCK = re.compile(r"(// <generated>\n)(.*?)(// </generated>\n)", re.DOTALL)


def js_string(value: str) -> str:
    # json.dumps gives a valid ES5 string literal; single quotes match the file's style.
    return "'" + json.dumps(value)[1:-1].replace("'", "\\'").replace('\\"', '"') + "'"


def js_set(names) -> str:
    entries = ", ".join(f"{js_string(n)}: true" for n in names)
    return "{ " + entries + " }" if entries else "{}"


def generated_block(parameters) -> str:
    names = [p["name"] for p in parameters]
    aliases = [(alias, p["name"]) for p in parameters for alias in p["aliases"]]
    alias_map = ", ".join(f"{js_string(a)}: {js_string(n)}" for a, n in aliases)
    return (
        "var PARAMETERS = [" + ", ".join(js_string(n) for n in names) + "];\n"
        "var NUMERIC = " + js_set(p["name"] for p in parameters if p["numeric"]) + ";\n"
        "var PRESERVES_CASE = " + js_set(p["name"] for p in parameters if p["preservesCase"]) + ";\n"
        "var ALIASES = " + ("{ " + alias_map + " }" if alias_map else "{}") + ";\n"
    )


def main() -> int:
    check = sys.argv[1:] == ["--check"]
    if sys.argv[1:] not in ([], ["--check"]):
        print("usage: sync-template.py [--check]", file=sys.stderr)
        return 2

    parameters = json.loads(MANIFEST.read_text(encoding="utf-8"))["parameters"]

    code = FUNCTION.read_text(encoding="utf-8")
    if len(BLOCK.findall(code)) != 1:
        print(f"{FUNCTION.name}: needs exactly one '// <generated>' ... '// </generated>' block", file=sys.stderr)
        return 1
    new_code = BLOCK.sub(lambda m: m.group(1) + generated_block(parameters) + m.group(3), code)

    template_text = TEMPLATE.read_text(encoding="utf-8")
    template = json.loads(template_text)
    resources = template["Resources"]
    resources["ViewerRequestFunction"]["Properties"]["FunctionCode"] = new_code
    query = resources["ImageCachePolicy"]["Properties"]["CachePolicyConfig"]["ParametersInCacheKeyAndForwardedToOrigin"]["QueryStringsConfig"]
    query["QueryStringBehavior"] = "whitelist"
    query["QueryStrings"] = [p["name"] for p in parameters]
    new_template = json.dumps(template, indent=2, ensure_ascii=False) + "\n"

    stale = [path.relative_to(ROOT).as_posix() for path, old, new in
             ((FUNCTION, code, new_code), (TEMPLATE, template_text, new_template)) if old != new]
    if check:
        for path in stale:
            print(f"{path}: differs from {MANIFEST.relative_to(ROOT).as_posix()}; run deploy/sync-template.py", file=sys.stderr)
        return 1 if stale else 0

    FUNCTION.write_text(new_code, encoding="utf-8")
    TEMPLATE.write_text(new_template, encoding="utf-8")
    print(f"updated: {', '.join(stale)}" if stale else "already in sync")
    return 0


if __name__ == "__main__":
    sys.exit(main())
