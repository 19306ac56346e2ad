/* handbook: navigation tree, dark mode toggle and the mobile menu.
   Plain classic script: works from file:// with no server. */
(function () {
  "use strict";
  var doc = document.documentElement;
  var root = doc.getAttribute("data-root") || "";
  var here = doc.getAttribute("data-page") || "";

  /* Dark mode: follows the system until the reader chooses, then remembers. */
  var toggle = document.getElementById("hb-theme-toggle");
  var isDark = function () {
    return doc.dataset.theme
      ? doc.dataset.theme === "dark"
      : !!(window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches);
  };
  if (toggle) {
    toggle.setAttribute("aria-pressed", String(isDark()));
    toggle.addEventListener("click", function () {
      var dark = isDark();
      doc.dataset.theme = dark ? "light" : "dark";
      try { localStorage.setItem("hb-theme", doc.dataset.theme); } catch (e) { /* storage may be off */ }
      toggle.setAttribute("aria-pressed", String(!dark));
    });
  }

  /* The current page's entry in the contents is brought into view by
     scrolling the sidebar alone (on load, and when the phone drawer opens:
     it is hidden until then). scrollIntoView would do more: Chromium makes
     the element it scrolls to the place the next Tab starts from, and the
     first Tab on a page would pass over the skip link and everything
     before the entry. It may be below the view, or above it when the
     reader scrolled the drawer past it before closing it. */
  function showCurrent() {
    var current = sidebar && sidebar.querySelector('#hb-nav-tree [aria-current="page"]');
    if (!current) return;
    var e = current.getBoundingClientRect();
    var v = sidebar.getBoundingClientRect();
    if (e.top < v.top) sidebar.scrollTop -= Math.ceil(v.top - e.top);
    else if (e.bottom > v.bottom) sidebar.scrollTop += Math.ceil(e.bottom - v.bottom);
  }

  /* Mobile menu. */
  var menu = document.getElementById("hb-menu-toggle");
  var sidebar = document.getElementById("hb-sidebar");
  if (menu && sidebar) {
    var setOpen = function (open) {
      sidebar.classList.toggle("hb-open", open);
      doc.classList.toggle("hb-drawer-open", open);
      menu.setAttribute("aria-expanded", String(open));
      if (open) showCurrent();
    };
    menu.addEventListener("click", function () {
      setOpen(!sidebar.classList.contains("hb-open"));
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && sidebar.classList.contains("hb-open")) {
        setOpen(false);
        menu.focus();
      }
    });
    /* A link to a place on this same page does not reload it: close. */
    sidebar.addEventListener("click", function (e) {
      if (e.target.closest && e.target.closest("a")) setOpen(false);
    });
  }

  /* The header's real height (it wraps on narrow screens), for the drawer
     and for scrolling to anchors and focused elements below it. */
  var header = document.querySelector(".hb-header");
  if (header) {
    var measure = function () {
      doc.style.setProperty("--hb-header-h", header.getBoundingClientRect().height + "px");
    };
    measure();
    if (window.ResizeObserver) new ResizeObserver(measure).observe(header);
    else window.addEventListener("resize", measure);
  }

  /* "On this page" marks the section being read: the last heading whose
     top has scrolled past the header, or the last one at the page's end. */
  var toc = document.querySelector(".hb-toc");
  if (toc) {
    var marks = [];
    var tocLinks = toc.querySelectorAll('a[href^="#"]');
    for (var t = 0; t < tocLinks.length; t++) {
      var target = document.getElementById(decodeURIComponent(tocLinks[t].getAttribute("href").slice(1)));
      if (target) marks.push([target, tocLinks[t]]);
    }
    var pending = false;
    var spy = function () {
      pending = false;
      var line = (header ? header.getBoundingClientRect().bottom : 0) + 24;
      var current = null;
      for (var m = 0; m < marks.length && marks[m][0].getBoundingClientRect().top <= line; m++) current = marks[m][1];
      /* At the end of the page the last sections may never reach the line. */
      var atEnd = window.innerHeight + window.scrollY >= doc.scrollHeight - 2;
      if (atEnd && current && marks.length) current = marks[marks.length - 1][1];
      for (var k = 0; k < marks.length; k++) {
        var on = marks[k][1] === current;
        marks[k][1].classList.toggle("hb-active", on);
        if (on) marks[k][1].setAttribute("aria-current", "location");
        else marks[k][1].removeAttribute("aria-current");
      }
    };
    var later = function () {
      if (!pending) { pending = true; window.requestAnimationFrame(spy); }
    };
    window.addEventListener("scroll", later, { passive: true });
    window.addEventListener("resize", later);
    spy();
  }

  /* Printing opens every closed <details> (a run-sheet's exercise notes)
     and closes them again afterwards: on paper nothing can be expanded. */
  var opened = [];
  window.addEventListener("beforeprint", function () {
    var all = document.querySelectorAll("details:not([open])");
    for (var i = 0; i < all.length; i++) { all[i].open = true; opened.push(all[i]); }
  });
  window.addEventListener("afterprint", function () {
    while (opened.length) opened.pop().open = false;
  });

  /* The full table of contents comes from the shared nav.js as
     [title, path, children?]. Chapters on the way to the current page are
     open; the rest open on demand, so the DOM stays small. */
  var data = window.__hbNav;
  var holder = document.getElementById("hb-nav-tree");
  if (!data || !holder) return;

  /* A page outside the tree (an exercise, a print view) opens the tree
     at the page it belongs to, named by its link marked data-hb-near. */
  var near = null;
  var nearLink = document.querySelector("[data-hb-near]");
  if (nearLink) {
    var base = new URL(root || "./", location.href).href;
    var abs = nearLink.href.split("#")[0];
    if (abs.indexOf(base) === 0) near = decodeURI(abs.slice(base.length));
  }

  function contains(node) {
    if (node[1] === here || node[1] === near) return true;
    var kids = node[2];
    if (!kids) return false;
    for (var i = 0; i < kids.length; i++) if (contains(kids[i])) return true;
    return false;
  }

  function item(node) {
    var li = document.createElement("li");
    var row = document.createElement("div");
    row.className = "hb-tree-row";
    var a = document.createElement("a");
    a.href = root + node[1];
    a.textContent = node[0];
    if (node[1] === here) a.setAttribute("aria-current", "page");
    var kids = node[2];
    if (kids && kids.length) {
      li.className = "hb-tree-chapter";
      var btn = document.createElement("button");
      btn.type = "button";
      var open = contains(node);
      var ul = null;
      var set = function (o) {
        btn.setAttribute("aria-expanded", String(o));
        btn.setAttribute("aria-label", (o ? "Collapse " : "Expand ") + node[0]);
        btn.textContent = o ? "\u25BE" : "\u25B8";
        if (o && !ul) { ul = list(kids); li.appendChild(ul); }
        if (ul) ul.hidden = !o;
      };
      btn.addEventListener("click", function () { set(btn.getAttribute("aria-expanded") !== "true"); });
      row.appendChild(btn);
      row.appendChild(a);
      li.appendChild(row);
      set(open);
    } else {
      row.appendChild(a);
      li.appendChild(row);
    }
    return li;
  }

  function list(nodes) {
    var ul = document.createElement("ul");
    for (var i = 0; i < nodes.length; i++) ul.appendChild(item(nodes[i]));
    return ul;
  }

  var tree = document.createElement("ul");
  tree.className = "hb-tree";
  tree.appendChild(item([data[0], data[1]]));
  var top = list(data[2] || []);
  while (top.firstChild) tree.appendChild(top.firstChild);
  /* The link to every page (exercises and workshops too) stays below it. */
  var all = holder.querySelector(".hb-nav-all");
  holder.textContent = "";
  holder.appendChild(tree);
  if (all) holder.appendChild(all);
  showCurrent();
})();
