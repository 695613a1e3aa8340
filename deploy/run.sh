#!/bin/sh
# The Lambda handler. The Web Adapter layer's exec wrapper (/opt/bootstrap) runs this script, then
# turns each Lambda invocation into an HTTP request to the app on AWS_LWA_PORT.
cd "$(dirname "$0")" || exit 1
exec dotnet ImageApi.dll --urls "http://127.0.0.1:${AWS_LWA_PORT:-8080}"
