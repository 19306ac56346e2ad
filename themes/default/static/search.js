/* handbook search: a plain classic script, no dependencies.

   The index is a set of classic scripts under _search/ (see src/search/mod.rs),
   injected as <script src> on demand, so search works from file:// as well as
   over http://. Each calls window.__hbSearch.push([key, data]).

   Every string from the index reaches the page through textContent or
   createTextNode, never as HTML. */
(function () {
  "use strict";

  var doc = document.documentElement;
  var root = doc.getAttribute("data-root") || "";
  var api = { last: null };

  /* ---------- Text: the same rules as src/search/text.rs ---------- */

  var WORD = /[\p{Alphabetic}\p{N}\p{M}]/u;
  var MARK = /\p{M}/u;
  var ASCII_WORD = /^[A-Za-z0-9]+$/;
  var MAX_WORD = 40;
  var FOLD_MAP = { "\u00DF": "ss", "\u00E6": "ae", "\u0153": "oe", "\u00F8": "o", "\u0111": "d",
    "\u0142": "l", "\u00FE": "th", "\u0131": "i", "\u03C2": "\u03C3" };

  function isApostrophe(c) { return c === "'" || c === "\u2019" || c === "\u02BC"; }
  function isIdeograph(cp) {
    return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) ||
      (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
      (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF66 && cp <= 0xFF9F) ||
      (cp >= 0x20000 && cp <= 0x3134F);
  }
  function dropsMarks(base) {
    var b = base.codePointAt(0);
    return b < 0x0530 || (b >= 0x1E00 && b <= 0x1FFF);
  }

  /* Word ranges [start, end) in UTF-16 units. */
  function words(text) {
    var out = [];
    var chars = [];
    var i = 0;
    for (var c of text) { chars.push([c, i]); i += c.length; }
    var n = chars.length;
    var k = 0;
    while (k < n) {
      var c0 = chars[k][0];
      if (!WORD.test(c0)) { k++; continue; }
      var start = chars[k][1];
      if (isIdeograph(c0.codePointAt(0))) { out.push([start, start + c0.length]); k++; continue; }
      var end = start + c0.length;
      k++;
      while (k < n) {
        var c = chars[k][0];
        if (isIdeograph(c.codePointAt(0))) break;
        if (WORD.test(c)) { end = chars[k][1] + c.length; k++; continue; }
        if (isApostrophe(c) && k + 1 < n && WORD.test(chars[k + 1][0]) &&
            !isIdeograph(chars[k + 1][0].codePointAt(0))) { k++; continue; }
        break;
      }
      out.push([start, end]);
    }
    return out;
  }

  function fold(word) {
    if (ASCII_WORD.test(word)) return word.toLowerCase();
    var out = "";
    var base = "a";
    for (var c of word.normalize("NFKD")) {
      if (isApostrophe(c)) continue;
      if (MARK.test(c)) { if (!dropsMarks(base)) out += c; continue; }
      base = c;
      for (var l of c.toLowerCase()) {
        if (Object.prototype.hasOwnProperty.call(FOLD_MAP, l)) out += FOLD_MAP[l];
        else if (MARK.test(l)) { if (!dropsMarks(base)) out += l; }
        else if (WORD.test(l)) out += l;
      }
    }
    return out;
  }

  /* [{w: folded word or null, s: start, e: end}] */
  function tokens(text) {
    return words(text).map(function (r) {
      var f = fold(text.slice(r[0], r[1]));
      return { w: f && f.length <= MAX_WORD ? f : null, s: r[0], e: r[1] };
    });
  }

  /* ---------- Loading shards ---------- */

  var store = Object.create(null);
  var pending = Object.create(null);
  var loadedPaths = [];

  function receive(item) {
    if (!item || typeof item[0] !== "string") return;
    store[item[0]] = item[1];
  }
  (function install() {
    var early = window.__hbSearch;
    window.__hbSearch = { push: receive };
    if (early && early.length) for (var i = 0; i < early.length; i++) receive(early[i]);
  })();

  /* Loads _search/<path>.js; resolves with the data pushed under key. */
  function load(key, path) {
    if (key in store) return Promise.resolve(store[key]);
    if (pending[key]) return pending[key];
    var p = new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = root + "_search/" + path + ".js";
      s.async = true;
      s.onload = function () {
        s.remove();
        if (key in store) resolve(store[key]);
        else reject(new Error("search index file " + path + " did not load"));
      };
      s.onerror = function () {
        s.remove();
        delete pending[key];
        reject(new Error("search index file " + path + " is missing"));
      };
      loadedPaths.push("_search/" + path + ".js");
      document.head.appendChild(s);
    });
    pending[key] = p;
    return p;
  }

  /* ---------- Decoding (see src/search/encode.rs) ---------- */

  var ALPHA = "0123456789ABCDEFGHIJKLMNOPQRSTUVabcdefghijklmnopqrstuvwxyz-_WXYZ";
  var VAL = new Int8Array(128).fill(-1);
  for (var ai = 0; ai < 64; ai++) VAL[ALPHA.charCodeAt(ai)] = ai;

  function Reader(s) { this.s = s; this.i = 0; }
  Reader.prototype.more = function () { return this.i < this.s.length; };
  Reader.prototype.v = function () {
    var x = 0;
    while (this.i < this.s.length) {
      var d = VAL[this.s.charCodeAt(this.i++) & 127];
      if (d < 0) break;
      if (d >= 32) x = x * 32 + (d - 32);
      else return x * 32 + d;
    }
    this.i = this.s.length;
    return 0;
  };
  Reader.prototype.f = function () {
    var d = VAL[this.s.charCodeAt(this.i++) & 127];
    return d < 0 ? 0 : d;
  };

  var manifest = null;
  var impactOf = null;
  var groupStart = null; /* first document of each document file, plus the total */
  var docKind = null; /* per document: 1 an exercise, 2 a workshop, 0 a page */

  function setManifest(m) {
    manifest = m;
    var scale = Math.log(1 + m.imax);
    impactOf = new Float64Array(64);
    for (var q = 1; q < 64; q++) impactOf[q] = Math.exp(q / 63 * scale) - 1;
    groupStart = new Uint32Array(m.groups + 1);
    var r = new Reader(m.per_group);
    for (var k = 0; k < m.groups; k++) groupStart[k + 1] = groupStart[k] + r.v();
    docKind = new Uint8Array(m.docs);
    [[m.exercises || "", 1], [m.workshops || "", 2]].forEach(function (kind) {
      var r = new Reader(kind[0]), d = 0;
      while (r.more()) { d += r.v(); if (d < m.docs) docKind[d] = kind[1]; }
    });
  }

  function loadManifest() {
    if (manifest) return Promise.resolve(manifest);
    return load("m", "manifest").then(function (m) { if (!manifest) setManifest(m); return manifest; });
  }

  /* The document file holding a document. */
  function groupOf(docId) {
    var lo = 0, hi = manifest.groups - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (groupStart[mid] <= docId) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /* Index of the shard whose first key is the last one <= key. */
  function shardFor(bounds, key) {
    var lo = 0, hi = bounds.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (bounds[mid] <= key) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  var vocabCache = Object.create(null);
  function vocab(k) {
    if (vocabCache[k]) return Promise.resolve(vocabCache[k]);
    return load("v" + k, "v/" + k).then(function (s) {
      var parts = s ? s.split("|") : [];
      var w = [], st = [], fr = [];
      var prev = "";
      for (var i = 0; i < parts.length; i++) {
        var e = parts[i];
        var shared = VAL[e.charCodeAt(0) & 127];
        var freq = VAL[e.charCodeAt(1) & 127];
        var rest = e.slice(2);
        var comma = rest.indexOf(",");
        var word = prev.slice(0, shared) + (comma < 0 ? rest : rest.slice(0, comma));
        var stem = comma < 0 ? word
          : word.slice(0, word.length - VAL[rest.charCodeAt(comma + 1) & 127]) + rest.slice(comma + 2);
        w.push(word); st.push(stem); fr.push(freq);
        prev = word;
      }
      var v = { words: w, stems: st, freq: fr };
      vocabCache[k] = v;
      return v;
    });
  }

  function vocabShardsFor(lo, hi) {
    var a = shardFor(manifest.vocab, lo), b = shardFor(manifest.vocab, hi);
    var ks = [];
    for (var k = a; k <= b; k++) ks.push(k);
    return Promise.all(ks.map(vocab));
  }

  function lowerBound(arr, key) {
    var lo = 0, hi = arr.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (arr[mid] < key) lo = mid + 1; else hi = mid; }
    return lo;
  }

  var termCache = Object.create(null);
  function termShard(k) {
    if (termCache[k]) return Promise.resolve(termCache[k]);
    return load("t" + k, "t/" + k).then(function (rows) {
      var m = new Map();
      for (var i = 0; i < rows.length; i++) m.set(rows[i][0], rows[i]);
      termCache[k] = m;
      return m;
    });
  }

  function decodePostings(r, n, into) {
    var d = 0;
    for (var i = 0; (n < 0 ? r.more() : i < n); i++) {
      d += r.v();
      var q = r.f();
      var np = r.v();
      var pos = new Array(np);
      var p = 0;
      for (var j = 0; j < np; j++) { p += r.v(); pos[j] = p; }
      into.docs.push(d);
      into.imp.push(impactOf[q]);
      into.pos.push(pos);
    }
  }

  var postingCache = Object.create(null);
  /* A term's postings: {df, docs, imp, pos, tail (id or -1), complete, forms}. */
  function postings(term) {
    if (postingCache[term]) return Promise.resolve(postingCache[term]);
    var k = shardFor(manifest.terms, term);
    return termShard(k).then(function (m) {
      var row = m.get(term);
      if (!row) return null;
      if (postingCache[term]) return postingCache[term];
      var r = new Reader(row[1]);
      var p = { term: term, df: r.v(), docs: [], imp: [], pos: [], tail: row[3], complete: row[3] < 0,
        forms: row[2] ? row[2].split(" ") : [] };
      var n = r.v();
      decodePostings(r, n, p);
      postingCache[term] = p;
      return p;
    });
  }

  function loadTail(p) {
    if (p.complete) return Promise.resolve(p);
    return load("r" + p.tail, "r/" + p.tail).then(function (rows) {
      if (p.complete) return p;
      var s = "";
      for (var i = 0; i < rows.length; i++) if (rows[i][0] === p.term) { s = rows[i][1]; break; }
      var extra = { docs: [], imp: [], pos: [] };
      decodePostings(new Reader(s), -1, extra);
      p.docs = p.docs.concat(extra.docs);
      p.imp = p.imp.concat(extra.imp);
      p.pos = p.pos.concat(extra.pos);
      p.complete = true;
      return p;
    });
  }

  function group(k) {
    return load("d" + k, "d/" + k);
  }

  /* ---------- Queries ---------- */

  var MAX_TERMS = 10;

  /* {terms: [{w, stop, prefix, phrase}], phrases: [[{t: term index or -1, off}]]}
     Quoted words are a phrase, and so are words joined by hyphens
     ("one-to-one"), which the index holds as consecutive words; hyphenated
     stop words alone ("to-do") stay loose words, as "to do" is. The word
     being typed (the query's last, with nothing after it) matches as a
     prefix, in a hyphenated phrase too. */
  function parse(q) {
    q = String(q || "");
    if (q.length > 1000) q = q.slice(0, 1000);
    var all = [];
    var phrases = [];
    var parts = q.split('"');
    var trailing = q.length > 0 && !/[\s"]$/.test(q);
    function loose(toks, lastPrefix) {
      for (var k = 0; k < toks.length && all.length < MAX_TERMS; k++) {
        if (!toks[k].w) continue;
        all.push({ w: toks[k].w, stop: isStop(toks[k].w), prefix: lastPrefix && k === toks.length - 1, phrase: false });
      }
    }
    function phrase(toks, lastPrefix) {
      var slots = [];
      for (var j = 0; j < toks.length && all.length < MAX_TERMS; j++) {
        var w = toks[j].w;
        /* A stop word holds its place and matches any word. */
        if (!w || isStop(w)) { slots.push({ t: -1, off: j }); continue; }
        all.push({ w: w, stop: false, prefix: lastPrefix && j === toks.length - 1, phrase: true });
        slots.push({ t: all.length - 1, off: j });
      }
      if (slots.some(function (s) { return s.t >= 0; })) phrases.push(slots);
    }
    for (var i = 0; i < parts.length; i++) {
      if (i % 2 === 1) { phrase(tokens(parts[i]), false); continue; }
      var chunks = parts[i].split(/\s+/).filter(Boolean);
      for (var c = 0; c < chunks.length && all.length < MAX_TERMS; c++) {
        var toks = tokens(chunks[c]);
        var last = i === parts.length - 1 && c === chunks.length - 1 && trailing;
        var hyphenated = toks.length > 1 && /[^\s-]-+[^\s-]/.test(chunks[c]);
        if (hyphenated && toks.some(function (t) { return t.w && !isStop(t.w); })) phrase(toks, last);
        else loose(toks, last);
      }
    }
    var hasContent = all.some(function (t) { return !t.stop; });
    /* Stop words count only when there is nothing else. */
    var terms = [];
    var index = [];
    all.forEach(function (t, n) {
      if (hasContent && t.stop) { index[n] = -1; return; }
      if (!hasContent) t.prefix = false;
      index[n] = terms.length;
      terms.push(t);
    });
    phrases.forEach(function (slots) {
      slots.forEach(function (s) { if (s.t >= 0) s.t = index[s.t]; });
    });
    return { terms: terms, phrases: phrases };
  }

  function isStop(w) {
    return !!(manifest && manifest.stop && manifest.stop.indexOf(w) >= 0);
  }

  /* Optimal string alignment distance, or max + 1 when larger. */
  function editDistance(a, b, max) {
    var la = a.length, lb = b.length;
    if (Math.abs(la - lb) > max) return max + 1;
    var prev2 = null, prev = new Array(lb + 1), cur;
    for (var j = 0; j <= lb; j++) prev[j] = j;
    for (var i = 1; i <= la; i++) {
      cur = new Array(lb + 1);
      cur[0] = i;
      var best = cur[0];
      for (var j3 = 1; j3 <= lb; j3++) {
        var cost = a.charCodeAt(i - 1) === b.charCodeAt(j3 - 1) ? 0 : 1;
        var v = Math.min(prev[j3] + 1, cur[j3 - 1] + 1, prev[j3 - 1] + cost);
        if (i > 1 && j3 > 1 && prev2 && a.charCodeAt(i - 1) === b.charCodeAt(j3 - 2) &&
            a.charCodeAt(i - 2) === b.charCodeAt(j3 - 1)) v = Math.min(v, prev2[j3 - 2] + 1);
        cur[j3] = v;
        if (v < best) best = v;
      }
      if (best > max) return max + 1;
      prev2 = prev; prev = cur;
    }
    return prev[lb];
  }

  var MAX_PREFIX = 6, MAX_FUZZY = 4;
  /* Postings worth loading to find documents that match every term. */
  var TAIL_BUDGET = 6000;

  /* The index terms a query word stands for:
     [{term, factor, exact}] — exact (incl. stemming), prefix completions, or
     words within one edit (4+ letters) or two (8+ letters). */
  function expand(t) {
    if (t.stop) return Promise.resolve([{ term: t.w, factor: 1, exact: true }]);
    var w = t.w;
    /* Completions only from 3 letters on: shorter prefixes would depend on
       where a vocabulary shard happens to start. */
    var prefix = t.prefix && w.length >= 3;
    return vocabShardsFor(w, prefix ? w + "\uffff" : w).then(function (vs) {
      var out = [];
      var seen = Object.create(null);
      function add(term, factor, exact) {
        if (seen[term] !== undefined) {
          var o = out[seen[term]];
          if (factor > o.factor) { o.factor = factor; o.exact = o.exact || exact; }
          return;
        }
        seen[term] = out.length;
        out.push({ term: term, factor: factor, exact: exact });
      }
      var exact = false;
      vs.forEach(function (v) {
        var i = lowerBound(v.words, w);
        if (v.words[i] === w) { add(v.stems[i], 1, true); exact = true; }
      });
      if (prefix) {
        var comp = [];
        vs.forEach(function (v) {
          for (var i = lowerBound(v.words, w); i < v.words.length && v.words[i].lastIndexOf(w, 0) === 0; i++) {
            if (v.words[i] !== w) comp.push({ stem: v.stems[i], freq: v.freq[i], len: v.words[i].length });
          }
        });
        comp.sort(function (a, b) { return b.freq - a.freq || a.len - b.len; });
        /* The likelier completion is the more common one: the factor
           falls from 0.9 with the square root of how much rarer a
           completion is than the commonest (a frequency class is a
           power of two of documents). */
        var n = 0, top = -1;
        for (var c = 0; c < comp.length && n < MAX_PREFIX; c++) {
          if (seen[comp[c].stem] !== undefined) continue;
          if (top < 0) top = comp[c].freq;
          add(comp[c].stem, 0.6 + 0.3 * Math.pow(2, (comp[c].freq - top) / 2), true);
          n++;
        }
      }
      if (out.length || w.length < 4 || t.phrase) return out;
      return fuzzy(w).then(function (f) {
        f.forEach(function (x) { add(x.stem, x.d === 1 ? 0.45 : 0.25, false); });
        return out;
      });
    });
  }

  /* Vocabulary words near `w`; the first letter is assumed right, or swapped
     with the second. */
  function fuzzy(w) {
    var max = w.length >= 8 ? 2 : 1;
    var firsts = [w.charAt(0)];
    if (w.length > 1 && w.charAt(1) !== w.charAt(0)) firsts.push(w.charAt(1));
    return Promise.all(firsts.map(function (c) { return vocabShardsFor(c, c + "\uffff"); })).then(function (groups) {
      var found = [];
      var seen = Object.create(null);
      groups.forEach(function (vs) {
        vs.forEach(function (v) {
          for (var i = 0; i < v.words.length; i++) {
            var x = v.words[i];
            if (seen[x] || Math.abs(x.length - w.length) > max) continue;
            seen[x] = 1;
            var d = editDistance(w, x, max);
            if (d <= max) found.push({ stem: v.stems[i], d: d, freq: v.freq[i] });
          }
        });
      });
      found.sort(function (a, b) { return a.d - b.d || b.freq - a.freq; });
      var out = [], stems = Object.create(null);
      for (var k = 0; k < found.length && out.length < MAX_FUZZY; k++) {
        if (stems[found[k].stem]) continue;
        stems[found[k].stem] = 1;
        out.push(found[k]);
      }
      return out;
    });
  }

  /* Runs a query. opts: {scope: "" | "lesson" | "exercise", chapter: "" | index,
     limit, full (load every posting)}. Resolves with
     {results: [...], total, complete, terms}. */
  function search(q, opts) {
    opts = opts || {};
    var limit = opts.limit || 10;
    return loadManifest().then(function () {
      var parsed = parse(q);
      if (!parsed.terms.length) return { results: [], total: 0, complete: true, forms: [], prefix: [] };
      return Promise.all(parsed.terms.map(expand)).then(function (cands) {
        return Promise.all(cands.map(function (cs) {
          return Promise.all(cs.map(function (c) {
            return postings(c.term).then(function (p) { return p ? { c: c, p: p } : null; });
          })).then(function (xs) { return xs.filter(Boolean); });
        }));
      }).then(function (per) {
        return rank(parsed, per, opts, limit).then(function (res) {
          return present(res, parsed, per, limit);
        });
      });
    });
  }

  /* Scores with the best postings of each term; loads the rest where a
     filter or phrase needs it, or where the terms rarely meet. */
  function rank(parsed, per, opts, limit) {
    var filtered = !!(opts.scope || (opts.chapter !== undefined && opts.chapter !== ""));
    var needTails = !!opts.full || filtered || parsed.phrases.length > 0;
    var tails = [];
    per.forEach(function (xs) {
      xs.forEach(function (x) { if (!x.p.complete && needTails) tails.push(x.p); });
    });
    return Promise.all(tails.map(loadTail)).then(function () {
      var res = score(parsed, per, opts);
      if (needTails || parsed.terms.length < 2 || res.allMatched >= limit) return res;
      var more = [];
      var budget = 0;
      per.forEach(function (xs) {
        xs.forEach(function (x) { if (!x.p.complete && x.c.exact) { more.push(x.p); budget += x.p.df; } });
      });
      if (!more.length || budget > TAIL_BUDGET) return res;
      return Promise.all(more.map(loadTail)).then(function () { return score(parsed, per, opts); });
    });
  }

  function inScope(d, opts) {
    if (opts.chapter !== undefined && opts.chapter !== "" && manifest.chapters[opts.chapter]) {
      var ch = manifest.chapters[opts.chapter];
      if (d < ch.first || d >= ch.end) return false;
    }
    /* "Lessons only" is the book's pages: neither exercises nor workshops. */
    if (opts.scope && docKind[d] !== (opts.scope === "exercise" ? 1 : 0)) return false;
    return true;
  }

  function score(parsed, per, opts) {
    var nt = parsed.terms.length;
    var recs = new Map();
    /* Positions for phrase checks are gathered only when there is one. */
    var hasPhrases = parsed.phrases.length > 0;
    var complete = true;
    /* With phrases, only documents holding every phrase word can match:
       start from the shortest list and keep what the others also hold. */
    var allow = null;
    if (parsed.phrases.length) {
      var need = [];
      parsed.phrases.forEach(function (slots) {
        slots.forEach(function (sl) { if (sl.t >= 0 && need.indexOf(sl.t) < 0) need.push(sl.t); });
      });
      var sets = need.map(function (t) {
        var set = new Set();
        per[t].forEach(function (x) { if (phraseForm(x.c, parsed.terms[t])) x.p.docs.forEach(function (d) { set.add(d); }); });
        return set;
      });
      sets.sort(function (a, b) { return a.size - b.size; });
      allow = sets.length ? sets[0] : new Set();
      for (var si = 1; si < sets.length; si++) {
        var next = new Set();
        allow.forEach(function (d) { if (sets[si].has(d)) next.add(d); });
        allow = next;
      }
    }
    for (var i = 0; i < nt; i++) {
      var xs = per[i];
      var rarity = completionScales(parsed.terms[i], xs);
      for (var x = 0; x < xs.length; x++) {
        var c = xs[x].c, p = xs[x].p;
        if (!p.complete) complete = false;
        var exactFull = hasPhrases && phraseForm(c, parsed.terms[i]);
        for (var k = 0; k < p.docs.length; k++) {
          var d = p.docs[k];
          if (allow && !allow.has(d)) continue;
          var r = recs.get(d);
          if (!r) {
            r = { d: d, s: [], ex: [], pos: [], exactPos: [] };
            for (var z = 0; z < nt; z++) { r.s.push(0); r.ex.push(0); r.pos.push(null); r.exactPos.push(null); }
            recs.set(d, r);
          }
          var v = c.factor * rarity[x] * p.imp[k];
          if (v > r.s[i]) { r.s[i] = v; r.ex[i] = c.exact ? 1 : 0; r.pos[i] = p.pos[k]; }
          if (exactFull) {
            r.exactPos[i] = r.exactPos[i] ? r.exactPos[i].concat(p.pos[k]) : p.pos[k];
          }
        }
      }
    }
    var out = [];
    var allMatched = 0;
    recs.forEach(function (r) {
      if (!inScope(r.d, opts)) return;
      /* Quoted phrases must match as phrases. */
      for (var ph = 0; ph < parsed.phrases.length; ph++) {
        if (!phraseMatches(parsed.phrases[ph], r)) return;
      }
      var matched = 0, exact = 0, base = 0;
      for (var i = 0; i < nt; i++) {
        if (r.s[i] > 0) { matched++; base += r.s[i]; if (r.ex[i]) exact++; }
      }
      if (matched === nt) allMatched++;
      r.matched = matched;
      r.exact = exact;
      r.score = base * proximity(r, nt, parsed.phrases.length > 0);
      out.push(r);
    });
    out.sort(function (a, b) {
      return b.matched - a.matched || b.exact - a.exact || b.score - a.score || a.d - b.d;
    });
    return { ranked: out, complete: complete, allMatched: allMatched };
  }

  /* How much each of a query word's candidates counts. While a word is
     typed, its forms (the word as typed, if the handbook has it, and its
     completions) are scored as if each were as common as the commonest:
     impacts carry rarity (IDF), and without this a rare form ("misfire",
     or "mis" itself) would outrank the word the reader is likely typing
     ("mission") because it is rare. The word as typed still leads at
     equal weight (factor 1 against at most 0.9). Finished words and typo
     corrections keep their own rarity. */
  function completionScales(t, xs) {
    var most = 0;
    xs.forEach(function (x) { if (x.c.exact) most = Math.max(most, x.p.df); });
    return xs.map(function (x) {
      if (!t.prefix || !x.c.exact || x.p.df >= most) return 1;
      return idf(most) / idf(x.p.df);
    });
  }

  /* BM25's inverse document frequency, as the build computes it. */
  function idf(df) {
    return Math.log(1 + (manifest.docs - df + 0.5) / (df + 0.5));
  }

  /* Whether a term's candidate can stand in a phrase: the word itself, or
     for the word being typed any word it begins. */
  function phraseForm(c, t) {
    return c.exact && (c.factor === 1 || t.prefix);
  }

  function phraseMatches(slots, r) {
    var first = null;
    for (var i = 0; i < slots.length; i++) if (slots[i].t >= 0) { first = slots[i]; break; }
    var starts = r.exactPos[first.t];
    if (!starts) return false;
    for (var a = 0; a < starts.length; a++) {
      var base = starts[a] - first.off;
      var ok = true;
      for (var j = 0; j < slots.length && ok; j++) {
        var s = slots[j];
        if (s.t < 0 || s === first) continue;
        var ps = r.exactPos[s.t];
        ok = !!ps && ps.indexOf(base + s.off) >= 0;
      }
      if (ok) return true;
    }
    return false;
  }

  /* Boost for query terms close together, most for adjacent in order. */
  function proximity(r, nt, hasPhrase) {
    if (nt < 2) return 1;
    var sum = 0, pairs = 0, adjacent = 0;
    for (var i = 0; i + 1 < nt; i++) {
      var a = r.pos[i], b = r.pos[i + 1];
      if (!a || !b) continue;
      pairs++;
      var best = Infinity;
      for (var x = 0; x < a.length; x++) {
        for (var y = 0; y < b.length; y++) {
          var dist = b[y] - a[x];
          var cost = dist === 1 ? 0 : Math.abs(dist);
          if (cost < best) best = cost;
        }
      }
      if (best === 0) { adjacent++; sum += 1; } else if (best <= 10) sum += 1 / (1 + best);
    }
    if (!pairs) return 1;
    var boost = 1 + 0.6 * sum / (nt - 1);
    if (adjacent === nt - 1) boost += 0.4;
    return hasPhrase ? boost + 0.2 : boost;
  }

  function present(res, parsed, per, limit) {
    var forms = [];
    var seenForm = Object.create(null);
    parsed.terms.forEach(function (t) { if (!seenForm[t.w]) { seenForm[t.w] = 1; forms.push(t.w); } });
    per.forEach(function (xs) {
      xs.forEach(function (x) {
        x.p.forms.forEach(function (f) { if (!seenForm[f]) { seenForm[f] = 1; forms.push(f); } });
      });
    });
    var top = res.ranked.slice(0, limit);
    return Promise.all(top.map(function (r) {
      return group(groupOf(r.d)).then(function (g) {
        var e = g.entries[0];
        for (var i = 1; i < g.entries.length; i++) if (g.entries[i].first <= r.d) e = g.entries[i];
        return describe(e, r);
      });
    })).then(function (results) {
      return { results: results, total: res.ranked.length, complete: res.complete, forms: forms,
        prefix: parsed.terms.filter(function (t) { return t.prefix; }).map(function (t) { return t.w; }) };
    });
  }

  function describe(e, r) {
    var i = r.d - e.first;
    var d = e.docs[i] || e.docs[0];
    var type = e.kind === "exercise" ? "exercise" : (i > 0 ? "section" : e.kind);
    var crumbs = e.crumbs.slice();
    if (i > 0) crumbs.push(e.title);
    return {
      doc: r.d, type: type, label: e.label || "",
      title: d[0] || e.title, url: e.url, anchor: d[1] || "",
      crumbs: crumbs, head: d[2] || "", body: d[3] || "", score: r.score,
      matched: r.matched, exact: r.exact
    };
  }

  /* ---------- Rendering (DOM APIs only) ---------- */

  var TYPE_LABEL = { lesson: "Lesson", section: "Section", exercise: "Exercise", chapter: "Chapter", page: "Page", workshop: "Workshop" };

  function matcher(forms, prefixes) {
    var set = Object.create(null);
    forms.forEach(function (f) { set[f] = 1; });
    return function (w) {
      if (!w) return false;
      if (set[w]) return true;
      for (var i = 0; i < prefixes.length; i++) if (prefixes[i].length >= 2 && w.lastIndexOf(prefixes[i], 0) === 0) return true;
      return false;
    };
  }

  var SNIPPET_WORDS = 26;

  /* Appends the part of `text` with the most matched words, marks included. */
  function snippet(el, text, toks, isMatch) {
    var hits = [];
    for (var i = 0; i < toks.length; i++) if (isMatch(toks[i].w)) hits.push(i);
    var from = 0;
    if (hits.length) {
      var best = -1, bestStart = hits[0];
      for (var h = 0; h < hits.length; h++) {
        var distinct = Object.create(null), n = 0;
        for (var g = h; g < hits.length && hits[g] < hits[h] + SNIPPET_WORDS; g++) {
          if (!distinct[toks[hits[g]].w]) { distinct[toks[hits[g]].w] = 1; n++; }
        }
        if (n > best) { best = n; bestStart = hits[h]; }
      }
      from = Math.max(0, bestStart - 6);
    }
    var to = Math.min(toks.length, from + SNIPPET_WORDS);
    if (!toks.length) { el.appendChild(document.createTextNode(text.slice(0, 160))); return; }
    var start = from === 0 ? 0 : toks[from].s;
    var end = to >= toks.length ? text.length : toks[to - 1].e;
    if (end - start > 400) end = start + 400;
    if (start > 0) el.appendChild(document.createTextNode("\u2026 "));
    var at = start;
    for (var t = from; t < to; t++) {
      var tk = toks[t];
      if (tk.e > end) break;
      if (!isMatch(tk.w)) continue;
      if (tk.s > at) el.appendChild(document.createTextNode(text.slice(at, tk.s)));
      var m = document.createElement("mark");
      m.textContent = text.slice(tk.s, tk.e);
      el.appendChild(m);
      at = tk.e;
    }
    if (end > at) el.appendChild(document.createTextNode(text.slice(at, end)));
    if (end < text.length) el.appendChild(document.createTextNode(" \u2026"));
  }

  function resultHref(r, out) {
    var words = out.forms.slice(0, 12);
    var href = root + r.url;
    if (words.length) href += "?hl=" + encodeURIComponent(words.join(" "));
    if (r.anchor) href += "#" + encodeURIComponent(r.anchor);
    return href;
  }

  /* Fills `holder` (an <a>) with one result's type, title, crumbs and snippet. */
  function fillResult(a, r, out, isMatch) {
    a.href = resultHref(r, out);
    var top = document.createElement("span");
    top.className = "hb-result-head";
    var type = document.createElement("span");
    type.className = "hb-result-type hb-result-type-" + r.type;
    type.textContent = TYPE_LABEL[r.type] || r.type;
    top.appendChild(type);
    var title = document.createElement("span");
    title.className = "hb-result-title";
    title.textContent = r.title;
    top.appendChild(title);
    if (r.label) {
      var label = document.createElement("span");
      label.className = "hb-result-label";
      label.textContent = r.label;
      top.appendChild(label);
    }
    a.appendChild(top);
    if (r.crumbs.length) {
      var crumbs = document.createElement("span");
      crumbs.className = "hb-result-crumbs";
      crumbs.textContent = r.crumbs.join(" \u203A ");
      a.appendChild(crumbs);
    }
    /* The snippet is the body's text. A page's or an exercise's summary
       and objectives stand in for it when they hold a match and the body
       does not, or when there is no body. A section's head is only the
       headings above it, which say nothing of the section itself. */
    var text = r.body, toks = tokens(text);
    var matches = function (ts) { return ts.some(function (t) { return isMatch(t.w); }); };
    if (r.head && r.type !== "section" && !matches(toks)) {
      var headToks = tokens(r.head);
      if (!text || matches(headToks)) {
        text = r.head;
        toks = headToks;
      }
    }
    if (text) {
      var snip = document.createElement("span");
      snip.className = "hb-result-snippet";
      snippet(snip, text, toks, isMatch);
      a.appendChild(snip);
    }
  }

  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  /* ---------- The header search box ---------- */

  var input = document.getElementById("hb-search-input");
  /* The "/" shortcut needs a keyboard: a touch screen's box does not
     offer it (and a screen that changes between the two follows). */
  if (input && window.matchMedia) {
    var touch = window.matchMedia("(hover: none)");
    var withKey = input.placeholder;
    var withoutKey = withKey.replace(/\s*\(\s*\/\s*\)\s*$/, "");
    var hint = function () { input.placeholder = touch.matches ? withoutKey : withKey; };
    hint();
    if (touch.addEventListener) touch.addEventListener("change", hint);
  }
  var panel = document.getElementById("hb-search-panel");
  var list = document.getElementById("hb-search-results");
  var status = document.getElementById("hb-search-status");
  var scope = document.getElementById("hb-search-scope");
  var chapter = document.getElementById("hb-search-chapter");
  var form = input && input.form;
  var seq = 0;
  var active = -1;
  var lastQuery = null;

  function options() { return list ? list.querySelectorAll("[role=option]") : []; }

  function open() {
    if (!panel) return;
    panel.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }
  function close() {
    if (!panel) return;
    panel.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
  }

  function setActive(i) {
    var opts = options();
    if (active >= 0 && opts[active]) opts[active].setAttribute("aria-selected", "false");
    active = opts.length ? i : -1;
    if (active >= opts.length) active = opts.length - 1;
    if (active >= 0) {
      opts[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", opts[active].id);
      if (opts[active].scrollIntoView) opts[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function filterOpts() {
    return { scope: scope ? scope.value : "", chapter: chapter ? chapter.value : "" };
  }

  function fillChapters() {
    if (!manifest) return;
    [chapter, document.getElementById("hb-search-page-chapter")].forEach(function (sel) {
      if (!sel || sel.options.length > 1) return;
      manifest.chapters.forEach(function (c, i) {
        var o = document.createElement("option");
        o.value = String(i);
        o.textContent = (c.depth > 0 ? new Array(c.depth + 1).join("\u2014 ") : "") + c.title;
        sel.appendChild(o);
      });
    });
  }

  /* The index could not be loaded: says so in `el`, details to the console. */
  function showError(el, err) {
    if (el) el.textContent = "Search is unavailable: the index could not be loaded.";
    if (window.console && console.warn) console.warn(err);
  }

  function statusText(out) {
    /* Completions start at three letters: "m" or "mi" is not yet a
       search for anything. */
    var short = out.prefix && out.prefix.some(function (w) { return w.length < 3; });
    if (!out.results.length) return short ? "No results yet: type at least three letters" : "No results";
    return (out.complete ? plural(out.total, "result", "results") : "Many results") +
      (!out.complete || out.total > out.results.length ? ", showing the best " + out.results.length : "");
  }

  function queryKey() {
    var opts = filterOpts();
    return input.value + "\u0000" + opts.scope + "\u0000" + opts.chapter;
  }

  /* Shows the list again: as it was if the query has not changed. */
  function reopen() {
    if (!input.value.trim()) return;
    if (queryKey() === lastQuery && options().length) open();
    else { lastQuery = null; run(); }
  }

  function run() {
    if (!input) return;
    var q = input.value;
    var opts = filterOpts();
    var key = queryKey();
    if (key === lastQuery && !panel.hidden) return;
    lastQuery = key;
    var mine = ++seq;
    if (!q.trim()) {
      clear(list);
      setActive(-1);
      status.textContent = "";
      close();
      return;
    }
    open();
    var t0 = performance.now();
    search(q, { scope: opts.scope, chapter: opts.chapter, limit: 10 }).then(function (out) {
      if (mine !== seq) return;
      fillChapters();
      renderList(out);
      api.last = { query: q, ms: performance.now() - t0, results: out.results.length, total: out.total };
    }, function (err) {
      if (mine !== seq) return;
      clear(list);
      showError(status, err);
    });
  }

  function renderList(out) {
    clear(list);
    active = -1;
    input.removeAttribute("aria-activedescendant");
    var isMatch = matcher(out.forms, out.prefix);
    out.results.forEach(function (r, i) {
      var li = document.createElement("li");
      li.id = "hb-search-option-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.className = "hb-result";
      var a = document.createElement("a");
      a.tabIndex = -1;
      fillResult(a, r, out, isMatch);
      li.appendChild(a);
      li.addEventListener("mousedown", function (e) { e.preventDefault(); });
      list.appendChild(li);
    });
    status.textContent = statusText(out);
    if (out.results.length) {
      var more = document.createElement("li");
      more.className = "hb-result-more";
      more.setAttribute("role", "presentation");
      var a = document.createElement("a");
      /* The filters chosen here go along too. */
      var opts = filterOpts(), u = new URLSearchParams();
      u.set("q", input.value);
      if (opts.scope) u.set("scope", opts.scope);
      if (opts.chapter) u.set("chapter", opts.chapter);
      a.href = root + "search.html?" + u.toString();
      a.textContent = "All results on the search page";
      a.tabIndex = -1;
      more.appendChild(a);
      list.appendChild(more);
    }
  }

  function isEditable(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  if (input && panel && list && status) {
    input.addEventListener("input", run);
    input.addEventListener("focus", function () {
      loadManifest().then(fillChapters, function () {});
      reopen();
    });
    input.addEventListener("keydown", function (e) {
      var n = options().length;
      if (e.key === "ArrowDown") {
        e.preventDefault();
        if (panel.hidden && input.value.trim()) { reopen(); return; }
        if (n) setActive(active < 0 ? 0 : (active + 1) % n);
      } else if (e.key === "ArrowUp") {
        e.preventDefault();
        if (n) setActive(active <= 0 ? n - 1 : active - 1);
      } else if (e.key === "Home" && active >= 0) {
        e.preventDefault();
        setActive(0);
      } else if (e.key === "End" && active >= 0) {
        e.preventDefault();
        setActive(n - 1);
      } else if (e.key === "Enter") {
        if (active >= 0 && !panel.hidden) {
          e.preventDefault();
          var a = options()[active].querySelector("a");
          if (a) location.href = a.href;
        }
      } else if (e.key === "Escape") {
        if (!panel.hidden) {
          e.preventDefault();
          e.stopPropagation();
          close();
        } else if (input.value) {
          e.preventDefault();
          input.value = "";
          lastQuery = null;
        }
      }
    });
    [scope, chapter].forEach(function (sel) {
      if (!sel) return;
      sel.addEventListener("change", function () { lastQuery = null; run(); input.focus(); });
    });
    document.addEventListener("mousedown", function (e) {
      if (!panel.hidden && form && !form.contains(e.target)) close();
    });
    document.addEventListener("keydown", function (e) {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      if ((e.key === "/" || e.key === "s") && !isEditable(e.target)) {
        e.preventDefault();
        /* The search page's own box, where it has one, is the one in use. */
        var box = document.getElementById("hb-search-page-input") || input;
        box.focus();
        box.select();
      }
    });
  }

  /* ---------- ?q= deep links, the search page, ?hl= highlighting ---------- */

  var params = new URLSearchParams(location.search);
  var pageBox = document.getElementById("hb-search-page");
  var pageInput = document.getElementById("hb-search-page-input");
  var pageScope = document.getElementById("hb-search-page-scope");
  var pageChapter = document.getElementById("hb-search-page-chapter");

  function pageOpts() {
    return { scope: pageScope ? pageScope.value : "", chapter: pageChapter ? pageChapter.value : "" };
  }

  var pageSeq = 0;
  function renderPage(q, limit) {
    var mine = ++pageSeq;
    clear(pageBox);
    if (!q.trim()) return;
    var h = document.createElement("h2");
    h.textContent = "Results for \u201C" + q + "\u201D";
    pageBox.appendChild(h);
    var st = document.createElement("p");
    st.className = "hb-search-status";
    st.setAttribute("role", "status");
    st.textContent = "Searching\u2026";
    pageBox.appendChild(st);
    var opts = pageOpts();
    search(q, { scope: opts.scope, chapter: opts.chapter, limit: limit, full: limit > 50 }).then(function (out) {
      if (mine !== pageSeq) return;
      var isMatch = matcher(out.forms, out.prefix);
      var ol = document.createElement("ol");
      ol.className = "hb-search-page-results";
      out.results.forEach(function (r) {
        var li = document.createElement("li");
        li.className = "hb-result";
        var a = document.createElement("a");
        fillResult(a, r, out, isMatch);
        li.appendChild(a);
        ol.appendChild(li);
      });
      st.textContent = statusText(out);
      pageBox.appendChild(ol);
      if (out.total > out.results.length || !out.complete) {
        var more = document.createElement("button");
        more.type = "button";
        more.className = "hb-search-more";
        more.textContent = "More results";
        more.addEventListener("click", function () { renderPage(q, limit + 50); });
        pageBox.appendChild(more);
      }
      api.last = { query: q, results: out.results.length, total: out.total };
    }, function (err) {
      if (mine === pageSeq) showError(st, err);
    });
  }

  var initial = params.get("q");
  if (pageBox && pageInput) {
    /* The search page: its own box and filters, kept in the address. */
    pageInput.value = initial || "";
    if (pageScope && /^(lesson|exercise)$/.test(params.get("scope") || "")) pageScope.value = params.get("scope");
    var wantChapter = params.get("chapter") || "";
    loadManifest().then(function () {
      fillChapters();
      if (pageChapter && /^\d+$/.test(wantChapter) && Number(wantChapter) < manifest.chapters.length) pageChapter.value = wantChapter;
      if (pageInput.value.trim()) renderPage(pageInput.value, 50);
    }, function (err) {
      var p = document.createElement("p");
      p.className = "hb-search-status";
      pageBox.appendChild(p);
      showError(p, err);
    });
    var refresh = function () {
      var u = new URLSearchParams();
      if (pageInput.value) u.set("q", pageInput.value);
      var o = pageOpts();
      if (o.scope) u.set("scope", o.scope);
      if (o.chapter) u.set("chapter", o.chapter);
      try { history.replaceState(null, "", "?" + u.toString()); } catch (e) { /* file:// may refuse */ }
      renderPage(pageInput.value, 50);
    };
    [pageScope, pageChapter].forEach(function (sel) { if (sel) sel.addEventListener("change", refresh); });
    pageInput.addEventListener("input", refresh);
    if (pageInput.form) pageInput.form.addEventListener("submit", function (e) { e.preventDefault(); refresh(); });
  } else if (initial !== null && initial.trim() && input) {
    input.value = initial;
    input.focus();
    lastQuery = null;
    run();
  }

  /* Highlights the words from ?hl= in the page's main text. */
  function highlight(list) {
    var main = document.getElementById("hb-main");
    if (!main) return 0;
    var set = Object.create(null);
    tokens(list).forEach(function (t) { if (t.w) set[t.w] = 1; });
    var walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) {
        var p = n.parentNode;
        if (!p || /^(SCRIPT|STYLE|MARK|TEXTAREA|NOSCRIPT)$/.test(p.nodeName)) return NodeFilter.FILTER_REJECT;
        return NodeFilter.FILTER_ACCEPT;
      }
    });
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    var count = 0;
    nodes.forEach(function (node) {
      var text = node.nodeValue;
      var toks = tokens(text).filter(function (t) { return t.w && set[t.w]; });
      if (!toks.length) return;
      var frag = document.createDocumentFragment();
      var at = 0;
      toks.forEach(function (t) {
        if (t.s > at) frag.appendChild(document.createTextNode(text.slice(at, t.s)));
        var m = document.createElement("mark");
        m.className = "hb-highlight";
        m.textContent = text.slice(t.s, t.e);
        frag.appendChild(m);
        at = t.e;
        count++;
      });
      if (at < text.length) frag.appendChild(document.createTextNode(text.slice(at)));
      node.parentNode.replaceChild(frag, node);
    });
    return count;
  }

  var hl = params.get("hl");
  if (hl) {
    var marked = highlight(hl.slice(0, 2000));
    if (marked && !location.hash) {
      var first = document.querySelector("#hb-main mark.hb-highlight");
      if (first && first.scrollIntoView) first.scrollIntoView({ block: "center" });
    }
  }

  /* For tests and the benchmark. */
  api.search = search;
  api.tokens = function (s) { return tokens(s).map(function (t) { return t.w; }); };
  api.fold = fold;
  api.loaded = function () { return loadedPaths.slice(); };
  /* Empties the caches; the manifest too unless `keepManifest` (it loads
     when the box takes the focus, before the first query). */
  api.reset = function (keepManifest) {
    var m = store.m;
    [store, pending, vocabCache, termCache, postingCache].forEach(function (c) {
      for (var k in c) delete c[k];
    });
    if (keepManifest && manifest) store.m = m;
    else manifest = null;
    loadedPaths.length = 0;
  };
  window.__hbSearchApi = api;
})();
