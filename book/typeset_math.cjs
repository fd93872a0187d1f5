// Typeset the math of one built page at build time, with the book's own MathJax 3 (node_modules/
// mathjax, pinned in package-lock.json), so that the reader's browser has nothing left to typeset.
//
//   node book/typeset_math.cjs CONFIG.json PAGE.html
//
// CONFIG.json holds what the page would have given MathJax in the browser and what only this
// script needs:
//   {"mathjax": the page's MathJax configuration (Sphinx's mathjax3_config: delimiters, macros,
//               the classes to process and to ignore),
//    "es5": the folder of MathJax's components (node_modules/mathjax/es5),
//    "fontURL": where the page finds MathJax's web fonts, relative to the page}
//
// MathJax finds the math exactly as it does in the browser (the same input jax, the same
// delimiters and classes) and writes CommonHTML output: the same <mjx-container> elements, with
// their MathML for screen readers (assistive MathML), and one stylesheet in the page's <head>
// holding the CSS of just the glyphs the page uses.  The page is written back in place.  Any TeX
// error fails the script (and so the build): MathJax would otherwise draw it in red in the page.
//
// Size: in a browser MathJax measures the x-height of the text around each formula and scales the
// formula to match it (matchFontHeight); a build has no fonts to measure.  The page's stylesheet
// does the same with CSS instead: a formula's font size is 1/0.442 of its parent's x-height (the
// ex unit, in the reader's own font), 0.442 em being the x-height of MathJax's TeX fonts.
//
// One page per process: MathJax's CommonHTML output keeps one stylesheet per process, which a
// second page would not get.
"use strict";

const fs = require("fs");
const path = require("path");

const MATCH_FONT_HEIGHT = 'mjx-container[jax="CHTML"] {\n  font-size: calc(1ex / 0.442);\n}';

function main(argv) {
  if (argv.length !== 2) {
    console.error("usage: node book/typeset_math.cjs CONFIG.json PAGE.html");
    process.exit(2);
  }
  const config = JSON.parse(fs.readFileSync(argv[0], "utf8"));
  const page = argv[1];
  const html = fs.readFileSync(page, "utf8");
  const es5 = path.resolve(config.es5);
  const errors = [];
  const tex = Object.assign({}, config.mathjax.tex || {}, {
    // Every TeX error is an error of the build, not red text in the page: a TeX error, and an
    // unknown macro (without the noundefined package, which would draw its name in red).
    packages: { "[-]": ["noundefined"] },
    formatError: (jax, err) => {
      errors.push(err.message);
      return jax.formatError(err);
    },
  });
  global.MathJax = {
    ...config.mathjax,
    tex,
    options: { ...(config.mathjax.options || {}) },
    loader: {
      paths: { mathjax: es5 },
      require: require,
      // tex-chtml.js without its menu and speech components, which need a browser.
      load: ["adaptors/liteDOM", "input/tex", "output/chtml", "a11y/assistive-mml"],
    },
    chtml: { ...(config.mathjax.chtml || {}), fontURL: config.fontURL, matchFontHeight: false },
    startup: { document: html },
  };
  // The components' own messages (an unknown option, a missing extension) are errors here.
  const { log, warn, error } = console;
  console.log = console.warn = console.error = (...args) => errors.push(args.join(" "));
  require(path.join(es5, "startup.js"));
  const done = () => Object.assign(console, { log, warn, error });
  return global.MathJax.startup.promise.then(() => {
    done();
    if (errors.length) throw new Error(`${page}: MathJax: ${errors.join("; ")}`);
    const adaptor = global.MathJax.startup.adaptor;
    const doc = global.MathJax.startup.document;
    // Formulas: the items MathJax drew (an escaped \$ is an item too, written back as text).
    let found = 0;
    for (const item of doc.math) if (item.typesetRoot && adaptor.kind(item.typesetRoot) === "mjx-container") found++;
    if (!found) {
      process.stdout.write(JSON.stringify({ page, formulas: 0 }) + "\n");
      return; // nothing to write: the page stays as it was
    }
    const sheet = adaptor.elementById(adaptor.head(doc.document), "MJX-CHTML-styles");
    if (!sheet) throw new Error(`${page}: MathJax wrote no stylesheet for ${found} formulas`);
    adaptor.append(sheet, adaptor.text(`\n${MATCH_FONT_HEIGHT}\n`));
    const out = adaptor.doctype(doc.document) + "\n" + adaptor.outerHTML(adaptor.root(doc.document)) + "\n";
    fs.writeFileSync(page, out);
    process.stdout.write(JSON.stringify({ page, formulas: found }) + "\n");
  });
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(1);
});
