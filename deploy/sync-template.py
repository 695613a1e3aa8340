#!/usr/bin/env python3
"""Makes the CloudFront pieces agree with the parameter table.

deploy/cloudfront/parameters.json (the parameter table of ImageApi.Processing, exported by a test)
and the maximum output size of src/ImageApi/appsettings.json are the input. This script writes:
  * the generated block of deploy/cloudfront/viewer-request.js (parameter names, numeric ones, the
    ones whose case matters, aliases of names and of values, dpr's range, the maximum size);
  * serverless.template: the function's inline code (CloudFront Functions are inline), through
    Fn::Sub so the stack's AllowedWidths reach the function's dpr folding. The image cache policy
    forwards every query string: the function has already reduced the query to the table's canonical
    names (CloudFront allows at most 10 names in a whitelist; the table has more).

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
SETTINGS = ROOT / "src" / "ImageApi" / "appsettings.json"
BLOCK = re.compile(r"(// <generated>\n)(.*?)(// </generated>\n)", re.DOTALL)


def js_string(value: str) -> str:
    # json.dumps gives a valid ES5 string literal; single quotes match the file's style.
    return "'" + json.dumps(value)[1:-1].replace("'", "\\'").replace('\\"', '"') + "'"


def js_set(names) -> str:
    entries = ", ".join(f"{js_string(n)}: true" for n in names)
    return "{ " + entries + " }" if entries else "{}"


def js_map(pairs) -> str:
    entries = ", ".join(f"{js_string(k)}: {v}" for k, v in pairs)
    return "{ " + entries + " }" if entries else "{}"


def js_strings(mapping) -> str:
    return js_map((k, js_string(v)) for k, v in mapping.items())


def js_number(value) -> str:
    return format(value, "g") if isinstance(value, float) else str(value)


def generated_block(manifest, settings) -> str:
    parameters = manifest["parameters"]
    dpr = manifest["dpr"]
    names = [p["name"] for p in parameters]
    aliases = {alias: p["name"] for p in parameters for alias in p["aliases"]}
    return (
        "var PARAMETERS = [" + ", ".join(js_string(n) for n in names) + "];\n"
        "var NUMERIC = " + js_set(p["name"] for p in parameters if p["numeric"]) + ";\n"
        "var PRESERVES_CASE = " + js_set(p["name"] for p in parameters if p["preservesCase"]) + ";\n"
        "var ALIASES = " + js_strings(aliases) + ";\n"
        "var ALIAS_VALUES = " + js_map((a, js_strings(v)) for p in parameters for a, v in p["aliasValues"].items()) + ";\n"
        "var VALUE_ALIASES = " + js_map((p["name"], js_strings(p["valueAliases"])) for p in parameters if p["valueAliases"]) + ";\n"
        "var DPR = { name: " + js_string(dpr["name"]) + ", min: " + js_number(dpr["minimum"]) + ", max: " + js_number(dpr["maximum"])
        + ", decimals: " + js_number(dpr["decimals"]) + " };\n"
        "var MAX_WIDTH = " + str(settings["MaxWidth"]) + ";\n"
        "var MAX_HEIGHT = " + str(settings["MaxHeight"]) + ";\n"
    )


def main() -> int:
    check = sys.argv[1:] == ["--check"]
    if sys.argv[1:] not in ([], ["--check"]):
        print("usage: sync-template.py [--check]", file=sys.stderr)
        return 2

    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    settings = json.loads(SETTINGS.read_text(encoding="utf-8"))["Renditions"]

    code = FUNCTION.read_text(encoding="utf-8")
    if len(BLOCK.findall(code)) != 1:
        print(f"{FUNCTION.name}: needs exactly one '// <generated>' ... '// </generated>' block", file=sys.stderr)
        return 1
    new_code = BLOCK.sub(lambda m: m.group(1) + generated_block(manifest, settings) + m.group(3), code)
    if new_code.count("${") != new_code.count("${AllowedWidths}"):
        print(f"{FUNCTION.name}: '${{' is only for '${{AllowedWidths}}' (the template substitutes it)", file=sys.stderr)
        return 1

    template_text = TEMPLATE.read_text(encoding="utf-8")
    template = json.loads(template_text)
    resources = template["Resources"]
    resources["ViewerRequestFunction"]["Properties"]["FunctionCode"] = {"Fn::Sub": new_code}
    query = resources["ImageCachePolicy"]["Properties"]["CachePolicyConfig"]["ParametersInCacheKeyAndForwardedToOrigin"]["QueryStringsConfig"]
    query.clear()
    query["QueryStringBehavior"] = "all"
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
