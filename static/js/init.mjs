// Enhances the GOV.UK Frontend components on every page. Loaded with <script type="module">, so
// it runs only in browsers GOV.UK Frontend supports; without it every page still works. It lives
// in a file, not inline, so a Content Security Policy can forbid inline scripts.
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

// GOV.UK Frontend styles its enhanced components, and initAll() runs, only under this class.
document.body.classList.add("govuk-frontend-supported");
initAll();

// A table wider than the screen scrolls inside its .sli-table-scroll wrapper. The wrapper then
// takes keyboard focus, so it can be scrolled with the arrow keys (WCAG 2.1.1), and is named
// after the table's caption; a table that fits adds no tab stop.
function markScrollingTables() {
  for (const wrapper of document.querySelectorAll(".sli-table-scroll")) {
    if (wrapper.scrollWidth > wrapper.clientWidth + 1) {
      const caption = wrapper.querySelector("caption");
      wrapper.setAttribute("tabindex", "0");
      wrapper.setAttribute("role", "region");
      wrapper.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table, scrolls sideways");
    } else {
      for (const name of ["tabindex", "role", "aria-label"]) wrapper.removeAttribute(name);
    }
  }
}
markScrollingTables();
window.addEventListener("resize", markScrollingTables);
