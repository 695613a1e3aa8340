#!/usr/bin/env python3
"""Copies deploy/cloudfront/viewer-request.js into serverless.template (CloudFront functions are inline)."""
import json, pathlib
root = pathlib.Path(__file__).resolve().parent.parent
template_path = root / "serverless.template"
template = json.loads(template_path.read_text())
code = (root / "deploy" / "cloudfront" / "viewer-request.js").read_text()
template["Resources"]["ViewerRequestFunction"]["Properties"]["FunctionCode"] = code
template_path.write_text(json.dumps(template, indent=2, ensure_ascii=False) + "\n")
print(f"{template_path.name}: ViewerRequestFunction updated ({len(code)} characters)")
