// MathJax 2 compatibility for the Jupyter widget manager under MathJax 3.
//
// @jupyter-widgets (html-manager 1.x) typesets widget labels and HTMLMath values with
//     if (window.MathJax !== undefined) MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]);
// which is MathJax 2's API. The book loads MathJax 3, which has no `Hub`, so every widget with
// a label throws "Cannot read properties of undefined (reading 'Queue')" and its math stays raw.
//
// This script gives whatever object is stored in window.MathJax a non-enumerable `Hub` whose
// Queue() forwards to MathJax 3's typesetPromise(). It must keep working across the two values
// window.MathJax takes: first Sphinx's configuration object (`window.MathJax = {tex: ...}`), then
// the real MathJax 3 object that replaces it when tex-chtml.js starts. A property accessor on
// window catches both assignments in any loading order. Elements queued before MathJax 3 is
// ready are typeset once its startup promise resolves.
(function () {
  "use strict";
  var pending = []; // elements waiting for MathJax 3
  var callbacks = []; // functions queued after them
  var polling = false;

  function ready(mj) {
    return mj && typeof mj.typesetPromise === "function" && mj.startup && mj.startup.promise;
  }

  function flush() {
    var mj = window.MathJax;
    var elements = pending.splice(0);
    var after = callbacks.splice(0);
    mj.startup.promise = mj.startup.promise
      .then(function () {
        return elements.length ? mj.typesetPromise(elements) : null;
      })
      .then(function () {
        after.forEach(function (fn) {
          fn();
        });
      })
      .catch(function (err) {
        console.error("MathJax could not typeset a widget:", err);
      });
  }

  function flushWhenReady() {
    if (ready(window.MathJax)) return flush();
    if (polling) return;
    polling = true;
    (function poll() {
      if (ready(window.MathJax)) {
        polling = false;
        flush();
      } else {
        setTimeout(poll, 50);
      }
    })();
  }

  var hub = {
    // MathJax 2's Queue takes callback specifications: ["Typeset", Hub, element] or functions.
    Queue: function () {
      for (var i = 0; i < arguments.length; i++) {
        var spec = arguments[i];
        if (Array.isArray(spec) && spec[0] === "Typeset" && spec[2]) pending.push(spec[2]);
        else if (typeof spec === "function") callbacks.push(spec);
      }
      flushWhenReady();
    },
    Config: function () {},
  };

  function addHub(value) {
    if (value && typeof value === "object" && !Object.prototype.hasOwnProperty.call(value, "Hub")) {
      Object.defineProperty(value, "Hub", { value: hub, enumerable: false, configurable: true });
    }
    return value;
  }

  var current = addHub(window.MathJax);
  Object.defineProperty(window, "MathJax", {
    configurable: true,
    enumerable: true,
    get: function () {
      return current;
    },
    set: function (value) {
      current = addHub(value);
    },
  });
})();
