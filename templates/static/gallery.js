/* archcat gallery: search and filters, diagram pan and zoom, embed mode and snippets, compare.
   No dependencies, no network. Text from the catalog only ever goes through textContent. */
(function () {
  "use strict";

  /* The address follows the search and the filters. Writing it is a round trip to the browser (10 to 35 ms a
     call on a phone-speed CPU), too slow for every keystroke: typing writes it once the reader pauses, other
     changes at once, and a click anywhere or leaving the page writes what is pending first. */
  var pendingQuery = null, queryTimer = 0;
  function writeQuery() {
    clearTimeout(queryTimer);
    queryTimer = 0;
    if (pendingQuery === null) return;
    var url = location.pathname + (pendingQuery ? "?" + pendingQuery : "") + location.hash;
    pendingQuery = null;
    try { history.replaceState(null, "", url); } catch (e) { /* some file:// setups refuse; filters still work */ }
  }
  function setQuery(params, typing) {
    pendingQuery = params.toString();
    clearTimeout(queryTimer);
    if (typing) queryTimer = setTimeout(writeQuery, 400);
    else writeQuery();
  }
  ["click", "auxclick"].forEach(function (type) { document.addEventListener(type, writeQuery, true); });
  window.addEventListener("pagehide", writeQuery);

  /* ---- Index: search, filters, sort, pages ----
     The page carries a compact index (#index-data) and the first page of cards. A keystroke filters
     that index (a string search per architecture) and draws one page of cards, reusing the card
     elements it has built: the cost of a keystroke does not grow with the catalog's cards. The full
     summaries and lessons (data/search-text.js) load the first time the reader searches. */
  function initIndex() {
    var data = JSON.parse(document.getElementById("index-data").textContent);
    var pageSize = data.page;
    var items = data.items.map(function (row) {
      var domain = row[5] >= 0 ? data.domains[row[5]] : ["", ""];
      var item = { id: row[0], name: row[1], era: row[2], year: row[3], title: row[4], summary: "",
        domain: domain[0], domainName: domain[1],
        tags: row[6].map(function (i) { return data.tags[i]; }),
        tech: row[7].map(function (i) { return data.tech[i]; }),
        patterns: row[8].map(function (i) { return data.patterns[i][0]; }),
        headline: row[9], view: row[10], height: row[11] };
      item.decade = Math.floor(item.year / 10) * 10 + "s";
      item.haystack = [item.name, item.title, item.era, item.domainName, item.tags.join(" "),
        item.tech.join(" "), item.patterns.join(" ").replace(/-/g, " ")].join(" ").toLowerCase();
      return item;
    });
    var form = document.getElementById("filters");
    var list = document.getElementById("cards");
    var controls = { q: form.elements.q, domain: form.elements.domain, tech: form.elements.tech, pattern: form.elements.pattern,
      tag: form.elements.tag, era: form.elements.era, sort: form.elements.sort };
    var count = document.getElementById("count");
    var empty = document.getElementById("empty");
    var pager = document.getElementById("pager"), prev = document.getElementById("prev-page"),
      next = document.getElementById("next-page"), pageOf = document.getElementById("page-of");
    var template = document.getElementById("card-template");
    var built = {};
    Array.prototype.forEach.call(list.children, function (li) { built[li.getAttribute("data-id")] = li; });
    var state = { page: 1, text: "unloaded", cardText: "unloaded", search: "" };

    var params = new URLSearchParams(location.search);
    Object.keys(controls).forEach(function (key) {
      var value = params.get(key);
      if (value === null) return;
      var control = controls[key];
      if (control.tagName === "SELECT" && !Array.prototype.some.call(control.options, function (o) { return o.value === value; })) return;
      control.value = value;
    });
    state.page = Math.max(1, parseInt(params.get("page"), 10) || 1);

    function card(item) {  /* the same markup as the cards the page came with */
      if (built[item.id]) return built[item.id];
      var li = template.content.firstElementChild.cloneNode(true);
      var href = "architectures/" + item.id + ".html";
      li.setAttribute("data-id", item.id);
      li.querySelector(".thumb").setAttribute("href", href);
      var img = li.querySelector("img");
      img.setAttribute("src", "diagrams/" + item.id + "/" + item.view + "-thumbnail.webp");  /* paths.thumbnail_href */
      img.setAttribute("height", item.height);
      var title = li.querySelector("h2 a");
      title.setAttribute("href", href);
      title.textContent = item.name + " ";
      var era = document.createElement("span"); era.className = "era"; era.textContent = item.era;
      title.appendChild(era);
      li.querySelector(".card-title").textContent = item.title;
      li.querySelector(".card-summary").textContent = item.summary;
      var headline = li.querySelector(".headline");
      if (item.headline) {
        headline.querySelector("strong").textContent = item.headline[0];
        headline.querySelector(".metric-label").textContent = item.headline[1];
        headline.querySelector(".muted").textContent = "(" + item.headline[2] + ")";
      } else {
        headline.remove();
      }
      var tags = li.querySelector(".tags");
      function tag(key, value, label, cls) {
        var t = document.createElement("li"), a = document.createElement("a");
        if (cls) t.className = cls;
        a.setAttribute("href", "?" + key + "=" + encodeURIComponent(value));
        a.textContent = label;
        t.appendChild(a); tags.appendChild(t);
      }
      if (item.domain) tag("domain", item.domain, item.domainName, "domain");
      item.tags.forEach(function (t) { tag("tag", t, t); });
      built[item.id] = li;
      return li;
    }

    function loadText() {  /* the full summaries and lessons, once */
      if (state.text !== "unloaded") return;
      state.text = "loading";
      window.archcatSearchText = function (text) {
        items.forEach(function (item) { if (text[item.id]) item.haystack += " " + text[item.id].toLowerCase(); });
        recent.clear();  /* answers found before the text came */
        last = null;
        state.text = "loaded";
        list.setAttribute("data-search-text", "loaded");
        if (state.cardText !== "loading") list.removeAttribute("aria-busy");
        apply(true);
      };
      var script = document.createElement("script");
      script.src = "data/search-text.js";
      script.onerror = function () { state.text = "failed"; if (state.cardText !== "loading") list.removeAttribute("aria-busy"); };
      document.head.appendChild(script);
    }

    function loadCardText() {  /* the sentence each card shows, once: the cards after the first page need it */
      if (state.cardText !== "unloaded") return;
      state.cardText = "loading";
      window.archcatCardText = function (text) {
        items.forEach(function (item) { item.summary = text[item.id] || ""; });
        state.cardText = "loaded";
        list.setAttribute("data-card-text", "loaded");
        if (state.text !== "loading") list.removeAttribute("aria-busy");
        apply(true);
      };
      var script = document.createElement("script");
      script.src = "data/card-text.js";
      script.onerror = function () {  /* cards without their sentence rather than no cards */
        state.cardText = "failed";
        if (state.text !== "loading") list.removeAttribute("aria-busy");
        apply(true);
      };
      document.head.appendChild(script);
    }

    /* The architectures a search and the filters match, in name order. Searching reads every architecture's
       text, so recent answers are kept: backspacing finds its answer again, and a search whose every word
       contains a word of the last one (a letter typed, a word added) looks only among what the last found. */
    var recent = new Map(), last = null;
    function matching(words) {
      var domain = controls.domain.value, tech = controls.tech.value, pattern = controls.pattern.value,
        tag = controls.tag.value, era = controls.era.value;
      var filters = [domain, tech, pattern, tag, era].join("\n"), key = filters + "\n" + words.join(" ");
      var found = recent.get(key);
      if (!found) {
        var narrower = last && last.filters === filters && last.words.every(function (old) {
          return words.some(function (w) { return w.indexOf(old) !== -1; });
        });
        found = (narrower ? last.found : items).filter(function (item) {
          return words.every(function (w) { return item.haystack.indexOf(w) !== -1; }) &&
            (!domain || item.domain === domain) &&
            (!tech || item.tech.indexOf(tech) !== -1) &&
            (!pattern || item.patterns.indexOf(pattern) !== -1) &&
            (!tag || item.tags.indexOf(tag) !== -1) &&
            (!era || item.decade === era);
        });
        if (recent.size >= 64) recent.delete(recent.keys().next().value);
      }
      recent.delete(key);
      recent.set(key, found);
      last = { filters: filters, words: words, found: found };
      return found;
    }

    function apply(keepPage, typing) {
      var words = controls.q.value.toLowerCase().split(/\s+/).filter(Boolean);
      if (words.length) loadText();
      if (state.text === "loading" && words.length) {  /* results (and their pages) once the full text is in */
        if (!keepPage) state.page = 1;
        list.setAttribute("aria-busy", "true");
        address(typing);
        return;
      }
      var found = matching(words);
      var sort = controls.sort.value;
      if (sort === "old" || sort === "new") {
        found = found.slice().sort(function (x, y) {  /* stable: the index is in name order */
          return sort === "old" ? x.year - y.year : y.year - x.year;
        });
      }
      var pages = Math.max(1, Math.ceil(found.length / pageSize));
      if (!keepPage) state.page = 1;
      state.page = Math.min(Math.max(1, state.page), pages);
      var picked = found.slice((state.page - 1) * pageSize, state.page * pageSize);
      var waiting = state.cardText !== "loaded" && state.cardText !== "failed" &&
        picked.some(function (item) { return !built[item.id]; });
      if (waiting) {  /* cards to build: once their sentences have come */
        list.setAttribute("aria-busy", "true");
        loadCardText();
      } else {
        var shown = picked.map(card);
        if (list.children.length !== shown.length || shown.some(function (li, i) { return list.children[i] !== li; })) {
          list.replaceChildren.apply(list, shown);
        }
      }
      count.textContent = found.length === items.length ? items.length + " architectures"
        : found.length + " of " + items.length + " architectures";
      empty.hidden = found.length !== 0;
      pager.hidden = pages < 2;
      prev.disabled = state.page <= 1;
      next.disabled = state.page >= pages;
      pageOf.textContent = "Page " + state.page + " of " + pages;
      address(typing);
    }

    function address(typing) {
      var query = new URLSearchParams();
      Object.keys(controls).forEach(function (key) {
        var value = controls[key].value;
        if (value && !(key === "sort" && value === "name")) query.set(key, value);
      });
      if (state.page > 1) query.set("page", state.page);
      var search = query.toString();
      if (search !== state.search) { state.search = search; setQuery(query, typing); }
    }

    function turn(by) {
      state.page += by;
      apply(true);
      list.scrollIntoView({ block: "start" });
    }

    function reset() {
      form.reset();
      apply();
      controls.q.focus();
    }
    /* A key typed in the search box reaches the screen at once, and its results a frame later: the browser
       draws the letter before the cards are searched and laid out, and keys typed in between are searched
       once, together. */
    var typed = 0;
    form.addEventListener("input", function (e) {
      if (e.target !== controls.q) { apply(); return; }
      if (typed) return;
      typed = requestAnimationFrame(function () {
        setTimeout(function () { typed = 0; apply(false, true); }, 0);
      });
    });
    form.addEventListener("change", function () { apply(); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    controls.q.addEventListener("focus", loadText);
    form.addEventListener("focusin", loadCardText);  /* a reader in the form is about to need other cards */
    prev.addEventListener("click", function () { turn(-1); });
    next.addEventListener("click", function () { turn(1); });
    document.getElementById("clear-filters").addEventListener("click", reset);
    document.getElementById("clear-filters-2").addEventListener("click", reset);
    state.search = location.search.replace(/^\?/, "");
    apply(true);
  }

  /* ---- Technologies and patterns: a search over the entries ---- */
  function initListFilter() {
    var form = document.querySelector("form.list-filter");
    if (!form) return;
    var root = document.querySelector(form.getAttribute("data-filter"));
    var entries = Array.prototype.map.call(root.querySelectorAll(".filterable"), function (el) {
      return { el: el, text: el.getAttribute("data-text").toLowerCase() };
    });
    var groups = root.querySelectorAll(".letter-group");
    var count = form.querySelector("[data-count]"), noun = count.getAttribute("data-count");
    var empty = document.querySelector("[data-empty]");
    var input = form.elements.q;
    var params = new URLSearchParams(location.search);
    if (params.get("q")) input.value = params.get("q");
    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      entries.forEach(function (entry) {
        var ok = words.every(function (w) { return entry.text.indexOf(w) !== -1; });
        entry.el.hidden = !ok;
        if (ok) shown += 1;
      });
      Array.prototype.forEach.call(groups, function (group) {
        group.hidden = !group.querySelector(".filterable:not([hidden])");
      });
      count.textContent = shown === entries.length ? entries.length + " " + noun : shown + " of " + entries.length + " " + noun;
      empty.hidden = shown !== 0;
      var query = new URLSearchParams();
      if (input.value) query.set("q", input.value);
      setQuery(query, true);
    }
    form.addEventListener("input", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    if (input.value) apply();
  }

  /* ---- Live diagrams: pan and zoom, components, flow playback, what breaks ----
     A figure reads its data in its page's .view section. One that fills the window (embed mode) takes the
     height the style sheet gives its viewer; otherwise the viewer's height follows the drawing's shape. */
  function initDiagram(figure, onStep, fills) {
    var viewer = figure.querySelector(".viewer"), canvas = figure.querySelector(".canvas");
    var tools = figure.querySelector(".viewer-tools"), info = figure.querySelector(".node-info");
    var now = figure.querySelector(".step-now");
    var viewId = figure.getAttribute("data-view");
    var section = figure.closest(".view");
    var dataNode = section && section.querySelector("script.view-data");
    var data = dataNode ? JSON.parse(dataNode.textContent) : { nodes: {}, steps: [], impact: {} };
    var items = section ? Array.prototype.slice.call(section.querySelectorAll(".flow li")) : [];
    var state = { scale: 1, x: 0, y: 0, fit: 1, zoomed: false, step: 0, timer: null, picked: null };
    figure.classList.add("live");
    tools.querySelectorAll("[hidden]").forEach(function (b) { b.hidden = false; });

    function drawing() { return canvas.querySelector("svg.drawing"); }
    function elements(svgId) { return canvas.querySelectorAll('[data-id="' + svgId + '"]'); }
    function size() {
      var svg = drawing(), box = svg.viewBox.baseVal;
      return { w: box.width, h: box.height };
    }
    function draw() { canvas.style.transform = "translate(" + state.x + "px," + state.y + "px) scale(" + state.scale + ")"; }
    function fit() {
      var natural = size();
      if (!natural.w) return;
      canvas.style.width = natural.w + "px";
      var width = viewer.clientWidth;
      if (!fills) viewer.style.height = Math.round(Math.max(240, Math.min(width * natural.h / natural.w, window.innerHeight * 0.7))) + "px";
      state.fit = Math.min(width / natural.w, viewer.clientHeight / natural.h, 1.5);
      if (!state.zoomed) {
        state.scale = state.fit;
        state.x = (width - natural.w * state.scale) / 2;
        state.y = (viewer.clientHeight - natural.h * state.scale) / 2;
      }
      draw();
    }
    function zoom(factor, cx, cy) {
      if (cx === undefined) { cx = viewer.clientWidth / 2; cy = viewer.clientHeight / 2; }
      var next = Math.max(state.fit / 2, Math.min(state.scale * factor, 8));
      state.x = cx - (cx - state.x) * (next / state.scale);
      state.y = cy - (cy - state.y) * (next / state.scale);
      state.scale = next;
      state.zoomed = true;
      draw();
    }
    function reset() { state.zoomed = false; fit(); }
    function reveal(svgId, part) {  /* pan so that an element is inside the frame, or the part of it given */
      var el = Array.prototype.filter.call(elements(svgId), function (e) { return e.getClientRects().length; })[0];
      if (!el) return;
      var frame = part || viewer.getBoundingClientRect(), box = el.getBoundingClientRect(), margin = 24, dx = 0, dy = 0;
      if (box.width > frame.width - 2 * margin || box.left < frame.left + margin || box.right > frame.right - margin) {
        dx = (frame.left + frame.width / 2) - (box.left + box.width / 2);
      }
      if (box.height > frame.height - 2 * margin || box.top < frame.top + margin || box.bottom > frame.bottom - margin) {
        dy = (frame.top + frame.height / 2) - (box.top + box.height / 2);
      }
      if (dx || dy) { state.x += dx; state.y += dy; draw(); }
    }

    /* -- highlighting -- */
    function clearMarks() {
      canvas.querySelectorAll(".on, .cut, .picked, .through, [aria-current]").forEach(function (el) {
        el.classList.remove("on", "cut", "picked", "through");
        el.removeAttribute("aria-current");
      });
      items.forEach(function (li) { li.classList.remove("current", "through"); li.removeAttribute("aria-current"); });
      figure.classList.remove("dim");
    }
    function mark(id, cls) {  /* a component, by its spec id */
      if (data.nodes[id]) elements(data.nodes[id].el).forEach(function (el) { el.classList.add(cls); });
    }
    function setStep(n, announce) {
      stopPlay(n >= 1 && state.timer !== null);
      state.picked = null;
      clearMarks();
      state.step = Math.max(0, Math.min(n, data.steps.length));
      if (info) info.hidden = true;
      if (!state.step) { if (now) now.textContent = ""; return; }
      var step = data.steps[state.step - 1], li = items[state.step - 1];
      if (now) now.textContent = "Step " + state.step + " of " + data.steps.length + ": " + step.text;
      if (step.edge) {  /* after the step's text, which may take some of the viewer's height (embed mode) */
        figure.classList.add("dim");
        elements(step.edge).forEach(function (el) { el.classList.add("on"); el.setAttribute("aria-current", "step"); });
        elements("badge--" + step.edge).forEach(function (el) { el.classList.add("on"); });
        step.ends.forEach(function (svgId) {  /* the SVG ids of the edge's two ends, nodes or groups */
          elements(svgId).forEach(function (el) { el.classList.add("on"); });
        });
        reveal(step.edge);
      }
      if (li) { li.classList.add("current"); li.setAttribute("aria-current", "step"); }
      if (announce !== false && onStep) onStep(viewId, state.step);
    }
    function stopPlay(keepGoing) {
      if (keepGoing) return;
      if (state.timer !== null) { clearInterval(state.timer); state.timer = null; }
      var play = tools.querySelector('[data-step="play"]');
      if (play) { play.setAttribute("aria-pressed", "false"); play.textContent = "Play the flow"; }
    }
    function play() {
      if (state.timer !== null) { stopPlay(); return; }
      if (state.step >= data.steps.length) setStep(0, false);
      var button = tools.querySelector('[data-step="play"]');
      state.timer = setInterval(function () {
        if (state.step >= data.steps.length) { stopPlay(); return; }
        setStep(state.step + 1);
      }, 2600);
      button.setAttribute("aria-pressed", "true");
      button.textContent = "Pause";
      setStep(state.step + 1);
    }

    /* -- components: details on hover or focus, what breaks when picked -- */
    function nodeId(target) {
      var g = target.closest && target.closest("g.node[role=button]");
      if (!g) return null;
      var svgId = g.getAttribute("data-id");
      return Object.keys(data.nodes).filter(function (k) { return data.nodes[k].el === svgId; })[0] || null;
    }
    function text(tag, content, cls) {
      var el = document.createElement(tag);
      if (cls) el.className = cls;
      if (content) el.textContent = content;
      return el;
    }
    function showInfo(id, picked, bring) {
      var node = data.nodes[id];
      if (!node || !info) return;
      info.textContent = "";
      info.appendChild(text("h5", node.label + (node.count ? " \u00d7" + node.count.toLocaleString("en") : "")));
      var kind = text("p", "Kind: " + node.kind + (node.about ? " (" + node.about + ")" : ""));
      info.appendChild(kind);
      if (node.tech.length) {
        var p = text("p", "Technology: ");
        node.tech.forEach(function (t, i) {
          if (i) p.appendChild(document.createTextNode(", "));
          var a = text("a", t[0]); a.href = t[1]; p.appendChild(a);
        });
        info.appendChild(p);
      }
      if (node.note) info.appendChild(text("p", node.note));
      if (picked) {
        var impact = data.impact[id] || { steps: [], cut: [] };
        var box = text("div", null, "breaks");
        box.appendChild(text("p", "If " + node.label + " fails:"));
        box.appendChild(text("p", impact.steps.length > 1
          ? "steps " + impact.steps.join(", ") + " of this flow pass through it"
          : impact.steps.length ? "step " + impact.steps[0] + " of this flow passes through it"
          : "no step of this flow passes through it"));
        box.appendChild(text("p", impact.cut.length
          ? "only reachable through it: " + impact.cut.map(function (c) { return data.nodes[c].label; }).join(", ")
          : "every other component can still be reached"));
        info.appendChild(box);
      } else {
        info.appendChild(text("p", "Select it to see what breaks if it fails.", "muted"));
      }
      info.hidden = false;
      if (fills) {  /* over the diagram: in the half away from the component, which stays in sight */
        var el = Array.prototype.filter.call(elements(node.el), function (e) { return e.getClientRects().length; })[0];
        var box = el && el.getBoundingClientRect(), frame = viewer.getBoundingClientRect();
        var above = !!box && box.top + box.height / 2 > frame.top + frame.height / 2;
        info.classList.toggle("above", above);
        if (bring) {  /* a component picked or reached by the keyboard: into the part the details leave free */
          var cover = info.getBoundingClientRect();
          var top = above ? cover.bottom : frame.top, bottom = above ? frame.bottom : cover.top;
          if (bottom - top > 40) {
            reveal(node.el, { left: frame.left, right: frame.right, width: frame.width, top: top, bottom: bottom, height: bottom - top });
          }
        }
      }
    }
    function pick(id) {
      stopPlay();
      clearMarks();
      if (now) now.textContent = "";
      state.step = 0;
      if (state.picked === id || !id) { state.picked = null; if (info) info.hidden = true; return; }
      state.picked = id;
      var impact = data.impact[id] || { steps: [], cut: [] };
      figure.classList.add("dim");
      mark(id, "picked");
      impact.cut.forEach(function (c) { mark(c, "cut"); });
      impact.steps.forEach(function (n) {
        var step = data.steps[n - 1];
        if (step.edge) {
          elements(step.edge).forEach(function (el) { el.classList.add("through", "on"); });
          elements("badge--" + step.edge).forEach(function (el) { el.classList.add("on"); });
        }
        if (items[n - 1]) items[n - 1].classList.add("through");
      });
      showInfo(id, true, true);
    }
    canvas.addEventListener("mouseover", function (e) { var id = nodeId(e.target); if (id && !state.picked) showInfo(id, false, false); });
    canvas.addEventListener("focusin", function (e) { var id = nodeId(e.target); if (id && !state.picked) showInfo(id, false, true); });
    canvas.addEventListener("click", function (e) { if (moved) return; var id = nodeId(e.target); if (id) pick(id); });
    canvas.addEventListener("keydown", function (e) {
      var id = nodeId(e.target);
      if (id && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); e.stopPropagation(); pick(id); }
    });

    /* -- pointer: drag pans, two fingers pinch, the wheel zooms with Ctrl or once the diagram has focus -- */
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(fit);
    fit();
    function measure() { return viewer.clientWidth + (fills ? "x" + window.innerHeight : ""); }
    var lastSize = measure();
    function resized() {  /* a phone's address bar hiding changes only the height, which a page's viewer ignores */
      if (measure() === lastSize) return;
      lastSize = measure();
      fit();
    }
    window.addEventListener("resize", resized);
    viewer.addEventListener("wheel", function (e) {
      if (!e.ctrlKey && !viewer.contains(document.activeElement)) return;  /* let the page scroll */
      e.preventDefault();
      var box = viewer.getBoundingClientRect();
      zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - box.left, e.clientY - box.top);
    }, { passive: false });
    var pointers = {}, drag = null, pinch = null, moved = false;
    viewer.addEventListener("pointerdown", function (e) {
      if (e.isPrimary) pointers = {};  /* a first finger down: any earlier touch has ended */
      pointers[e.pointerId] = { x: e.clientX, y: e.clientY, touch: e.pointerType === "touch" };
      var ids = Object.keys(pointers);
      moved = false;
      if (ids.length === 2) {
        var a = pointers[ids[0]], b = pointers[ids[1]];
        pinch = { d: Math.hypot(a.x - b.x, a.y - b.y) || 1 };
        drag = null;
      } else if (ids.length === 1) {
        drag = { x: e.clientX - state.x, y: e.clientY - state.y, sx: e.clientX, sy: e.clientY };
      }
    });
    viewer.addEventListener("pointermove", function (e) {
      if (!pointers[e.pointerId]) return;
      var touch = e.pointerType === "touch";
      pointers[e.pointerId] = { x: e.clientX, y: e.clientY, touch: touch };
      var ids = Object.keys(pointers);
      if (pinch && ids.length === 2) {  /* two fingers: zoom about their midpoint, and follow it */
        var a = pointers[ids[0]], b = pointers[ids[1]], box = viewer.getBoundingClientRect();
        var d = Math.hypot(a.x - b.x, a.y - b.y) || 1, mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2;
        if (pinch.mx !== undefined) { state.x += mx - pinch.mx; state.y += my - pinch.my; }
        zoom(d / pinch.d, mx - box.left, my - box.top);
        pinch.d = d; pinch.mx = mx; pinch.my = my;
        moved = true;
      } else if (drag) {
        if (!moved && Math.hypot(e.clientX - drag.sx, e.clientY - drag.sy) < 4) return;
        if (!moved && !touch) { viewer.setPointerCapture(e.pointerId); viewer.classList.add("dragging"); }
        moved = true;
        state.x = e.clientX - drag.x;
        /* One finger pans sideways only: up and down, the page scrolls (touch-action: pan-y). */
        if (!touch) state.y = e.clientY - drag.y;
        draw();
      }
    });
    function up(e) {
      delete pointers[e.pointerId];
      if (Object.keys(pointers).length < 2) pinch = null;
      if (!Object.keys(pointers).length) drag = null;
      viewer.classList.remove("dragging");
    }
    viewer.addEventListener("pointerup", up);
    viewer.addEventListener("pointercancel", up);
    viewer.addEventListener("keydown", function (e) {
      var handled = true;
      if (e.key === "+" || e.key === "=") zoom(1.25);
      else if (e.key === "-" || e.key === "_") zoom(1 / 1.25);
      else if (e.key === "0") reset();
      else if (e.key === "ArrowRight" && data.steps.length) setStep(state.step >= data.steps.length ? 1 : state.step + 1);
      else if (e.key === "ArrowLeft" && data.steps.length) setStep(Math.max(1, state.step - 1));
      else if (e.key === "Escape") { pick(null); setStep(0); }
      else handled = false;
      if (handled) e.preventDefault();
    });
    tools.addEventListener("click", function (e) {
      var button = e.target.closest("button");
      if (!button) return;
      var action = button.getAttribute("data-zoom"), step = button.getAttribute("data-step");
      if (action === "in") zoom(1.25);
      else if (action === "out") zoom(1 / 1.25);
      else if (action === "reset") reset();
      else if (step === "next") setStep(state.step >= data.steps.length ? 1 : state.step + 1);
      else if (step === "prev") setStep(Math.max(1, state.step - 1));
      else if (step === "play") play();
    });
    items.forEach(function (li, i) {
      li.querySelector("a").addEventListener("click", function (e) {
        e.preventDefault();
        setStep(i + 1);
        viewer.focus({ preventScroll: true });
        if (viewer.getBoundingClientRect().top < 0) figure.scrollIntoView({ block: "start" });
      });
    });
    return { view: viewId, setStep: setStep, figure: figure };
  }

  /* An architecture page: every view live, a step's address kept in the URL (#<view>/step-<n>). In embed mode
     only the shown view is, and the frame's address stays the one its page gave it. */
  function initArchitecture(embedded) {
    function onStep(view, n) {
      try { history.replaceState(null, "", location.pathname + location.search + "#" + view + "/step-" + n); } catch (e) { /* file:// */ }
    }
    if (embedded) {
      initDiagram(embedded, null, true);
      return;
    }
    var diagrams = {};
    document.querySelectorAll("figure.diagram").forEach(function (figure) {
      var d = initDiagram(figure, onStep, false);
      diagrams[d.view] = d;
    });
    function follow() {
      var match = /^#(.+)\/step-(\d+)$/.exec(decodeURIComponent(location.hash));
      if (!match || !diagrams[match[1]]) return;
      var d = diagrams[match[1]];
      d.setStep(parseInt(match[2], 10), false);
      d.figure.scrollIntoView({ block: "start" });
    }
    window.addEventListener("hashchange", follow);
    follow();
    /* The browser scrolls to the step's list item once the page has loaded: show the diagram instead. */
    window.addEventListener("load", function () { setTimeout(follow, 0); });
  }

  /* ---- Embed mode: architectures/<id>.html?embed=<view> shows only that view's figure, filling the window ----
     Compare shows each side's diagram as a frame of its architecture page in this mode. The class on <html>
     lets the style sheet hide the rest of the page; links open in the top window (a <base target>), so that
     none navigates the small frame. An id that names no view of the page leaves the page as it is. */
  function embedMode() {
    var wanted = new URLSearchParams(location.search).get("embed");
    if (!wanted) return null;
    var figure = Array.prototype.filter.call(document.querySelectorAll(".view figure.diagram"), function (f) {
      return f.getAttribute("data-view") === wanted;
    })[0];
    if (!figure) return null;
    document.documentElement.classList.add("embed-mode");
    figure.closest(".view").classList.add("embed-view");
    var base = document.createElement("base");
    base.setAttribute("target", "_top");
    document.head.appendChild(base);
    return figure;
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

  /* ---- Files made here: PNGs drawn from the view's light SVG, dark SVGs recoloured from it ----
     The gallery stores each view's light SVG and its PDFs. A PNG is drawn on demand at the size `archcat
     render` writes (144 dpi for a diagram, 3840x2160 for a slide) and says its density, as that PNG does.
     A dark drawing is the light one recoloured as svg.recolour does, with the colour map the build appends
     to this script (window.archcatRecolour): the themes lay a view out alike, so that is the whole change. */
  var CRC = [];
  for (var n = 0; n < 256; n++) {
    var c = n;
    for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    CRC[n] = c >>> 0;
  }
  function crc32(bytes) {
    var c = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) c = CRC[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  }
  function withDensity(png, dpi) {  /* a pHYs chunk after IHDR (the first chunk: bytes 8 to 33) */
    var ppm = Math.round(dpi / 0.0254), chunk = new Uint8Array(21), view = new DataView(chunk.buffer);
    view.setUint32(0, 9);
    chunk.set([0x70, 0x48, 0x59, 0x73], 4);  /* "pHYs" */
    view.setUint32(8, ppm); view.setUint32(12, ppm); chunk[16] = 1;
    view.setUint32(17, crc32(chunk.subarray(4, 17)));
    var out = new Uint8Array(png.length + chunk.length);
    out.set(png.subarray(0, 33)); out.set(chunk, 33); out.set(png.subarray(33), 54);
    return out;
  }
  function inLabel(el) {  /* part of a node's label (its plate, icon or text), not of a step badge */
    for (var up = el.parentNode; up && up.nodeType === 1; up = up.parentNode) {
      if (up.localName === "g" && up.getAttribute("class") === "node") return !/^badge--/.test(up.getAttribute("id") || "");
    }
    return false;
  }
  function recolour(text) {
    var change = window.archcatRecolour, doc = new DOMParser().parseFromString(text, "image/svg+xml");
    if (!change || doc.getElementsByTagName("parsererror").length) throw new Error("cannot recolour");
    Array.prototype.forEach.call(doc.getElementsByTagName("*"), function (el) {
      var label = inLabel(el);
      ["fill", "stroke"].forEach(function (paint) {
        var value = el.getAttribute(paint);
        if (value === null) return;
        if (label) {
          if (paint === "fill" && value === change.plate[0]) el.setAttribute(paint, change.plate[1]);
        } else if (Object.prototype.hasOwnProperty.call(change.colours, value)) {
          el.setAttribute(paint, change.colours[value]);
        }
      });
    });
    return "<?xml version='1.0' encoding='UTF-8' standalone='no'?>\n" + new XMLSerializer().serializeToString(doc.documentElement) + "\n";
  }
  function save(blob, name) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
  }
  function drawPng(src, width, height, dpi, done, fail) {
    var img = new Image();
    img.onerror = fail;
    img.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = width; canvas.height = height;
      canvas.getContext("2d").drawImage(img, 0, 0, width, height);
      try {
        canvas.toBlob(function (blob) {
          if (!blob) { fail(); return; }
          blob.arrayBuffer().then(function (buffer) {
            done(new Blob([withDensity(new Uint8Array(buffer), dpi)], { type: "image/png" }));
          }, fail);
        }, "image/png");
      } catch (e) { fail(); }  /* a canvas the browser considers tainted (file://) */
    };
    img.src = src;
  }
  function initMadeHere() {
    document.querySelectorAll("button.made-here").forEach(function (button) {
      button.hidden = false;
      var status = button.closest(".downloads").querySelector(".png-status");
      button.addEventListener("click", function () {
        var name = button.getAttribute("data-name"), png = button.getAttribute("data-format") === "png";
        var width = +button.getAttribute("data-width"), height = +button.getAttribute("data-height");
        var light = new URL(button.getAttribute("data-svg"), location.href).href;
        function fail() {
          status.textContent = location.protocol === "file:"
            ? "This browser does not let a page opened from disk make " + name + ". Open the gallery through a web server (archcat serve), or write it with archcat render."
            : name + " could not be made here; the PDF beside it holds the same drawing.";
        }
        function saved(blob) {
          save(blob, name);
          status.textContent = "Saved " + name + (png ? " (" + width + " \u00d7 " + height + " pixels)." : ".");
        }
        status.textContent = png ? "Drawing " + name + " (" + width + " \u00d7 " + height + " pixels)\u2026" : "Making " + name + "\u2026";
        if (!button.hasAttribute("data-recolour")) {
          drawPng(light, width, height, +button.getAttribute("data-dpi"), saved, fail);
          return;
        }
        fetch(light).then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.text();
        }).then(function (text) {
          var dark = new Blob([recolour(text)], { type: "image/svg+xml" });
          if (!png) { saved(dark); return; }
          var src = URL.createObjectURL(dark);
          drawPng(src, width, height, +button.getAttribute("data-dpi"), function (blob) {
            URL.revokeObjectURL(src); saved(blob);
          }, function () { URL.revokeObjectURL(src); fail(); });
        }).catch(fail);
      });
    });
  }

  /* ---- Compare ----
     The page holds only its two pickers. A side's details come from its architecture's data script
     (data/compare/<id>.js, added as a <script src> when picked, since fetch() of a local file fails from
     file://), which calls archcatCompare with them; catalog text goes through textContent. A side's diagram is
     a frame of its architecture page in embed mode (architectures/<id>.html?embed=<view>): the page's own
     live viewer, its drawing stored once. Nothing reaches into the frame, which from file:// is another
     origin: the frame keeps its place and size (compare.css) and stays hidden until it has loaded, so the
     page around it never moves and never shows the whole architecture page flash by. */
  function initCompare() {
    var form = document.getElementById("compare-form");
    var root = document.getElementById("compare");
    var status = root.querySelector(".compare-status");
    var measures = JSON.parse(document.getElementById("measures").textContent);
    var pageHref = form.getAttribute("data-page"), dataHref = form.getAttribute("data-data");
    var loaded = {}, pending = {}, shown = { a: null, b: null }, request = 0;

    function element(tag, content, cls) {
      var el = document.createElement(tag);
      if (cls) el.className = cls;
      if (content) el.textContent = content;
      return el;
    }
    function link(content, href, cls) {
      var a = element("a", content, cls);
      a.setAttribute("href", href);
      return a;
    }
    function label(item) { return item.name + " " + item.era; }
    function option(id) {
      return Array.prototype.filter.call(form.elements.a.options, function (o) { return o.value === id; })[0];
    }

    /* -- loading a side's data, once per architecture -- */
    window.archcatCompare = function (item) {
      loaded[item.id] = item;
      var calls = pending[item.id] || [];
      delete pending[item.id];
      calls.forEach(function (call) { call.done(item); });
    };
    function load(id, done, failed) {
      if (loaded[id]) { done(loaded[id]); return; }
      var call = { done: done, failed: failed };
      if (pending[id]) { pending[id].push(call); return; }
      pending[id] = [call];
      var script = document.createElement("script");
      script.src = dataHref.replace("{id}", encodeURIComponent(id));
      script.onerror = function () {
        var calls = pending[id] || [];
        delete pending[id];
        script.remove();
        calls.forEach(function (c) { c.failed(id); });
      };
      document.head.appendChild(script);
    }

    /* An architecture is never compared with itself: each side offers every architecture but the other's. */
    function exclusive(changed) {
      var other = changed === "a" ? "b" : "a";
      if (form.elements.a.value === form.elements.b.value) {
        var options = Array.prototype.slice.call(form.elements[other].options);
        var next = options.filter(function (o) { return o.value !== form.elements[changed].value; })[0];
        if (next) form.elements[other].value = next.value;
      }
      ["a", "b"].forEach(function (side) {
        var taken = form.elements[side === "a" ? "b" : "a"].value;
        Array.prototype.forEach.call(form.elements[side].options, function (o) { o.disabled = o.value === taken; });
      });
    }

    /* -- each side: its name, summary, and its views in the live diagram viewer -- */
    function showView(side, item, index) {
      var section = document.getElementById("side-" + side), view = item.views[index];
      section.querySelector(".side-view-summary").textContent = view.summary;
      var holder = section.querySelector(".side-diagram");
      /* A new frame for each view, over the one shown until it has loaded: setting a frame's src again
         would add a step to the browser's history. */
      var frame = element("iframe", null, "loading");
      frame.setAttribute("src", pageHref.replace("{id}", encodeURIComponent(item.id)) + "?embed=" + encodeURIComponent(view.id));
      frame.setAttribute("title", label(item) + ": " + view.title);
      frame.setAttribute("data-view", view.id);
      frame.addEventListener("load", function () {
        if (frame !== holder.lastElementChild) { frame.remove(); return; }  /* another view was picked since */
        frame.classList.remove("loading");
        Array.prototype.slice.call(holder.children, 0, -1).forEach(function (old) { old.remove(); });
      });
      holder.appendChild(frame);
    }
    function showSide(side, item) {
      shown[side] = item.id;
      var section = document.getElementById("side-" + side);
      var heading = section.querySelector("h2 a");
      heading.textContent = label(item);
      heading.setAttribute("href", item.href);
      section.querySelector(".side-title").textContent = item.title;
      section.querySelector(".side-summary").textContent = item.summary;
      var views = section.querySelector(".side-views");  /* a view picker when there are several */
      views.textContent = "";
      if (item.views.length > 1) {
        var picker = element("select");
        picker.id = "view-" + side;
        item.views.forEach(function (view, i) {
          var choice = element("option", view.title);
          choice.value = String(i);
          picker.appendChild(choice);
        });
        picker.addEventListener("change", function () { showView(side, item, +picker.value); });
        var name = element("label", "View of " + label(item));
        name.setAttribute("for", picker.id);
        views.appendChild(name);
        views.appendChild(picker);
      }
      showView(side, item, 0);
    }

    /* -- what both use, and what only one does -- */
    function split(mine, theirs) {  /* [key, ...] lists: what only mine has, and what both have, in mine's order */
      var other = {};
      theirs.forEach(function (entry) { other[entry[0]] = true; });
      return { only: mine.filter(function (e) { return !other[e[0]]; }), both: mine.filter(function (e) { return other[e[0]]; }) };
    }
    function fillCell(cell, entries, name, href) {
      cell.textContent = "";
      if (!entries.length) { cell.appendChild(element("span", "none", "muted")); return; }
      var list = element("ul", null, "chips");
      entries.forEach(function (entry) {
        var li = element("li");
        li.appendChild(link(entry[name], entry[href]));
        list.appendChild(li);
      });
      cell.appendChild(list);
    }
    function showOverlap(a, b) {
      var table = root.querySelector("table.overlap");
      document.getElementById("ov-a").textContent = "Only in " + label(a);
      document.getElementById("ov-both").textContent = "Both";
      document.getElementById("ov-b").textContent = "Only in " + label(b);
      [["tech", 0, 1], ["patterns", 1, 2]].forEach(function (kind) {
        var mine = split(a[kind[0]], b[kind[0]]), theirs = split(b[kind[0]], a[kind[0]]);
        var row = table.querySelector(".overlap-" + kind[0]);
        fillCell(row.querySelector('[data-part="a"]'), mine.only, kind[1], kind[2]);
        fillCell(row.querySelector('[data-part="both"]'), mine.both, kind[1], kind[2]);
        fillCell(row.querySelector('[data-part="b"]'), theirs.only, kind[1], kind[2]);
      });
    }

    /* -- key numbers: lined up by what they measure, then the rest of each side's -- */
    function cite(item, metric, into) {  /* "in 2013, per <source>, slide 4" */
      var source = item.sources[metric.source] || {};
      into.appendChild(document.createTextNode("in " + metric.year + ", per "));
      into.appendChild(source.url ? link(source.title, source.url) : element("span", source.title));
      if (metric.where) into.appendChild(document.createTextNode(", " + metric.where));
      return into;
    }
    function showNumbers(a, b) {
      var byMeasure = [a, b].map(function (item) {
        var found = {};
        item.metrics.forEach(function (m) { (found[m.measure] = found[m.measure] || []).push(m); });
        return found;
      });
      var rows = measures.filter(function (m) { return byMeasure[0][m[0]] && byMeasure[1][m[0]]; });
      var table = root.querySelector("table.aligned"), body = table.querySelector("tbody");
      document.getElementById("nb-a").textContent = label(a);
      document.getElementById("nb-b").textContent = label(b);
      body.textContent = "";
      rows.forEach(function (measure) {
        var head = element("tr"), th = element("th", measure[1], "group"), row = element("tr");
        th.colSpan = 2;
        th.id = "nb-" + measure[0];
        head.appendChild(th);
        [a, b].forEach(function (item, i) {
          var cell = element("td"), list = element("ul", null, "aligned-values");
          cell.setAttribute("headers", th.id + (i ? " nb-b" : " nb-a"));
          byMeasure[i][measure[0]].forEach(function (m) {
            var li = element("li", null, "metric-line");
            li.setAttribute("data-side", i ? "b" : "a");
            li.appendChild(element("span", m.label, "metric-label"));
            li.appendChild(element("strong", m.value));
            li.appendChild(cite(item, m, element("span", null, "muted")));
            list.appendChild(li);
          });
          cell.appendChild(list);
          row.appendChild(cell);
        });
        body.appendChild(head);
        body.appendChild(row);
      });
      table.hidden = !rows.length;
      root.querySelector(".aligned-none").hidden = rows.length > 0;
      var lined = {};
      rows.forEach(function (m) { lined[m[0]] = true; });
      [a, b].forEach(function (item, i) {
        var box = root.querySelector('#numbers-h ~ .pair [data-side="' + (i ? "b" : "a") + '"]');
        box.querySelector("h4").textContent = label(item);
        var list = box.querySelector("dl");
        list.textContent = "";
        var rest = item.metrics.filter(function (m) { return !lined[m.measure]; });
        list.hidden = !rest.length;
        var none = box.querySelector("p.muted");
        if (none) none.remove();
        if (!rest.length) {
          box.appendChild(element("p", item.metrics.length ? "All of its numbers are lined up above." : "No key numbers given.", "muted"));
        }
        rest.forEach(function (m) {
          var entry = element("div", null, "metric");
          entry.setAttribute("data-side", i ? "b" : "a");
          entry.appendChild(element("dt", m.label));
          var value = element("dd");
          value.appendChild(element("strong", m.value));
          value.appendChild(cite(item, m, element("span", null, "muted")));
          entry.appendChild(value);
          list.appendChild(entry);
        });
      });
    }

    /* -- lessons side by side, with their patterns; those both architectures use are marked -- */
    function showLessons(a, b) {
      var common = {};
      split(a.patterns, b.patterns).both.forEach(function (p) { common[p[0]] = true; });
      [a, b].forEach(function (item, i) {
        var box = root.querySelector('#lessons-h ~ .pair [data-side="' + (i ? "b" : "a") + '"]');
        box.querySelector("h3").textContent = label(item);
        var list = box.querySelector("ol");
        list.textContent = "";
        list.hidden = !item.lessons.length;
        var none = box.querySelector("p.muted");
        if (none) none.remove();
        if (!item.lessons.length) box.appendChild(element("p", "No lessons given.", "muted"));
        item.lessons.forEach(function (lesson) {
          var li = element("li");
          li.appendChild(link(lesson.title, lesson.href, "lesson-link"));
          if (lesson.patterns.length) {
            var chips = element("p", null, "lesson-meta");
            lesson.patterns.forEach(function (p) {
              var chip = link(p[1], p[2], common[p[0]] ? "chip shared" : "chip");
              if (common[p[0]]) chip.appendChild(element("span", " (both use it)", "visually-hidden"));
              chips.appendChild(chip);
              chips.appendChild(document.createTextNode(" "));
            });
            li.appendChild(chips);
          }
          list.appendChild(li);
        });
      });
    }

    function show(a, b) {
      if (shown.a !== a.id) showSide("a", a);
      if (shown.b !== b.id) showSide("b", b);
      showOverlap(a, b);
      showNumbers(a, b);
      showLessons(a, b);
      root.setAttribute("data-state", "ready");
      root.setAttribute("data-shown", "");
      root.removeAttribute("aria-busy");
      status.textContent = "Comparing " + label(a) + " with " + label(b) + ".";
    }
    function update() {
      var ids = { a: form.elements.a.value, b: form.elements.b.value }, mine = ++request, got = {};
      var query = new URLSearchParams();
      query.set("a", ids.a);
      query.set("b", ids.b);
      setQuery(query);
      root.setAttribute("data-state", "loading");
      root.setAttribute("aria-busy", "true");
      ["a", "b"].forEach(function (side) {
        if (shown[side] !== ids[side]) {  /* the name at once; the rest once its data has come */
          var heading = document.querySelector("#side-" + side + " h2 a");
          heading.textContent = option(ids[side]).textContent;
          heading.setAttribute("href", pageHref.replace("{id}", encodeURIComponent(ids[side])));
        }
        load(ids[side], function (item) {
          got[side] = item;
          if (mine === request && got.a && got.b) show(got.a, got.b);
        }, function (id) {
          if (mine !== request) return;
          root.setAttribute("data-state", "failed");
          root.removeAttribute("aria-busy");
          status.textContent = "The details of " + option(id).textContent + " could not be loaded: " +
            dataHref.replace("{id}", id) + " is missing from this copy of the gallery.";
        });
      });
    }

    var params = new URLSearchParams(location.search);
    ["a", "b"].forEach(function (side) {
      var wanted = params.get(side);
      if (wanted && option(wanted)) form.elements[side].value = wanted;
    });
    form.addEventListener("change", function (e) { exclusive(e.target.name === "b" ? "b" : "a"); update(); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    var swap = document.getElementById("cmp-swap");
    swap.hidden = false;
    swap.addEventListener("click", function () {
      var a = form.elements.a.value;
      form.elements.a.value = form.elements.b.value;
      form.elements.b.value = a;
      exclusive("a");
      update();
    });
    root.hidden = false;
    exclusive("a");
    update();
  }

  var page = document.body.getAttribute("data-page");
  if (page === "index") initIndex();
  if (page === "architecture") {
    var embedded = embedMode();
    initArchitecture(embedded);
    if (!embedded) {  /* the downloads are hidden in embed mode */
      initEmbeds();
      initMadeHere();
    }
  }
  if (page === "compare") initCompare();
  if (page === "technologies" || page === "patterns") initListFilter();
}());
