/* Exercise catalogue filters: combine, count, and live in the URL
   (?kind=role-play&max=30) so that a filtered view can be shared. Each
   option's count says how many exercises it would show with the other
   filters as they are, and an option that would show none is disabled.
   Without JavaScript the full list shows, with the catalogue's counts. */
(function () {
  "use strict";
  var form = document.getElementById("hb-filters");
  var list = document.getElementById("hb-catalogue");
  var count = document.getElementById("hb-filter-count");
  var none = document.getElementById("hb-no-match");
  if (!form || !list) return;
  form.hidden = false;
  var cards = Array.prototype.slice.call(list.children);
  var keys = ["kind", "group", "difficulty", "competency", "min", "max"];

  function values() {
    var v = {};
    keys.forEach(function (k) { v[k] = (form.elements[k].value || "").trim(); });
    return v;
  }

  /* The choice lists and the attribute each is matched on. */
  var facets = { kind: "data-kind", group: "data-group", difficulty: "data-difficulty", competency: "data-competencies" };

  /* A card's values for one choice list (an exercise has several competencies). */
  function valuesOf(card, k) {
    var has = card.getAttribute(facets[k]) || "";
    return k === "competency" ? has.split("|") : [has];
  }

  function matches(card, v) {
    var d = Number(card.getAttribute("data-duration"));
    for (var k in facets) if (v[k] && valuesOf(card, k).indexOf(v[k]) < 0) return false;
    if (v.min !== "" && !isNaN(Number(v.min)) && d < Number(v.min)) return false;
    if (v.max !== "" && !isNaN(Number(v.max)) && d > Number(v.max)) return false;
    return true;
  }

  function recount(v) {
    Object.keys(facets).forEach(function (k) {
      var el = form.elements[k];
      if (!el || el.tagName !== "SELECT") return;
      var others = {};
      keys.forEach(function (x) { others[x] = x === k ? "" : v[x]; });
      var tally = Object.create(null);
      cards.forEach(function (c) {
        if (matches(c, others)) valuesOf(c, k).forEach(function (x) { tally[x] = (tally[x] || 0) + 1; });
      });
      for (var i = 0; i < el.options.length; i++) {
        var o = el.options[i];
        if (!o.value) continue;
        /* The label as the page wrote it, without its count; an option
           written without a count (a theme's own) is left as it is. */
        if (o.getAttribute("data-label") === null) {
          var m = /^(.*) \(\d+\)$/.exec(o.textContent);
          o.setAttribute("data-label", m ? m[1] : "");
        }
        var label = o.getAttribute("data-label");
        var n = tally[o.value] || 0;
        if (label) o.textContent = label + " (" + n + ")";
        o.disabled = n === 0 && el.value !== o.value;
      }
    });
  }

  /* A choice fires both "input" and "change": the second finds nothing new. */
  var applied = null;

  function apply(updateUrl) {
    var v = values();
    var key = JSON.stringify(v);
    if (key === applied) return;
    applied = key;
    recount(v);
    var shown = 0;
    cards.forEach(function (c) {
      var ok = matches(c, v);
      c.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = shown === cards.length
      ? cards.length + " exercises"
      : shown + " of " + cards.length + " exercises match";
    none.hidden = shown !== 0;
    if (updateUrl) {
      /* Other parameters (a ?q= search) stay as they are. */
      var params = new URLSearchParams(location.search);
      keys.forEach(function (k) { if (v[k]) params.set(k, v[k]); else params.delete(k); });
      var q = params.toString();
      try { history.replaceState(null, "", q ? "?" + q : location.pathname); } catch (e) { /* some file:// setups refuse */ }
    }
  }

  /* Start from the URL. Unknown values are ignored rather than hiding
     everything, and dropped from the address, which then shows the view. */
  var params = new URLSearchParams(location.search);
  var fromUrl = keys.some(function (k) { return params.has(k); });
  keys.forEach(function (k) {
    var want = params.get(k);
    if (want === null) return;
    var el = form.elements[k];
    if (el.tagName === "SELECT") {
      for (var i = 0; i < el.options.length; i++) if (el.options[i].value === want) el.value = want;
    } else if (/^\d+$/.test(want)) {
      el.value = want;
    }
  });
  form.addEventListener("input", function () { apply(true); });
  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  apply(fromUrl);
})();
