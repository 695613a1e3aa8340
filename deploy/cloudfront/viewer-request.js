// CloudFront viewer-request function (cloudfront-js-2.0) for the ImageApi distribution.
//
// For /images/*: reduces the query string to the transform parameters in one fixed order, so every
// spelling of a request shares one cache entry: unknown names are dropped, aliases become the
// canonical name (width=300 is w=300, auto=format is format=auto) and aliases of values the canonical
// value (fit=max is fit=inside), names and values are lower-cased (except where case matters: sig),
// numbers lose leading zeros and trailing fraction zeros, a repeated name keeps its first value (the
// origin refuses a repeat with a 400; here the first wins). A valid dpr is folded into w and h
// exactly as TransformParser does it (DevicePixelRatio in ImageApi.Processing; a test runs both on the
// same requests): dpr=2&w=300 is the cache entry of w=600, snapped to the stack's AllowedWidths when
// they are set. An invalid dpr is forwarded as it came, for the origin to refuse.
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
// parameter table) and appsettings.json's maximum size; deploy/sync-template.py writes it and copies
// this file into serverless.template, where CloudFormation's Fn::Sub fills in ALLOWED_WIDTHS. Tests
// keep the table, this file and the template equal.

// <generated>
var PARAMETERS = ['w', 'h', 'fit', 'format', 'q', 'sig', 'exp', 'dpr', 'gravity', 'fp-x', 'fp-y', 'bg', 'rot', 'flip', 'blur', 'sharpen', 'preset'];
var NUMERIC = { 'w': true, 'h': true, 'q': true, 'exp': true, 'dpr': true, 'fp-x': true, 'fp-y': true, 'rot': true, 'blur': true, 'sharpen': true };
var PRESERVES_CASE = { 'sig': true };
var ALIASES = { 'width': 'w', 'height': 'h', 'fm': 'format', 'auto': 'format', 'quality': 'q' };
var ALIAS_VALUES = { 'auto': { 'format': 'auto' } };
var VALUE_ALIASES = { 'fit': { 'max': 'inside', 'clip': 'inside', 'crop': 'cover', 'min': 'cover' } };
var DPR = { name: 'dpr', min: 1, max: 3, decimals: 1 };
var MAX_WIDTH = 4096;
var MAX_HEIGHT = 4096;
// </generated>

// The stack's AllowedWidths parameter (comma-separated, or empty), filled in by CloudFormation.
var ALLOWED_WIDTHS = '${AllowedWidths}';

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

function has(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
}

// "0400" is 400, "01.50" is 1.5, "2.0" is 2: the origin's canonical spelling of the same number.
function canonicalNumber(value) {
    if (!/^[0-9]+(\.[0-9]+)?$/.test(value)) {
        return value;
    }
    var parts = value.split('.');
    var whole = parts[0].replace(/^0+(?=[0-9])/, '');
    var fraction = parts.length > 1 ? parts[1].replace(/0+$/, '') : '';
    return fraction.length > 0 ? whole + '.' + fraction : whole;
}

function allowedWidths() {
    var widths = [];
    var listed = ALLOWED_WIDTHS.split(',');
    for (var i = 0; i < listed.length; i++) {
        if (/^[0-9]+$/.test(listed[i])) {
            widths.push(parseInt(listed[i], 10));
        }
    }
    return widths.sort(function (a, b) { return a - b; });
}

// A dimension the origin accepts before dpr is applied: digits, from 1 to the maximum.
function dimension(value, max) {
    if (value === undefined) {
        return null;
    }
    if (!/^[0-9]{1,6}$/.test(value)) {
        return undefined;
    }
    var number = parseInt(value, 10);
    return number >= 1 && number <= max ? number : undefined;
}

// DevicePixelRatio.Fold: multiply the box (by less where it would pass the maximum), then snap w up
// to an allowed width, h following it. Returns false, changing nothing, when dpr or the box is invalid.
function foldDpr(picked) {
    var text = picked[DPR.name];
    var point = text.indexOf('.');
    if (!/^[0-9]+(\.[0-9]+)?$/.test(text) || (point >= 0 && text.length - point - 1 > DPR.decimals)) {
        return false;
    }
    var ratio = parseFloat(text);
    var w = dimension(picked.w, MAX_WIDTH);
    var h = dimension(picked.h, MAX_HEIGHT);
    if (ratio < DPR.min || ratio > DPR.max || w === undefined || h === undefined || (w === null && h === null)) {
        return false;
    }
    var factor = ratio;
    if (w !== null) {
        factor = Math.min(factor, MAX_WIDTH / w);
    }
    if (h !== null) {
        factor = Math.min(factor, MAX_HEIGHT / h);
    }
    factor = Math.max(factor, 1);
    var outW = w !== null ? Math.floor(w * factor + 0.5) : null;
    var outH = h !== null ? Math.floor(h * factor + 0.5) : null;
    var allowed = allowedWidths();
    if (outW !== null && allowed.length > 0) {
        var snapped = allowed[allowed.length - 1];
        for (var i = 0; i < allowed.length; i++) {
            if (allowed[i] >= outW) {
                snapped = allowed[i];
                break;
            }
        }
        if (h !== null) {
            outH = Math.min(MAX_HEIGHT, Math.max(1, Math.floor(h * snapped / w + 0.5)));
        }
        outW = snapped;
    }
    if (outW !== null) {
        picked.w = String(outW);
    }
    if (outH !== null) {
        picked.h = String(outH);
    }
    delete picked[DPR.name];
    return true;
}

function canonicalQuery(querystring) {
    var picked = {};
    for (var given in querystring) {
        var lower = asciiLower(given);
        var name = has(ALIASES, lower) ? ALIASES[lower] : lower;
        if (PARAMETERS.indexOf(name) < 0 || picked[name] !== undefined) {
            continue;
        }
        var entry = querystring[given];
        var value = entry.multiValue && entry.multiValue.length > 0 ? entry.multiValue[0].value : entry.value;
        value = value === undefined || value === null ? '' : String(value);
        if (PRESERVES_CASE[name] !== true) {
            value = asciiLower(value);
        }
        if (has(ALIAS_VALUES, lower) && has(ALIAS_VALUES[lower], value)) {
            value = ALIAS_VALUES[lower][value];
        } else if (has(VALUE_ALIASES, name) && has(VALUE_ALIASES[name], value)) {
            value = VALUE_ALIASES[name][value];
        }
        if (NUMERIC[name] === true) {
            value = canonicalNumber(value);
        }
        picked[name] = value;
    }
    if (picked[DPR.name] !== undefined) {
        foldDpr(picked);
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
