/* Search facets on a narrow screen: the server sends every group open (so they work
   without JavaScript); here the groups close on a phone, leaving a short list of
   headings to open one at a time. A group with a chosen filter stays open. Each group is
   a <details>, so the browser does the rest: Tab reaches a heading, Enter or Space opens
   and closes it. */
(function () {
  "use strict";
  // The width at which static/css/site.css puts the facets under the results.
  var narrow = window.matchMedia("(max-width: 48rem)");
  var groups = document.querySelectorAll("details.facet");

  function fit() {
    groups.forEach(function (group) {
      group.open = !narrow.matches || group.querySelector("[aria-current]") !== null;
    });
  }

  fit();
  if (narrow.addEventListener) {
    narrow.addEventListener("change", fit);
  }
})();
