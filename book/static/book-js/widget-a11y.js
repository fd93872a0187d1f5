// Accessible names for ipywidgets controls that @jupyter-widgets/html-manager 1.0.15 renders
// without one (axe-core rules aria-input-field-name, button-name, image-alt):
//
// * a slider's handle (noUiSlider's <div role="slider">) is named by the slider's description
//   label next to it (aria-labelledby), e.g. "η" or "epochs";
// * the Play widget's buttons hold only a Font Awesome icon: they are named after it
//   ("Play", "Pause", "Stop", "Repeat"), and renamed when the view swaps play and pause;
// * an Image is a bare <img>: when the widget next to it carries the class backprop-alt-text
//   (backprop.widgets puts the figure's text caption there), the image is labelled by it.
//
// Widget views are drawn after the page has loaded, so the names are given when they appear
// (a MutationObserver on the page, batched to one pass per animation frame).
(function () {
  "use strict";
  var ICON_NAMES = { "fa-play": "Play", "fa-pause": "Pause", "fa-stop": "Stop", "fa-retweet": "Repeat" };
  var uid = 0;

  function idOf(el) {
    if (!el.id) el.id = "backprop-a11y-" + ++uid;
    return el.id;
  }

  function iconName(button) {
    var icon = button.querySelector("i");
    if (!icon) return null;
    for (var cls in ICON_NAMES) if (icon.classList.contains(cls)) return ICON_NAMES[cls];
    return null;
  }

  function nameButton(button) {
    var name = iconName(button);
    if (name && button.getAttribute("aria-label") !== name) button.setAttribute("aria-label", name);
  }

  function nameAll(root) {
    root.querySelectorAll('.widget-slider .noUi-handle[role="slider"]:not([aria-labelledby])').forEach(function (handle) {
      var slider = handle.closest(".widget-slider");
      var label = slider && slider.querySelector(":scope > .widget-label");
      if (label && label.textContent.trim()) handle.setAttribute("aria-labelledby", idOf(label));
    });
    root.querySelectorAll(".widget-play:not([data-backprop-a11y])").forEach(function (play) {
      play.setAttribute("data-backprop-a11y", "");
      play.querySelectorAll("button").forEach(nameButton);
      // The play/pause button changes its icon's class: follow it.
      new MutationObserver(function () {
        play.querySelectorAll("button").forEach(nameButton);
      }).observe(play, { subtree: true, attributes: true, attributeFilter: ["class"] });
    });
    root.querySelectorAll("img.widget-image:not([alt]):not([aria-labelledby])").forEach(function (img) {
      var next = img.nextElementSibling;
      if (next && next.classList.contains("backprop-alt-text")) img.setAttribute("aria-labelledby", idOf(next));
    });
  }

  var queued = false;
  function schedule() {
    if (queued) return;
    queued = true;
    requestAnimationFrame(function () {
      queued = false;
      nameAll(document);
    });
  }

  function start() {
    nameAll(document);
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
