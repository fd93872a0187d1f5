// Keyboard access to display formulas wider than the text column.
//
// The theme lets a display formula scroll sideways (div.math mjx-container {overflow: auto}).
// Formulas are out of the tab order (_config.yml: MathJax's menuOptions inTabOrder: false), so
// a keyboard reader could not scroll a wide one (axe-core: scrollable-region-focusable).  This
// script gives exactly the formulas that overflow their box tabindex="0" (then the arrow keys
// scroll them) and takes it away when they fit again: once the page is parsed (the book's math is
// typeset at build time, book/typeset_math.cjs), once its fonts have loaded, when the window is
// resized, and, on a page that still runs MathJax in the browser, after MathJax has typeset it.
(function () {
  "use strict";
  var MARK = "data-backprop-scrolls";

  function update() {
    document.querySelectorAll("div.math mjx-container").forEach(function (mj) {
      var scrolls = mj.scrollWidth > mj.clientWidth + 1;
      if (scrolls && !mj.hasAttribute(MARK)) {
        mj.setAttribute(MARK, "");
        mj.setAttribute("tabindex", "0");
      } else if (!scrolls && mj.hasAttribute(MARK)) {
        mj.removeAttribute(MARK);
        mj.removeAttribute("tabindex");
      }
    });
  }

  function afterTypeset() {
    update();
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(update);
    var mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise) mj.startup.promise.then(update);
  }

  var timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 150);
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", afterTypeset);
  else afterTypeset();
})();
