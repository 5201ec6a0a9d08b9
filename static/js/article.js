// The article page reached from a search: the bar's "Previous" and "Next" are plain links
// to the marks (#match-N) and work without this script. It makes them step from the
// current mark, says "match N of M", and adds the keys n (next) and p (previous).
(function () {
  "use strict";
  var bar = document.querySelector(".match-bar");
  if (!bar) return;
  var total = parseInt(bar.getAttribute("data-match-count"), 10) || 0;
  var prev = bar.querySelector(".match-prev");
  var next = bar.querySelector(".match-next");
  var status = document.getElementById("match-status");
  if (!total || !prev || !next || !status) return;
  var summary = status.innerHTML;
  var current = 0;

  function numberOf(hash) {
    var found = /^#match-(\d+)$/.exec(hash || "");
    var n = found ? parseInt(found[1], 10) : 0;
    return n >= 1 && n <= total ? n : 0;
  }

  function show(n) {
    var old = document.querySelector("mark.current");
    if (old) old.classList.remove("current");
    current = n;
    var before = n > 1 ? n - 1 : total;
    var after = n && n < total ? n + 1 : 1;
    prev.setAttribute("href", "#match-" + (n ? before : total));
    next.setAttribute("href", "#match-" + after);
    if (!n) {
      status.innerHTML = summary;
      return;
    }
    var mark = document.getElementById("match-" + n);
    mark.classList.add("current");
    status.textContent = "Match " + n + " of " + total;
  }

  function go(n) {
    var mark = document.getElementById("match-" + n);
    if (!mark) return;
    // The address changes as a link would, so Back returns to the previous mark.
    window.location.hash = "match-" + n;
    // hashchange comes later, as a task: a key pressed before it would step from the
    // old mark, so the bar follows the address now.
    show(n);
    mark.setAttribute("tabindex", "-1");
    mark.focus({ preventScroll: true });
  }

  // Say so where the links are: the keys work only with this script.
  var hint = document.createElement("li");
  hint.className = "match-keys";
  hint.setAttribute("aria-hidden", "true"); // the links carry aria-keyshortcuts
  hint.appendChild(document.createTextNode("keys "));
  ["n", "p"].forEach(function (key, i) {
    var kbd = document.createElement("kbd");
    kbd.textContent = key;
    if (i) hint.appendChild(document.createTextNode(" "));
    hint.appendChild(kbd);
  });
  next.parentNode.parentNode.insertBefore(hint, next.parentNode.nextSibling);

  // A mark scrolled to stops below the bar, however many lines the bar takes.
  function measure() {
    document.documentElement.style.setProperty("--match-bar-height", bar.offsetHeight + "px");
  }
  measure();
  window.addEventListener("resize", measure);

  window.addEventListener("hashchange", function () { show(numberOf(window.location.hash)); });
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    if (event.key === "n" || event.key === "p") {
      event.preventDefault();
      var step = event.key === "n" ? next : prev;
      go(numberOf(step.getAttribute("href")));
    }
  });
  show(numberOf(window.location.hash));
})();
