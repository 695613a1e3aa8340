// CloudFront viewer-request function (cloudfront-js-2.0) for the ImageApi distribution.
//
// For /images/*: reduces the query string to the transform parameters in one fixed order, so every
// spelling of a request shares one cache entry: unknown names are dropped, names and values are
// lower-cased (except sig), leading zeros go, a repeated name keeps its first value. format=auto
// becomes webp when the Accept header allows WebP, so the cache key never needs the raw Accept
// header; for other clients it stays "auto", and the origin (which is sent no Accept header)
// answers it as for a client without WebP: JPEG, or PNG for images with transparency.
//
// For every path: passes the viewer's host on as X-Viewer-Host (the origin does not get the
// viewer's Host header), so upload tickets name the CloudFront URL.
//
// deploy/sync-template.py copies this file into serverless.template; a test keeps the two equal.

var PARAMETERS = ['w', 'h', 'fit', 'format', 'q', 'sig', 'exp'];
var NUMERIC = { w: true, h: true, q: true, exp: true };

function acceptsWebp(accept) {
    var ranges = accept.toLowerCase().split(',');
    for (var i = 0; i < ranges.length; i++) {
        var parts = ranges[i].split(';');
        if (parts[0].trim() !== 'image/webp') {
            continue;
        }
        for (var j = 1; j < parts.length; j++) {
            var param = parts[j].trim();
            if (param.indexOf('q=') === 0 && parseFloat(param.substring(2)) === 0) {
                return false;
            }
        }
        return true;
    }
    return false;
}

function canonicalQuery(querystring, accept) {
    var picked = {};
    for (var name in querystring) {
        var lower = name.toLowerCase();
        if (PARAMETERS.indexOf(lower) < 0 || picked[lower] !== undefined) {
            continue;
        }
        var entry = querystring[name];
        var value = entry.multiValue && entry.multiValue.length > 0 ? entry.multiValue[0].value : entry.value;
        value = value === undefined || value === null ? '' : String(value);
        if (lower !== 'sig') {
            value = value.toLowerCase();
        }
        if (NUMERIC[lower] && /^[0-9]+$/.test(value)) {
            value = value.replace(/^0+(?=[0-9])/, '');
        }
        picked[lower] = value;
    }
    if (picked.format === 'auto' && acceptsWebp(accept)) {
        picked.format = 'webp';
    }
    var result = {};
    for (var i = 0; i < PARAMETERS.length; i++) {
        if (picked[PARAMETERS[i]] !== undefined) {
            result[PARAMETERS[i]] = { value: picked[PARAMETERS[i]] };
        }
    }
    return result;
}

function handler(event) {
    var request = event.request;
    var headers = request.headers;
    if (headers.host) {
        headers['x-viewer-host'] = { value: headers.host.value };
    }
    headers['x-viewer-proto'] = { value: 'https' };
    if (request.uri.indexOf('/images/') === 0) {
        request.querystring = canonicalQuery(request.querystring || {}, headers.accept ? headers.accept.value : '');
    }
    return request;
}
