// CloudFront viewer-request function (cloudfront-js-2.0) for the ImageApi distribution.
//
// For /images/*: reduces the query string to the transform parameters in one fixed order, so every
// spelling of a request shares one cache entry: unknown names are dropped, aliases become the
// canonical name, names and values are lower-cased (except where case matters: sig), leading zeros
// go, a repeated name keeps its first value.
//
// The Accept header is part of the cache key, but only as a capability class: for format=auto it
// becomes exactly one of "image/avif,image/webp", "image/webp", "image/avif" or "image/jpeg" (what
// FormatSupport.FromAccept and FormatSupport.AcceptClass in ImageApi.Processing decide; a test runs
// both on the same headers), so the cache holds one answer per class, not one per browser's header.
// Every other request loses its Accept header: its bytes do not depend on it, and it shares one
// cache entry whatever the browser. The query itself is never rewritten on Accept, so what was
// signed is what the origin verifies.
//
// For every path: passes the viewer's host on as X-Viewer-Host (the origin does not get the
// viewer's Host header), so upload tickets name the CloudFront URL.
//
// The block between the generated markers comes from deploy/cloudfront/parameters.json (the
// parameter table); deploy/sync-template.py writes it and copies this file into serverless.template.
// Tests keep the table, this file and the template equal.

// <generated>
var PARAMETERS = ['w', 'h', 'fit', 'format', 'q', 'sig', 'exp', 'preset'];
var NUMERIC = { 'w': true, 'h': true, 'q': true, 'exp': true };
var PRESERVES_CASE = { 'sig': true };
var ALIASES = {};
// </generated>

// Lower-cases A-Z only, as the origin compares names and values: engines differ on the rest
// (njs lower-cases 'İ' to 'i', Node.js to 'i' and a combining dot).
function asciiLower(value) {
    return value.replace(/[A-Z]+/g, function (letters) { return letters.toLowerCase(); });
}

// HTTP's optional whitespace: spaces and tabs, nothing else.
function trimOws(value) {
    return value.replace(/^[ \t]+|[ \t]+$/g, '');
}

// RFC 9110 qvalue above zero; a malformed quality counts as a refusal.
function positiveQuality(q) {
    return /^(0(\.[0-9]{0,3})?|1(\.0{0,3})?)$/.test(q) && parseFloat(q) > 0;
}

// Only an explicit image/avif or image/webp counts: image/* and */* are sent by clients that decode
// neither. A type refused anywhere in the header (q=0) is refused.
function acceptClass(accept) {
    var listed = {};
    var refused = {};
    var ranges = accept.split(',');
    for (var i = 0; i < ranges.length; i++) {
        var parts = ranges[i].split(';');
        var type = asciiLower(trimOws(parts[0]));
        if (type !== 'image/webp' && type !== 'image/avif') {
            continue;
        }
        var accepted = true;
        for (var j = 1; j < parts.length; j++) {
            var eq = parts[j].indexOf('=');
            if (eq >= 0 && asciiLower(trimOws(parts[j].substring(0, eq))) === 'q') {
                accepted = positiveQuality(trimOws(parts[j].substring(eq + 1)));
            }
        }
        if (accepted) {
            listed[type] = true;
        } else {
            refused[type] = true;
        }
    }
    var avif = listed['image/avif'] === true && refused['image/avif'] !== true;
    var webp = listed['image/webp'] === true && refused['image/webp'] !== true;
    if (avif && webp) {
        return 'image/avif,image/webp';
    }
    if (webp) {
        return 'image/webp';
    }
    return avif ? 'image/avif' : 'image/jpeg';
}

// A viewer may send Accept more than once; HTTP reads the lines as one comma-separated list.
function headerValue(header) {
    if (!header) {
        return '';
    }
    if (header.multiValue && header.multiValue.length > 0) {
        var values = [];
        for (var i = 0; i < header.multiValue.length; i++) {
            values.push(header.multiValue[i].value);
        }
        return values.join(',');
    }
    return header.value;
}

function canonicalQuery(querystring) {
    var picked = {};
    for (var given in querystring) {
        var lower = asciiLower(given);
        var name = Object.prototype.hasOwnProperty.call(ALIASES, lower) ? ALIASES[lower] : lower;
        if (PARAMETERS.indexOf(name) < 0 || picked[name] !== undefined) {
            continue;
        }
        var entry = querystring[given];
        var value = entry.multiValue && entry.multiValue.length > 0 ? entry.multiValue[0].value : entry.value;
        value = value === undefined || value === null ? '' : String(value);
        if (PRESERVES_CASE[name] !== true) {
            value = asciiLower(value);
        }
        if (NUMERIC[name] === true && /^[0-9]+$/.test(value)) {
            value = value.replace(/^0+(?=[0-9])/, '');
        }
        picked[name] = value;
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
        request.querystring = canonicalQuery(request.querystring || {});
        if (request.querystring.format && request.querystring.format.value === 'auto') {
            headers.accept = { value: acceptClass(headerValue(headers.accept)) };
        } else {
            delete headers.accept;
        }
    }
    return request;
}
