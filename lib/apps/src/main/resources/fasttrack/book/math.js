/*
 * LLM FastTrack for Java, the book: typesets the math with the MathJax 2.7 copied beside this file (fasttrack.book.MathJax).
 *
 * The pages mark their math themselves: fasttrack.book.MathSpans reads the dollars the way Jupyter does and writes
 * <span class="math">TeX</span> and <div class="math display">TeX</div>. MathJax is not let loose on the text with its own
 * dollar rules (which would typeset "$5 and $10"): each marked element gets the <script type="math/tex"> that MathJax
 * reads, after a preview holding the TeX, which shows until MathJax replaces it.
 * Loaded with defer before MathJax.js, so it runs once the page is parsed and MathJax finds its configuration.
 */
document.querySelectorAll(".math").forEach(function (element) {
  var preview = document.createElement("span");
  preview.className = "MathJax_Preview";
  preview.textContent = element.textContent;
  var script = document.createElement("script");
  script.type = element.classList.contains("display") ? "math/tex; mode=display" : "math/tex";
  script.text = element.textContent;
  element.replaceChildren(preview, script);
});

window.MathJax = {
  jax: ["input/TeX", "output/CommonHTML"],
  extensions: [],
  // Jupyter's TeX packages; errors are shown as errors (no noErrors/noUndefined), so the book's tests see them.
  TeX: { extensions: ["AMSmath.js", "AMSsymbols.js"] },
  messageStyle: "none"
};
