/* archcat quiz: checks answers in the page and keeps the learner's answers and score in this browser only
   (localStorage, one entry per quiz page). No network; text from the catalog only ever goes through textContent. */
(function () {
  "use strict";

  var dataNode = document.getElementById("quiz-data");
  if (!dataNode) return;
  var data = JSON.parse(dataNode.textContent);
  var storeKey = "archcat-quiz:" + data.page;
  var byId = {};
  data.questions.forEach(function (q) { byId[q.id] = q; });
  var scoreNode = document.getElementById("quiz-score");
  var statusNode = document.getElementById("quiz-status");
  var resetButton = document.getElementById("quiz-reset");
  var forms = Array.prototype.slice.call(document.querySelectorAll("form.ask"));

  /* ---- Storage: {question id: {ok: bool, given: [choice indices]}}; a quiz still works without it ---- */
  function load() {
    try {
      var saved = JSON.parse(localStorage.getItem(storeKey) || "{}");
      return saved && typeof saved === "object" ? saved : {};
    } catch (e) { return {}; }
  }
  function save() {
    try { localStorage.setItem(storeKey, JSON.stringify(answers)); } catch (e) { /* private mode: not kept */ }
  }
  var answers = load();
  Object.keys(answers).forEach(function (id) { if (!byId[id]) delete answers[id]; });  /* questions since changed */

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function updateScore() {
    var answered = 0, right = 0;
    data.questions.forEach(function (q) {
      var a = answers[q.id];
      if (!a) return;
      answered += 1;
      if (a.ok) right += 1;
    });
    scoreNode.textContent = answered
      ? "Score: " + right + " right of " + answered + " answered (" + plural(data.questions.length, "question") + ")."
      : plural(data.questions.length, "question") + ". Nothing answered yet.";
    resetButton.hidden = answered === 0;
  }

  /* ---- One question ---- */
  function setup(form) {
    var q = byId[form.getAttribute("data-question")];
    var section = form.closest(".question");
    var feedback = section.querySelector(".feedback");
    var verdict = feedback.querySelector(".verdict");
    var reveal = feedback.querySelector(".reveal");
    var check = form.querySelector("button.check");
    var list = form.querySelector("[data-order]");
    var moved = form.querySelector("[data-moved]");
    var radios = Array.prototype.slice.call(form.querySelectorAll("input[type=radio]"));
    var items = list ? Array.prototype.slice.call(list.children) : [];
    var locked = false;

    function order() {
      return Array.prototype.map.call(list.children, function (li) { return Number(li.getAttribute("data-choice")); });
    }

    function refreshMoves() {
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.querySelector("[data-move=up]").setAttribute("aria-disabled", String(i === 0));
        li.querySelector("[data-move=down]").setAttribute("aria-disabled", String(i === list.children.length - 1));
      });
    }

    if (list) {
      items.forEach(function (li) { li.querySelector(".moves").hidden = false; });
      refreshMoves();
      list.addEventListener("click", function (e) {
        var button = e.target.closest("[data-move]");
        if (!button || locked || button.getAttribute("aria-disabled") === "true") return;
        var li = button.closest("li");
        var up = button.getAttribute("data-move") === "up";
        if (up) list.insertBefore(li, li.previousElementSibling);
        else list.insertBefore(li.nextElementSibling, li);
        refreshMoves();
        button.focus();
        var position = Array.prototype.indexOf.call(list.children, li) + 1;
        moved.textContent = "Moved to position " + position + " of " + list.children.length + ".";
      });
    }
    check.hidden = false;

    function given() {
      if (list) return order();
      var picked = radios.filter(function (r) { return r.checked; })[0];
      return picked ? [Number(picked.value)] : null;
    }

    function valid(choices) {  /* what a stored answer must look like to be shown again */
      var count = list ? items.length : radios.length;
      if (!Array.isArray(choices) || choices.length !== (list ? count : 1)) return false;
      return choices.every(function (c, i) {
        return typeof c === "number" && c >= 0 && c < count && choices.indexOf(c) === i;
      });
    }

    function show(answer) {
      locked = true;
      var ok = answer.ok;
      if (list) {
        var inPlace = 0;
        answer.given.forEach(function (choice, i) { if (choice === q.answer[i]) inPlace += 1; });
        var current = order();
        if (current.join() !== answer.given.join()) {  /* restored after a reload: show the order given */
          answer.given.forEach(function (choice) {
            list.appendChild(items.filter(function (li) { return Number(li.getAttribute("data-choice")) === choice; })[0]);
          });
        }
        Array.prototype.forEach.call(list.children, function (li, i) {
          var choice = Number(li.getAttribute("data-choice"));
          var place = q.answer.indexOf(choice) + 1;
          mark(li, choice === q.answer[i] ? "is-right" : "is-wrong",
            choice === q.answer[i] ? "in its place" : "belongs at place " + place);
          li.querySelector(".moves").hidden = true;
        });
        verdict.textContent = ok ? "Right: every step is in its place."
          : "Not quite: " + inPlace + " of " + q.answer.length + " steps are in their place.";
      } else {
        radios.forEach(function (r) {
          var choice = Number(r.value);
          var label = r.closest("label");
          r.checked = choice === answer.given[0];
          r.disabled = true;
          if (choice === q.answer[0]) mark(label, "is-right", "the right answer");
          else if (choice === answer.given[0]) mark(label, "is-wrong", "your answer");
        });
        verdict.textContent = ok ? "Right." : "Not quite.";
      }
      verdict.className = "verdict " + (ok ? "ok" : "not-ok");
      reveal.hidden = false;
      check.textContent = "Answered";
      check.setAttribute("aria-disabled", "true");
      section.classList.add("answered");
    }

    function mark(item, cls, text) {  /* a choice or step marked in words, not by colour alone */
      item.classList.add(cls);
      var note = document.createElement("span");
      note.className = "choice-mark";
      note.textContent = text;
      item.appendChild(note);
    }

    function clear() {
      locked = false;
      verdict.textContent = "";
      verdict.className = "verdict";
      reveal.hidden = true;
      check.textContent = "Check my answer";
      check.removeAttribute("aria-disabled");
      section.classList.remove("answered");
      radios.forEach(function (r) {
        r.checked = false;
        r.disabled = false;
        var label = r.closest("label");
        label.classList.remove("is-right", "is-wrong");
        Array.prototype.forEach.call(label.querySelectorAll(".choice-mark"), function (n) { n.remove(); });
      });
      if (list) {
        items.forEach(function (li) {
          li.classList.remove("is-right", "is-wrong");
          Array.prototype.forEach.call(li.querySelectorAll(".choice-mark"), function (n) { n.remove(); });
          li.querySelector(".moves").hidden = false;
          list.appendChild(li);
        });
        refreshMoves();
        moved.textContent = "";
      }
    }

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (locked) return;
      var picked = given();
      if (!picked) {
        verdict.className = "verdict";
        verdict.textContent = "Choose an answer first.";
        return;
      }
      var answer = { ok: picked.join() === q.answer.join(), given: picked };
      answers[q.id] = answer;
      save();
      show(answer);
      updateScore();
    });

    var kept = answers[q.id];
    if (kept && valid(kept.given)) {
      kept.ok = kept.given.join() === q.answer.join();
      show(kept);
    }
    else delete answers[q.id];
    return { clear: clear };
  }

  /* A diagram wider or taller than its box: start with the hidden component in view. */
  Array.prototype.forEach.call(document.querySelectorAll(".quiz-diagram"), function (box) {
    var mark = Array.prototype.filter.call(box.querySelectorAll(".blanked"), function (g) {
      return g.getClientRects().length > 0;
    })[0];
    if (!mark || (box.scrollWidth <= box.clientWidth && box.scrollHeight <= box.clientHeight)) return;
    var outer = box.getBoundingClientRect(), inner = mark.getBoundingClientRect();
    box.scrollLeft += inner.left + inner.width / 2 - (outer.left + outer.width / 2);
    box.scrollTop += inner.top + inner.height / 2 - (outer.top + outer.height / 2);
  });

  var questions = forms.map(setup);
  updateScore();

  resetButton.addEventListener("click", function () {
    answers = {};
    try { localStorage.removeItem(storeKey); } catch (e) { /* nothing was kept */ }
    questions.forEach(function (q) { q.clear(); });
    updateScore();
    statusNode.textContent = "Your answers are cleared.";
    (document.querySelector(".question:not([hidden]) input, .question:not([hidden]) [data-move]") || scoreNode).focus();
  });

  /* ---- The catalog quiz: show one domain's questions ---- */
  var filter = document.getElementById("quiz-filter");
  if (filter) {
    var select = document.getElementById("quiz-domain");
    filter.hidden = false;
    select.addEventListener("change", function () {
      var domain = select.value, shown = 0;
      Array.prototype.forEach.call(document.querySelectorAll(".question"), function (section) {
        section.hidden = domain !== "" && section.getAttribute("data-domain") !== domain;
        if (!section.hidden) shown += 1;
      });
      statusNode.textContent = "Showing " + plural(shown, "question") + ".";
    });
  }
}());
