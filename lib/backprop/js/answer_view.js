// answer_view.js — the answer box of a numeric exercise (anywidget view; backprop.answers).
//
// A labelled text field, a Check button and the verdict, announced (aria-live).  The checking is
// answers.js's checkAnswer, in the page: the same verdict and words as backprop.exercises.check,
// with no kernel.  The box starts with the Python checker's verdict on the cell's `answer`.
// backprop.answers bundles this file after answers.js into the AnswerLibrary widget's module, once
// per page; every AnswerBox renders through it (host.getWidget), as the explorers do.
import { checkAnswer, feedbackText, parseTyped, toArray } from "./answers.js";

let boxes = 0;

/** How to type an answer of this shape (the field's label). */
export function howToType(shape) {
  if (shape.length === 0) return "a number, such as 0.25, -1e-3 or 1/4";
  if (shape.length === 1) return `${shape[0]} numbers separated by commas or spaces`;
  const [n, m] = shape;
  if (m === 1)
    return `a column of ${n} numbers: one per line (Shift+Enter starts a new line) or separated by semicolons`;
  if (n === 1) return `a row of ${m} numbers separated by commas or spaces`;
  return (
    `a ${n} × ${m} matrix: one row per line (Shift+Enter starts a new line) or the rows separated ` +
    "by semicolons, the entries of a row by commas or spaces"
  );
}

/** The verdict as exercises.Feedback._repr_html_ draws it (same classes and colours). */
function feedbackBox(fb, palette) {
  const status = fb.correct ? "correct" : fb.reason === "not_attempted" ? "not attempted" : "wrong";
  const colours = palette[status];
  const box = document.createElement("div");
  box.className = `backprop-feedback backprop-feedback-${status.replace(" ", "-")}`;
  box.style.cssText =
    `border-left: 4px solid ${colours.border}; padding: 0.3em 0.8em; margin: 0.3em 0; ` +
    `background: ${colours.background}; color: ${palette.text};`;
  const strong = document.createElement("strong");
  strong.style.color = colours.text;
  strong.textContent = `${feedbackText(fb).slice(0, 1)} ${status}`;
  const code = document.createElement("code");
  code.style.color = "inherit";
  code.textContent = fb.name;
  box.append(strong, " — ", code, `: ${fb.message}`);
  return box;
}

/** Keys that go on to JupyterLab from the field: focus moves, and chords that do not edit text. */
const EDIT_CHORDS = /^(Arrow|Page|Home$|End$|Backspace$|Delete$|[aAcCvVxXzZyY]$)/;

function leaveToJupyterLab(e) {
  if (e.key === "Tab" || e.key === "Escape") return true;
  return (e.ctrlKey || e.metaKey || e.altKey) && !EDIT_CHORDS.test(e.key);
}

function render({ model, el }, shared) {
  const ex = model.get("exercise");
  const shape = toArray(ex.expected).shape;
  const id = `bpa-${++boxes}-${Math.random().toString(36).slice(2, 8)}`;

  const root = document.createElement("div");
  root.className = "bpa";
  const label = document.createElement("label");
  label.className = "bpa-label";
  label.htmlFor = id;
  label.textContent = `Your answer for ${ex.name}: ${howToType(shape)}. Enter checks it.`;
  const row = document.createElement("div");
  row.className = "bpa-row";
  let field;
  if (shape.length === 0) {
    field = document.createElement("input");
    field.type = "text";
  } else {
    field = document.createElement("textarea");
    field.rows = Math.min(Math.max(shape.length === 2 ? shape[0] : 1, 1), 6);
  }
  field.id = id;
  field.className = "bpa-field";
  field.spellcheck = false;
  field.autocomplete = "off";
  field.setAttribute("autocapitalize", "off");
  field.value = model.get("typed") || "";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "bpa-check";
  button.textContent = "Check";
  row.append(field, button);
  const live = document.createElement("div");
  live.className = "bpa-verdict";
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  root.append(label, row, live);
  el.replaceChildren(root);

  const show = (fb, note) => {
    const parts = [feedbackBox(fb, shared.palette)];
    if (note) {
      const p = document.createElement("div");
      p.className = "bpa-note";
      p.textContent = `(${note})`;
      parts.push(p);
    }
    live.replaceChildren(...parts);
  };
  const check = () => {
    const { value, note } = parseTyped(field.value, shape.length);
    const fb = checkAnswer(value, ex, shared.messages);
    show(fb, note);
    model.set("typed", field.value);
    model.set("feedback", fb);
    model.save_changes();
    return fb;
  };
  const onKeydown = (e) => {
    if (e.key === "Enter" && !(e.shiftKey || e.ctrlKey || e.metaKey || e.altKey)) {
      e.preventDefault();
      e.stopPropagation();
      check();
      return;
    }
    if (!leaveToJupyterLab(e)) e.stopPropagation(); // JupyterLab's shortcuts listen on document
  };
  field.addEventListener("keydown", onKeydown);
  button.addEventListener("click", check);
  show(model.get("feedback"), "");
  el.__bpa = { check, field, exercise: ex }; // for tests
  return () => {
    field.removeEventListener("keydown", onKeydown);
    button.removeEventListener("click", check);
  };
}

/** anywidget entry points: the AnswerLibrary widget's `initialize` exports the boxes' render,
 * with the checker's sentences and the feedback colours it carries (once per page). */
export default {
  initialize({ model }) {
    const shared = { messages: model.get("messages"), palette: model.get("palette") };
    return { render: (args) => render(args, shared) };
  },
  render() {}, // the library widget itself is never shown
};
