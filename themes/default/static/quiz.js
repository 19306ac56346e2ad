/* Self-check quizzes: scored in the browser, offline. Each answer shows its
   explanation and is remembered in localStorage. Native radio buttons and
   checkboxes inside fieldsets keep keyboard and screen-reader use plain;
   feedback is announced through live regions. */
(function () {
  "use strict";
  var section = document.querySelector(".hb-quiz");
  if (!section) return;
  var key = "hb-quiz:" + section.getAttribute("data-quiz");
  var forms = Array.prototype.slice.call(section.querySelectorAll(".hb-question"));
  var score = section.querySelector(".hb-quiz-score");
  var saved = {};
  try { saved = JSON.parse(localStorage.getItem(key) || "{}") || {}; } catch (e) { saved = {}; }

  function chosen(form) {
    return Array.prototype.slice.call(form.querySelectorAll("input:checked")).map(function (i) { return Number(i.value); });
  }

  function correct(form) {
    return form.getAttribute("data-answer").split(",").map(Number);
  }

  function same(a, b) {
    if (a.length !== b.length) return false;
    var s = a.slice().sort(), t = b.slice().sort();
    for (var i = 0; i < s.length; i++) if (s[i] !== t[i]) return false;
    return true;
  }

  function show(form, picked) {
    var right = correct(form);
    var ok = same(picked, right);
    var fb = form.querySelector(".hb-feedback");
    fb.hidden = false;
    fb.classList.toggle("hb-ok", ok);
    fb.classList.toggle("hb-no", !ok);
    var names = right.map(function (n) {
      var input = form.querySelector('input[value="' + n + '"]');
      return input ? "\u201C" + input.parentNode.textContent.trim() + "\u201D" : String(n);
    });
    // "A", "A and B", "A, B and C".
    var list = names.length > 1
      ? names.slice(0, -1).join(", ") + " and " + names[names.length - 1]
      : names.join("");
    form.querySelector(".hb-verdict").textContent = ok
      ? "Correct."
      : (names.length > 1 ? "Not quite. The correct answers are " : "Not quite. The correct answer is ") + list + ".";
    Array.prototype.forEach.call(form.querySelectorAll(".hb-choice"), function (label) {
      var v = Number(label.querySelector("input").value);
      label.classList.toggle("hb-correct", right.indexOf(v) >= 0);
      label.classList.toggle("hb-wrong", picked.indexOf(v) >= 0 && right.indexOf(v) < 0);
    });
    return ok;
  }

  function update() {
    var answered = 0, right = 0;
    forms.forEach(function (f, i) {
      var s = saved[i + 1];
      if (s) { answered++; if (same(s, correct(f))) right++; }
    });
    score.textContent = answered ? "Score: " + right + " of " + forms.length + " correct (" + answered + " answered)." : "";
  }

  forms.forEach(function (form, i) {
    var n = i + 1;
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var picked = chosen(form);
      if (!picked.length) {
        var fb = form.querySelector(".hb-feedback");
        fb.hidden = false;
        form.querySelector(".hb-verdict").textContent = "Choose an answer first.";
        return;
      }
      show(form, picked);
      saved[n] = picked;
      try { localStorage.setItem(key, JSON.stringify(saved)); } catch (err) { /* storage may be off */ }
      update();
    });
    if (saved[n]) {
      saved[n].forEach(function (v) {
        var input = form.querySelector('input[value="' + Number(v) + '"]');
        if (input) input.checked = true;
      });
      show(form, saved[n]);
    }
  });

  var reset = section.querySelector(".hb-quiz-reset");
  if (reset) {
    reset.addEventListener("click", function () {
      saved = {};
      try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
      forms.forEach(function (f) {
        f.reset();
        f.querySelector(".hb-feedback").hidden = true;
        Array.prototype.forEach.call(f.querySelectorAll(".hb-choice"), function (l) { l.classList.remove("hb-correct", "hb-wrong"); });
      });
      update();
    });
  }
  update();
})();
