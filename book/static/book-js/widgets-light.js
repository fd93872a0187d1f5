// A light widget manager for the book's pages whose saved widgets are all anywidgets.
//
// html-manager's embed-amd.js (3.6 MB, 920 kB gzipped; every ipywidgets control, two versions of
// each, a Markdown renderer, a JSON-schema validator and 500 kB of CSS) is what a page needs for
// ipywidgets' sliders, boxes and outputs.  A page whose widget state holds only anywidget models
// (the explorers, and the ExplorerLibrary widget that carries their code) and their layout models
// needs none of it: book/bookext.py loads this file there instead (async: it runs while the page
// is parsed), and this file loads anywidget's own front end, offline/anywidget/index.js.  That
// file is an AMD module, `define(["@jupyter-widgets/base"], factory)`, and its one dependency is
// the two classes below: this file lends it a `define` of its own for that one call (no
// require.js, no module loader), then does what html-manager's renderWidgets does: creates every
// model of the page's widget-state script and, for every widget-view script, a view in a
// <div class="widget-subarea"> inserted just before it.  Models are live in the page (set, on,
// off, change events: the explorers' sliders work), with no kernel to sync with.
(function () {
  "use strict";
  var STATE = 'script[type="application/vnd.jupyter.widget-state+json"]';
  var VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]';
  var REF = "IPY_MODEL_";

  // ---- Backbone-like events: on(name, cb, context), off(name?, cb?, context?), once, trigger.
  function Events() {
    this._handlers = [];
  }
  Events.prototype.on = function (names, callback, context) {
    var self = this;
    String(names)
      .split(/\s+/)
      .forEach(function (name) {
        self._handlers.push({ name: name, callback: callback, context: context });
      });
    return this;
  };
  Events.prototype.once = function (name, callback, context) {
    var self = this;
    var wrapper = function () {
      self.off(name, wrapper);
      return callback.apply(this, arguments);
    };
    return this.on(name, wrapper, context);
  };
  Events.prototype.off = function (name, callback, context) {
    this._handlers = this._handlers.filter(function (h) {
      return !(
        (name == null || h.name === name) &&
        (callback == null || h.callback === callback) &&
        (context == null || h.context === context)
      );
    });
    return this;
  };
  Events.prototype.trigger = function (name) {
    var args = Array.prototype.slice.call(arguments, 1);
    this._handlers
      .filter(function (h) {
        return h.name === name;
      })
      .forEach(function (h) {
        h.callback.apply(h.context, args);
      });
    return this;
  };

  // ---- the two classes anywidget's front end extends (from @jupyter-widgets/base).
  class DOMWidgetModel extends Events {
    constructor(attributes, options) {
      super();
      options = options || {};
      this.attributes = Object.assign({}, attributes);
      this.model_id = options.model_id;
      this.widget_manager = options.widget_manager;
      this.initialize(attributes, options);
    }
    initialize() {}
    get(name) {
      return this.attributes[name];
    }
    set(key, value) {
      var changes = typeof key === "object" && key !== null ? key : { [key]: value };
      var changed = [];
      for (var name in changes) {
        if (this.attributes[name] !== changes[name]) {
          this.attributes[name] = changes[name];
          changed.push(name);
        }
      }
      var self = this;
      changed.forEach(function (name) {
        self.trigger("change:" + name, self, self.attributes[name]);
      });
      if (changed.length) this.trigger("change", this);
      return this;
    }
    save_changes() {} // no kernel: the page's models are the only copy
    send() {}
  }

  class DOMWidgetView {
    constructor(options) {
      this.model = options.model;
      this.el = options.el || document.createElement("div");
      var el = this.el;
      this.$el = {
        empty: function () {
          el.replaceChildren();
        },
      };
    }
    render() {}
    remove() {
      this.el.remove();
    }
  }

  // A model of a module this manager does not know (a layout, say): its state, nothing more.
  class PlainModel extends DOMWidgetModel {}

  function base64ToDataView(b64) {
    var bin = atob(b64);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new DataView(bytes.buffer);
  }

  function putBuffers(state, buffers) {
    (buffers || []).forEach(function (b) {
      var obj = state;
      for (var i = 0; i < b.path.length - 1; i++) obj = obj[b.path[i]];
      obj[b.path[b.path.length - 1]] = base64ToDataView(b.data);
    });
  }

  // Layout models' non-empty properties, as html-manager's DOMWidgetView applies them.
  function applyLayout(el, layout) {
    if (!layout) return;
    for (var key in layout.attributes) {
      var v = layout.attributes[key];
      if (key.charAt(0) === "_" || v === null || v === undefined || typeof v !== "string") continue;
      el.style.setProperty(key.replace(/_/g, "-"), v);
    }
  }

  // Every model of the page's widget-state script (anywidget's models start loading their
  // modules as they are created).
  function createModels(anywidget) {
    var models = {};
    var manager = {
      get_model: function (id) {
        return models[id] ? Promise.resolve(models[id]) : Promise.reject(new Error("no widget model " + id));
      },
    };
    document.querySelectorAll(STATE).forEach(function (script) {
      var saved = JSON.parse(script.textContent).state;
      for (var id in saved) {
        var spec = saved[id];
        var state = spec.state;
        putBuffers(state, spec.buffers);
        var Model =
          spec.model_module === "anywidget" && anywidget[spec.model_name] ? anywidget[spec.model_name] : PlainModel;
        models[id] = new Model(state, { model_id: id, widget_manager: manager });
      }
    });
    return models;
  }

  // A view for every widget-view script, in a <div class="widget-subarea"> just before it.
  function renderViews(anywidget, models) {
    document.querySelectorAll(VIEW).forEach(function (script) {
      var id = JSON.parse(script.textContent).model_id;
      var model = models[id];
      if (!model || !script.parentElement) return;
      var area = document.createElement("div");
      area.className = "widget-subarea";
      script.parentElement.insertBefore(area, script);
      var el = document.createElement("div");
      el.className = "jupyter-widgets bp-widget-light";
      area.appendChild(el);
      var layout = model.get("layout");
      if (typeof layout === "string" && layout.indexOf(REF) === 0) applyLayout(el, models[layout.slice(REF.length)]);
      var View = anywidget[model.get("_view_name")] || anywidget.AnyView;
      var view = new View({ model: model, el: el });
      Promise.resolve(view.render()).catch(function (err) {
        console.error("widget " + id + " could not render:", err);
      });
    });
  }

  // Once the page is parsed: readyState turns "interactive" before the deferred scripts run
  // (the theme's take ~300 ms on a long chapter) and before DOMContentLoaded.
  function whenParsed(callback) {
    if (document.readyState !== "loading") return callback();
    document.addEventListener("readystatechange", function once() {
      document.removeEventListener("readystatechange", once);
      callback();
    });
  }

  function start(anywidget) {
    // The state script sits in the <head> before this file's tag, so it is parsed by now: the
    // models (and their modules) load while the rest of the page is parsed, and the views are drawn
    // as soon as it is.
    var models = document.querySelector(STATE) ? createModels(anywidget) : null;
    whenParsed(function () {
      renderViews(anywidget, models || createModels(anywidget));
    });
  }

  // The one AMD module this page needs: anywidget's front end, loaded by this file from the
  // book's copy (book/copy_assets.py), next to this file's folder.  The `define` lent for it has
  // no `define.amd`, so no UMD script takes it for a module loader, and it is taken back at the
  // first call.
  var BASE = "@jupyter-widgets/base";
  var me = document.currentScript;
  if (!me || !me.src) {
    console.error("widgets-light.js must be loaded by a <script src> tag");
    return;
  }
  var src = me.src.split(/[?#]/)[0];
  // src is .../_static/book-js/widgets-light.js; anywidget's front end is in .../_static/offline/.
  var frontEnd = src.slice(0, src.lastIndexOf("/book-js/") + 1) + "offline/anywidget/index.js";
  var lent = window.define;
  window.define = function (deps, factory) {
    window.define = lent;
    if (!Array.isArray(deps) || deps.length !== 1 || deps[0] !== BASE || typeof factory !== "function") {
      console.error("widgets-light.js: expected anywidget's define([\"" + BASE + "\"], factory), got", deps);
      return;
    }
    start(factory({ DOMWidgetModel: DOMWidgetModel, DOMWidgetView: DOMWidgetView }));
  };
  var tag = document.createElement("script");
  tag.src = frontEnd;
  tag.onerror = function () {
    window.define = lent;
    console.error("widgets-light.js: anywidget's front end did not load from " + frontEnd);
  };
  document.head.appendChild(tag);
})();
