// Enhances the GOV.UK Frontend components on every page. Loaded with <script type="module">, so
// it runs only in browsers GOV.UK Frontend supports; without it every page still works. It lives
// in a file, not inline, so a Content Security Policy can forbid inline scripts.
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

// GOV.UK Frontend styles its enhanced components, and initAll() runs, only under this class.
document.body.classList.add("govuk-frontend-supported");
initAll();
