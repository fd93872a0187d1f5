// Point require.js at the book's local copies of the widget front ends (and the widget
// manager at its own icon fonts), so that nothing is
// fetched from a CDN. html-manager's embed-amd.js first asks require.js for a widget module
// (e.g. "anywidget") and only falls back to a CDN when that fails, which offline means a blank
// widget. The base URL comes from this script's own src, so the paths are right from pages in
// sub-folders (chapters/...) and under file:// as well as over http.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.requirejs) {
    console.error("require-paths.js must be loaded by a <script src> tag after require.js");
    return;
  }
  var src = script.src.split(/[?#]/)[0];
  // src is .../_static/book-js/require-paths.js; the assets live in .../_static/offline/.
  var staticRoot = src.slice(0, src.lastIndexOf("/book-js/") + 1);
  var offline = staticRoot + "offline/";
  window.requirejs.config({
    paths: {
      anywidget: offline + "anywidget/index",
      // embed-amd.js names itself with this module id and derives from its resolved URL the
      // folder of its icon fonts; without the entry they are looked up next to the page.
      "@jupyter-widgets/html-manager/dist": offline + "html-manager",
      // The other modules embed-amd.js defines by name do the same with their own URL (their CSS
      // links the same fonts): without these entries a deferred embed-amd.js looks for them in
      // <page folder>/@jupyter-widgets/.  They are never fetched (embed-amd.js defines them).
      "@jupyter-widgets/base": offline + "html-manager/base",
      "@jupyter-widgets/controls": offline + "html-manager/controls",
      "@jupyter-widgets/base7": offline + "html-manager/base7",
      "@jupyter-widgets/controls7": offline + "html-manager/controls7",
      // The same for the bundled module of that name, which resolves the Font Awesome 5 fonts of
      // the controls' icons (ipywidgets' Play buttons) from its own URL.
      "@jupyter-widgets/html-manager": offline + "html-manager/html-manager",
    },
  });
  // Read by embed-amd.js as the base URL of its bundled assets (webpack's public path).
  window.__jupyter_widgets_assets_path__ = offline + "html-manager/";
})();
