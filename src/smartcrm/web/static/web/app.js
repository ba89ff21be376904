// smartcrm's only script besides htmx. The CSP allows no inline script, so behaviour lives here.
(function () {
  "use strict";

  // The interface strings of the user's language (the JavaScript catalog, /i18n/catalog.js).
  function gettext(text) { return window.gettext ? window.gettext(text) : text; }
  function interpolate(text, values) {
    return window.interpolate ? window.interpolate(text, values, true) : text;
  }

  // Something that looks like an email address or a phone number.
  var CONTACT = /@|^[\d\s()+.\-]{6,}$/;

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.htmx) return;
    // A history miss must fetch the whole page, never a fragment meant for a swap.
    htmx.config.historyRestoreAsHxRequest = false;
  });

  // Field errors come back with status 400: swap them in like a normal answer.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Searching customers by email or phone: send it in a POST body so the contact detail
  // never lands in a URL, the browser history or a server log.
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt.closest || !elt.closest("[data-private-search]")) return;
    var query = String(event.detail.parameters.get("q") || "").trim();
    if (CONTACT.test(query)) {
      event.detail.verb = "post";
      event.detail.useUrlParams = false;
      // htmx chose the headers for a GET; a body needs its type for Django to read it.
      event.detail.headers["Content-Type"] = "application/x-www-form-urlencoded";
    }
  });

  function toast(text) {
    var box = document.getElementById("toast");
    if (!box) return;
    box.textContent = text;
    box.hidden = false;
    window.clearTimeout(toast.timer);
    toast.timer = window.setTimeout(function () { box.hidden = true; }, 4000);
  }

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    toast(status === 403 ? gettext("Your role does not allow this.")
      : interpolate(gettext("Something went wrong (%(status)s). Please try again."), { status: status }));
  });
  document.addEventListener("htmx:sendError", function () {
    toast(gettext("The server could not be reached. Check your connection."));
  });

  // Bulk actions on the customer list: the header box ticks the page's rows; the count says how
  // many are ticked. A whole page ticked shows the banner "All 50 customers on this page are
  // selected" with, when there are more pages, "Select all 12,345 matching" (counted by the
  // server only then); choosing it sends the filters, not ids. An export needs no value.
  function ngettext(one, many, n) {
    return window.ngettext ? window.ngettext(one, many, n) : (n === 1 ? one : many);
  }
  function showSelection() {
    var form = document.querySelector("[data-bulk-form]");
    if (!form) return;
    var rows = document.querySelectorAll("[data-select-row]");
    var ticked = document.querySelectorAll("[data-select-row]:checked").length;
    var allMatching = form.querySelector("[data-all-matching]");
    var all = allMatching && allMatching.value === "on";
    var banner = document.querySelector("[data-select-banner]");
    if (banner) {
      var wholePage = rows.length > 0 && ticked === rows.length;
      banner.hidden = !wholePage && !all;
      var matching = banner.querySelector("[data-matching]");
      if (wholePage && matching && window.htmx) htmx.trigger(matching, "count-matching");
      var pageText = banner.querySelector("[data-page-selected]");
      if (pageText) pageText.hidden = all;
      var offer = banner.querySelector("[data-select-all-matching]");
      if (offer) offer.hidden = all;
      var chosen = banner.querySelector("[data-all-selected]");
      if (chosen) chosen.hidden = !all;
    }
    form.querySelector("[data-selected-count]").textContent = all
      ? gettext("Every customer matching these filters")
      : ticked === 0
        ? gettext("No customer ticked")
        : interpolate(ngettext("%(n)s customer ticked", "%(n)s customers ticked", ticked), { n: ticked });
    var action = form.querySelector("[data-bulk-action]");
    form.querySelector("[data-bulk-value]").hidden = action.value === "export";
  }
  function setAllMatching(on) {
    var input = document.querySelector("[data-bulk-form] [data-all-matching]");
    if (input) input.value = on ? "on" : "";
  }
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches) return;
    if (box.matches("[data-select-page]")) {
      document.querySelectorAll("[data-select-row]").forEach(function (row) { row.checked = box.checked; });
    }
    if (box.matches("[data-select-page], [data-select-row]") && !box.checked) setAllMatching(false);
    if (box.matches("[data-select-page], [data-select-row], [data-bulk-action]")) showSelection();
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-select-all-matching], [data-clear-selection]");
    if (!button) return;
    if (button.matches("[data-select-all-matching]")) {
      setAllMatching(true);
    } else {
      setAllMatching(false);
      document.querySelectorAll("[data-select-row], [data-select-page]").forEach(function (row) { row.checked = false; });
    }
    showSelection();
  });
  document.addEventListener("DOMContentLoaded", showSelection);
  document.addEventListener("htmx:afterSwap", showSelection);

  // The header's language menu submits its form as soon as a language is picked.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[data-autosubmit]") && select.form) select.form.requestSubmit();
  });

  // Pipeline: drag a deal card onto another column to move it (the select + button does the
  // same without a mouse).
  var dragged = null;
  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".deal[data-move-url]");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
  });
  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    document.querySelectorAll(".board-col.drop-over").forEach(function (c) { c.classList.remove("drop-over"); });
  });
  document.addEventListener("dragover", function (event) {
    var col = dragged && event.target.closest && event.target.closest(".board-col[data-stage-id]");
    if (!col) return;
    event.preventDefault();
    col.classList.add("drop-over");
  });
  document.addEventListener("dragleave", function (event) {
    var col = event.target.closest && event.target.closest(".board-col");
    if (col && !col.contains(event.relatedTarget)) col.classList.remove("drop-over");
  });
  document.addEventListener("drop", function (event) {
    var col = dragged && event.target.closest && event.target.closest(".board-col[data-stage-id]");
    if (!col) return;
    event.preventDefault();
    if (dragged.closest(".board-col") === col) return;
    htmx.ajax("POST", dragged.dataset.moveUrl, {
      target: "#board",
      swap: "outerHTML",
      values: { stage: col.dataset.stageId },
    });
  });

  // Keyboard shortcuts for agents on the inbox and a ticket (the pages that include the
  // #shortcuts list): j/k move through the tickets, o or Enter opens one, / searches, r replies,
  // u goes back up, ? shows the list, Escape leaves a field or closes the list. Keys typed in a
  // field are the field's.
  function typing(target) {
    return target.closest && target.closest("input, textarea, select, [contenteditable]");
  }
  document.addEventListener("keydown", function (event) {
    var help = document.getElementById("shortcuts");
    if (!help || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape") {
      if (!help.hidden) help.hidden = true;
      else if (typing(event.target)) event.target.blur();
      return;
    }
    if (typing(event.target)) return;
    var focus = { "/": "input[name=q]", r: "textarea[name=body]" }[event.key];
    if (focus) {
      var field = document.querySelector(focus);
      if (field) { event.preventDefault(); field.focus(); }
      return;
    }
    if (event.key === "?") { help.hidden = !help.hidden; return; }
    if (event.key === "u") {
      var up = document.querySelector("[data-shortcut-up]");
      if (up) window.location.href = up.href;
      return;
    }
    var rows = Array.prototype.slice.call(document.querySelectorAll("#results tr[data-href]"));
    var at = rows.findIndex(function (row) { return row.classList.contains("selected"); });
    if ((event.key === "j" || event.key === "k") && rows.length) {
      var next = event.key === "j" ? Math.min(at + 1, rows.length - 1) : Math.max(at - 1, 0);
      if (at >= 0) rows[at].classList.remove("selected");
      rows[next].classList.add("selected");
      rows[next].scrollIntoView({ block: "nearest" });
    } else if ((event.key === "o" || event.key === "Enter") && at >= 0) {
      window.location.href = rows[at].dataset.href;
    }
  });
})();
