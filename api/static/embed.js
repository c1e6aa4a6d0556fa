/* Loader of the chat of Perspectief Herstelbemiddeling for another site. No dependencies.
 *
 *   <script src="https://<backend>/static/embed.js" data-lang="nl" defer></script>
 *
 * Puts an <iframe> of <backend>/chat/embed (or /en/chat/embed with data-lang="en") right after this tag. The chat
 * runs inside that frame, on the backend's origin: the host page's scripts (analytics included) cannot read what a
 * visitor types. The backend allows the frame only on the sites in INTAKE_FRAME_ANCESTORS.
 * The quick exit inside the frame leaves the host page too (the frame asks, this loader navigates the tab).
 */
(function () {
  "use strict";

  const script = document.currentScript;
  if (!script) return;
  const BASE = new URL(script.src, location.href).origin;
  const lang = (script.dataset.lang || document.documentElement.lang || "nl").slice(0, 2).toLowerCase() === "en"
    ? "en" : "nl";

  const frame = document.createElement("iframe");
  frame.src = BASE + (lang === "en" ? "/en/chat/embed" : "/chat/embed");
  frame.title = lang === "en" ? "Chat about restorative mediation" : "Chat over herstelbemiddeling";
  // What the widget needs and nothing more: its script, its own origin (for its fetches to /api/chat), its form,
  // and leaving the tab on a click (the quick exit). No popups, no downloads, no top navigation without a click.
  frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-forms allow-top-navigation-by-user-activation");
  frame.setAttribute("referrerpolicy", "no-referrer");
  frame.setAttribute("loading", "eager");
  Object.assign(frame.style, { width: "100%", maxWidth: "26rem", height: "40rem", maxHeight: "90vh",
                               border: "1px solid #ccc", borderRadius: "8px", display: "block" });
  script.after(frame);

  window.addEventListener("message", function (event) {
    if (event.source !== frame.contentWindow || event.origin !== BASE) return;
    const data = event.data;
    if (!data || typeof data.phQuickExit !== "string") return;
    let url;
    try {
      url = new URL(data.phQuickExit);
    } catch (e) {
      return;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") return;
    // replace(): the host page leaves the tab's history too, so Back does not return to the chat.
    location.replace(url.href);
  });
})();
