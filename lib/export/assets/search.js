// Client-side search of an exported Kaizen site: no server, no network. The index was built at export time
// (search-index.js); flexsearch finds candidates for each word, then phrases, exclusions and key:value filters are
// checked on each document's text, as in the app's query syntax: words "exact phrases" -excluded severity:SEV1.
(function () {
  "use strict";
  var data = window.KAIZEN_SEARCH;
  var FlexSearch = window.FlexSearch;
  if (!data || !FlexSearch) return;

  var FILTERS = ["severity", "status", "kind", "service", "team", "factor", "tag"];
  var index = new FlexSearch.Document(data.options);
  Object.keys(data.index).forEach(function (key) {
    index.import(key, data.index[key]);
  });
  var docs = data.docs.map(function (d) {
    return Object.assign({}, d, { lower: normalize(d.text) });
  });

  function normalize(s) {
    return String(s).toLowerCase().replace(/\s+/g, " ");
  }

  /** words, "phrases", -word / -"phrase" exclusions and key:value filters; unknown keys are searched as words. */
  function parse(input) {
    var q = { words: [], phrases: [], excludes: [], filters: {} };
    var re = /(-?)"([^"]*)"?|(\S+)/g;
    var m;
    while ((m = re.exec(input))) {
      if (m[2] !== undefined) {
        var phrase = normalize(m[2]).trim();
        if (phrase) (m[1] ? q.excludes : q.phrases).push(phrase);
        continue;
      }
      var token = m[3];
      var kv = /^([a-z]+):(.+)$/i.exec(token);
      if (kv && FILTERS.indexOf(kv[1].toLowerCase()) >= 0) {
        var key = kv[1].toLowerCase();
        (q.filters[key] = q.filters[key] || []).push(kv[2].toLowerCase());
      } else if (token.charAt(0) === "-" && token.length > 1) {
        q.excludes.push(normalize(token.slice(1)));
      } else {
        var word = token.replace(/\*$/, "");
        if (word) q.words.push(word);
      }
    }
    return q;
  }

  var DATE = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  var BOOST = { title: 3, summary: 2, text: 1 };

  function search(input) {
    var q = parse(input);
    if (!q.words.length && !q.phrases.length && !Object.keys(q.filters).length) return null;
    var scores = null;
    q.words.forEach(function (word) {
      var hits = {};
      index.search(word, { limit: 1000, suggest: false }).forEach(function (field) {
        field.result.forEach(function (id, rank) {
          hits[id] = (hits[id] || 0) + BOOST[field.field] * (1 + 1 / (rank + 1));
        });
      });
      // Every word must match (as in the app), so a document missing one drops out.
      if (scores === null) scores = hits;
      else {
        var both = {};
        Object.keys(scores).forEach(function (id) {
          if (hits[id] !== undefined) both[id] = scores[id] + hits[id];
        });
        scores = both;
      }
    });
    if (scores === null) {
      scores = {};
      docs.forEach(function (_, id) {
        scores[id] = 0;
      });
    }
    var results = Object.keys(scores)
      .map(Number)
      .filter(function (id) {
        var d = docs[id];
        if (!d) return false;
        if (!q.phrases.every(function (p) { return d.lower.indexOf(p) >= 0; })) return false;
        if (q.excludes.some(function (p) { return d.lower.indexOf(p) >= 0; })) return false;
        return Object.keys(q.filters).every(function (key) {
          var values = [].concat(d[key]).map(function (v) { return String(v).toLowerCase(); });
          return q.filters[key].some(function (want) {
            return values.some(function (v) { return v === want || v.replace(/\s+/g, "-") === want; });
          });
        });
      })
      .map(function (id) {
        return { doc: docs[id], score: scores[id] + q.phrases.length };
      });
    results.sort(function (a, b) {
      return b.score - a.score || (b.doc.date < a.doc.date ? -1 : b.doc.date > a.doc.date ? 1 : 0);
    });
    return { query: q, results: results };
  }

  /** Text around the first match, as DOM nodes with the matched words in <mark> (never innerHTML). */
  function snippet(doc, q) {
    var terms = q.phrases.concat(q.words.map(normalize)).filter(Boolean);
    var text = doc.text.replace(/\s+/g, " ");
    var lower = normalize(text);
    var at = -1;
    terms.forEach(function (t) {
      var i = lower.indexOf(t);
      if (i >= 0 && (at < 0 || i < at)) at = i;
    });
    var start = Math.max(0, at - 70);
    var piece = (start > 0 ? "…" : "") + text.slice(start, start + 200) + (start + 200 < text.length ? "…" : "");
    var frag = document.createDocumentFragment();
    var pieceLower = piece.toLowerCase();
    var pos = 0;
    while (pos < piece.length) {
      var next = -1;
      var len = 0;
      terms.forEach(function (t) {
        var i = pieceLower.indexOf(t, pos);
        if (i >= 0 && (next < 0 || i < next)) {
          next = i;
          len = t.length;
        }
      });
      if (next < 0) {
        frag.appendChild(document.createTextNode(piece.slice(pos)));
        break;
      }
      frag.appendChild(document.createTextNode(piece.slice(pos, next)));
      var mark = document.createElement("mark");
      mark.textContent = piece.slice(next, next + len);
      frag.appendChild(mark);
      pos = next + len;
    }
    return frag;
  }

  var input = document.getElementById("q");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var all = document.getElementById("all-incidents");
  if (!input || !list || !status) return;

  function render(value) {
    var found = search(value);
    list.textContent = "";
    if (!found) {
      list.hidden = true;
      status.textContent = "";
      if (all) all.hidden = false;
      return;
    }
    if (all) all.hidden = true;
    status.textContent = found.results.length === 1 ? "1 post-mortem found" : found.results.length + " post-mortems found";
    list.hidden = found.results.length === 0;
    found.results.slice(0, 50).forEach(function (r) {
      var li = document.createElement("li");
      li.className = "incident-row export-row";
      var body = document.createElement("div");
      var a = document.createElement("a");
      a.className = "incident-row__title";
      a.href = r.doc.url;
      a.textContent = r.doc.title;
      var p = document.createElement("p");
      p.className = "incident-row__summary";
      p.appendChild(snippet(r.doc, found.query));
      body.appendChild(a);
      body.appendChild(p);
      if (r.doc.severity) {
        var meta = document.createElement("div");
        meta.className = "incident-row__meta row";
        var badge = document.createElement("span");
        badge.className = "badge badge--" + r.doc.severity;
        badge.textContent = r.doc.severity;
        meta.appendChild(badge);
        body.appendChild(meta);
      }
      li.appendChild(body);
      var date = document.createElement("time");
      date.className = "incident-row__date";
      var t = Date.parse(r.doc.date);
      date.textContent = isNaN(t) ? "" : DATE.format(t);
      li.appendChild(date);
      list.appendChild(li);
    });
  }

  var timer = 0;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      render(input.value);
    }, 80);
  });
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    render(initial);
  }
  window.kaizenSearch = search;
})();
