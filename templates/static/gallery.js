/* archcat gallery: search and filters, diagram pan and zoom, embed snippets, compare.
   No dependencies, no network. Text from the catalog only ever goes through textContent. */
(function () {
  "use strict";

  function readCatalog() {
    var node = document.getElementById("catalog");
    return node ? JSON.parse(node.textContent) : [];
  }

  function setQuery(params) {
    var query = params.toString();
    var url = location.pathname + (query ? "?" + query : "") + location.hash;
    try { history.replaceState(null, "", url); } catch (e) { /* some file:// setups refuse; filters still work */ }
  }

  /* ---- Index: search, filters, sort ---- */
  function initIndex() {
    var catalog = readCatalog();
    var byId = {};
    catalog.forEach(function (item) {
      item.haystack = [item.name, item.title, item.summary, item.era, item.domain_name, item.tags.join(" "),
        item.technologies.join(" "), item.patterns.join(" ").replace(/-/g, " "), item.lessons].join(" ").toLowerCase();
      byId[item.id] = item;
    });
    var form = document.getElementById("filters");
    var list = document.getElementById("cards");
    var cards = Array.prototype.slice.call(list.children);
    var controls = { q: form.elements.q, domain: form.elements.domain, tech: form.elements.tech, pattern: form.elements.pattern,
      tag: form.elements.tag, era: form.elements.era, sort: form.elements.sort };
    var count = document.getElementById("count");
    var empty = document.getElementById("empty");

    var params = new URLSearchParams(location.search);
    Object.keys(controls).forEach(function (key) {
      var value = params.get(key);
      if (value === null) return;
      var control = controls[key];
      if (control.tagName === "SELECT" && !Array.prototype.some.call(control.options, function (o) { return o.value === value; })) return;
      control.value = value;
    });

    function apply() {
      var words = controls.q.value.toLowerCase().split(/\s+/).filter(Boolean);
      var domain = controls.domain.value, tech = controls.tech.value, pattern = controls.pattern.value, tag = controls.tag.value, era = controls.era.value;
      var shown = 0;
      cards.forEach(function (card) {
        var item = byId[card.getAttribute("data-id")];
        var ok = words.every(function (w) { return item.haystack.indexOf(w) !== -1; }) &&
          (!domain || item.domain === domain) &&
          (!tech || item.technologies.indexOf(tech) !== -1) &&
          (!pattern || item.patterns.indexOf(pattern) !== -1) &&
          (!tag || item.tags.indexOf(tag) !== -1) &&
          (!era || item.decade === era);
        card.hidden = !ok;
        if (ok) shown += 1;
      });
      var sort = controls.sort.value;
      cards.slice().sort(function (a, b) {
        var x = byId[a.getAttribute("data-id")], y = byId[b.getAttribute("data-id")];
        if (sort === "old" && x.year !== y.year) return x.year - y.year;
        if (sort === "new" && x.year !== y.year) return y.year - x.year;
        return x.name.localeCompare(y.name) || x.year - y.year;
      }).forEach(function (card) { list.appendChild(card); });
      count.textContent = shown === catalog.length ? catalog.length + " architectures"
        : shown + " of " + catalog.length + " architectures";
      empty.hidden = shown !== 0;
      var next = new URLSearchParams();
      Object.keys(controls).forEach(function (key) {
        var value = controls[key].value;
        if (value && !(key === "sort" && value === "name")) next.set(key, value);
      });
      setQuery(next);
    }

    function reset() {
      form.reset();
      apply();
      controls.q.focus();
    }
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    document.getElementById("clear-filters").addEventListener("click", reset);
    document.getElementById("clear-filters-2").addEventListener("click", reset);
    apply();
  }

  /* ---- Diagram viewer: drag to pan, wheel or keys to zoom ---- */
  function initViewer(viewer, tools) {
    var img = viewer.querySelector("img");
    var state = { scale: 1, x: 0, y: 0, fit: 1 };
    function draw() { img.style.transform = "translate(" + state.x + "px," + state.y + "px) scale(" + state.scale + ")"; }
    function fit() {
      var w = img.naturalWidth || img.width, h = img.naturalHeight || img.height;
      if (!w || !h) return;
      if (!viewer.classList.contains("small")) {
        /* Let the frame follow the diagram's shape, so a fitted diagram uses the full width. */
        var width = viewer.getBoundingClientRect().width;
        viewer.style.height = Math.round(Math.max(260, Math.min(width * h / w, window.innerHeight * 0.8))) + "px";
      }
      var box = viewer.getBoundingClientRect();
      state.fit = Math.min(box.width / w, box.height / h, 1.5);
      state.scale = state.fit;
      state.x = (box.width - w * state.scale) / 2;
      state.y = (box.height - h * state.scale) / 2;
      draw();
    }
    function zoom(factor, cx, cy) {
      var box = viewer.getBoundingClientRect();
      if (cx === undefined) { cx = box.width / 2; cy = box.height / 2; }
      var next = Math.max(state.fit / 2, Math.min(state.scale * factor, 8));
      state.x = cx - (cx - state.x) * (next / state.scale);
      state.y = cy - (cy - state.y) * (next / state.scale);
      state.scale = next;
      draw();
    }
    if (img.complete) fit(); else img.addEventListener("load", fit);
    window.addEventListener("resize", fit);
    viewer.addEventListener("wheel", function (e) {
      e.preventDefault();
      var box = viewer.getBoundingClientRect();
      zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - box.left, e.clientY - box.top);
    }, { passive: false });
    var drag = null;
    viewer.addEventListener("pointerdown", function (e) {
      drag = { x: e.clientX - state.x, y: e.clientY - state.y };
      viewer.setPointerCapture(e.pointerId);
      viewer.classList.add("dragging");
    });
    viewer.addEventListener("pointermove", function (e) {
      if (!drag) return;
      state.x = e.clientX - drag.x;
      state.y = e.clientY - drag.y;
      draw();
    });
    function stop() { drag = null; viewer.classList.remove("dragging"); }
    viewer.addEventListener("pointerup", stop);
    viewer.addEventListener("pointercancel", stop);
    viewer.addEventListener("keydown", function (e) {
      var step = 40, handled = true;
      if (e.key === "+" || e.key === "=") zoom(1.25);
      else if (e.key === "-" || e.key === "_") zoom(1 / 1.25);
      else if (e.key === "0") fit();
      else if (e.key === "ArrowLeft") { state.x += step; draw(); }
      else if (e.key === "ArrowRight") { state.x -= step; draw(); }
      else if (e.key === "ArrowUp") { state.y += step; draw(); }
      else if (e.key === "ArrowDown") { state.y -= step; draw(); }
      else handled = false;
      if (handled) e.preventDefault();
    });
    if (tools) {
      tools.addEventListener("click", function (e) {
        var action = e.target.getAttribute("data-zoom");
        if (action === "in") zoom(1.25);
        else if (action === "out") zoom(1 / 1.25);
        else if (action === "reset") fit();
      });
    }
  }

  /* ---- Embed snippets ---- */
  function copyText(text, status) {
    function done() { status.textContent = "Copied: " + text; }
    function fallback() {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "absolute";
      area.style.left = "-9999px";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      status.textContent = ok ? "Copied: " + text : "Copy this: " + text;
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  function initEmbeds() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var src = new URL(button.getAttribute("data-src"), location.href).href;
        var alt = button.getAttribute("data-alt");
        var text = button.getAttribute("data-copy") === "markdown"
          ? "![" + alt.replace(/[\[\]]/g, "") + "](" + src + ")"
          : '<img src="' + src.replace(/"/g, "&quot;") + '" alt="' + alt.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;") + '">';
        copyText(text, button.parentNode.querySelector(".copied"));
      });
    });
  }

  /* ---- Compare ---- */
  function initCompare() {
    var catalog = readCatalog();
    var names = JSON.parse(document.getElementById("pattern-names").textContent);
    var byId = {};
    catalog.forEach(function (item) { byId[item.id] = item; });
    var form = document.getElementById("compare-form");
    var params = new URLSearchParams(location.search);
    ["a", "b"].forEach(function (side) {
      var wanted = params.get(side);
      if (wanted && byId[wanted]) form.elements[side].value = wanted;
    });
    var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;

    function fillChips(list, values, other, label) {
      list.textContent = "";
      values.forEach(function (value) {
        var li = document.createElement("li");
        li.textContent = label ? label(value) : value;
        if (other.indexOf(value) !== -1) { li.className = "shared"; li.title = "Used by both"; }
        list.appendChild(li);
      });
      if (!values.length) { var none = document.createElement("li"); none.textContent = "none listed"; list.appendChild(none); }
    }

    function render() {
      var a = byId[form.elements.a.value], b = byId[form.elements.b.value];
      [[a, b, "a"], [b, a, "b"]].forEach(function (trio) {
        var item = trio[0], other = trio[1], section = document.getElementById("side-" + trio[2]);
        var link = section.querySelector("h2 a");
        link.textContent = item.name + " " + item.era;
        link.setAttribute("href", item.href);
        section.querySelector(".side-title").textContent = item.title;
        var img = section.querySelector("img");
        img.src = dark ? item.overview.dark : item.overview.light;
        img.alt = item.overview_alt;
        img.hidden = false;
        var dl = section.querySelector(".side-metrics");
        dl.textContent = "";
        item.metrics.forEach(function (m) {
          var box = document.createElement("div"); box.className = "metric";
          var dt = document.createElement("dt"); dt.textContent = m.label;
          var dd = document.createElement("dd");
          var strong = document.createElement("strong"); strong.textContent = m.value;
          dd.appendChild(strong);
          dd.appendChild(document.createTextNode(" in " + m.year));
          box.appendChild(dt); box.appendChild(dd); dl.appendChild(box);
        });
        fillChips(section.querySelector(".side-tech"), item.technologies, other.technologies);
        fillChips(section.querySelector(".side-patterns"), item.patterns, other.patterns, function (p) { return names[p] || p; });
      });
      var next = new URLSearchParams();
      next.set("a", a.id); next.set("b", b.id);
      setQuery(next);
    }
    form.addEventListener("change", render);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    render();
  }

  var page = document.body.getAttribute("data-page");
  if (page === "index") initIndex();
  if (page === "architecture") {
    document.querySelectorAll(".diagram").forEach(function (figure) {
      initViewer(figure.querySelector(".viewer"), figure.querySelector(".viewer-tools"));
    });
    initEmbeds();
  }
  if (page === "compare") initCompare();
}());
