// keys.js — the keys of a focused widget control stay with it, away from JupyterLab.
//
// Every widget view of the book (explorers, trainer, gradient norms, checkpointing, graph) calls
// keepKeysFromJupyterLab(el) on its root element; the bundler (backprop.jsmodules) puts this file
// into each widget family's module.  (The answer box's text field has its own rule: it keeps
// Shift+Enter and the editing chords, see answer_view.js.)

/**
 * Keep the keys of a focused widget control (slider, menu, box, text field) from JupyterLab.
 *
 * JupyterLab handles shortcuts in a keydown listener on `document` in the bubbling phase (Lumino's
 * Application listens there when started with `bubblingKeydown: true`, as JupyterLab is), and a
 * matched command-mode shortcut calls preventDefault: ArrowRight/ArrowLeft jump between headings,
 * ArrowUp/ArrowDown move the active cell, "A", "B", "M", "D D"… edit the notebook, so the native
 * <input type=range> never moves.  Lumino ignores an event that is already defaultPrevented
 * (ipywidgets' noUiSlider sliders prevent their arrow keys) or stopped before it reaches
 * `document` (ipywidgets' text fields call stopPropagation on keydown); a native control cannot
 * prevent its own key, so the explorer stops the event here, in the bubbling phase, after the
 * control has seen it and with its default action (the slider's step) intact.
 * Left to JupyterLab and the browser: Tab (focus moves on), Escape, Enter with a modifier (run
 * the cell) and Ctrl/⌘/Alt chords (save, command palette…) — except those a control uses itself
 * or that would edit the notebook from it: select all (the state field), arrows, Home/End,
 * PageUp/PageDown, Backspace/Delete (JupyterLab moves or merges cells on Ctrl+Shift+arrows and
 * Ctrl+Backspace).  (Lumino's `data-lm-suppress-shortcuts` attribute would also work, but it
 * silences every shortcut, Shift+Enter and Ctrl+S included.)  In the HTML book nothing listens
 * for these keys above the explorer, so nothing changes there.
 */
export const CONTROL_KEYS = /^(Arrow|Page|Home$|End$|Backspace$|Delete$|a$|A$)/;

export function leaveToJupyterLab(e) {
  if (e.key === "Tab" || e.key === "Escape") return true;
  const chord = e.ctrlKey || e.metaKey || e.altKey;
  if (e.key === "Enter") return chord || e.shiftKey;
  return chord && !CONTROL_KEYS.test(e.key);
}

export function keepKeysFromJupyterLab(el) {
  const onKeydown = (e) => {
    if (e.target !== el && !leaveToJupyterLab(e)) e.stopPropagation();
  };
  el.addEventListener("keydown", onKeydown);
  return () => el.removeEventListener("keydown", onKeydown);
}
