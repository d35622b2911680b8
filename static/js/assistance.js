/* Assistance: the visit form keeps what the teacher typed until the server has it.
 *
 * - Every keystroke saves a draft in localStorage under the form's data-draft-key.
 * - On load the draft is put back (after a lost connection, a reload, a closed tab).
 * - The form is sent with fetch: if the network fails the page stays as it is, with a
 *   message; the draft is removed only when the server answers 201 (saved).
 * - The page shown after a save carries data-clear-draft (the no-fetch path).
 * No inline script: this file is loaded from the template's head block.
 */
(function () {
  "use strict";

  function storage() {
    try {
      var probe = "__branchwork__";
      window.localStorage.setItem(probe, probe);
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null;
    }
  }

  var store = storage();

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "file" &&
        el.type !== "submit" && el.type !== "button";
    });
  }

  function readDraft(key) {
    if (!store) return null;
    try {
      return JSON.parse(store.getItem(key) || "null");
    } catch (e) {
      return null;
    }
  }

  function saveDraft(form) {
    if (!store) return;
    var data = {};
    fields(form).forEach(function (el) { data[el.name] = el.value; });
    data.__saved_at = new Date().toISOString();
    try {
      store.setItem(form.dataset.draftKey, JSON.stringify(data));
    } catch (e) { /* storage full: the form itself still holds the text */ }
  }

  function restoreDraft(form) {
    var data = readDraft(form.dataset.draftKey);
    if (!data) return false;
    var restored = false;
    fields(form).forEach(function (el) {
      if (Object.prototype.hasOwnProperty.call(data, el.name) && el.value !== data[el.name]) {
        el.value = data[el.name];
        restored = true;
      }
    });
    return restored;
  }

  function say(form, text, isError) {
    var status = form.querySelector(".draft-status");
    if (!status) return;
    status.textContent = text || "";
    status.classList.toggle("error", !!isError);
  }

  function hasPhoto(form) {
    var input = form.querySelector("input[type=file]");
    return input && input.files && input.files.length > 0;
  }

  function submit(form, event) {
    if (!window.fetch || !window.FormData) return; // the browser posts the form itself
    event.preventDefault();
    saveDraft(form);
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    say(form, form.dataset.msgSending, false);
    var photo = hasPhoto(form);
    fetch(form.action || window.location.href, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Branchwork-Draft": "1" }
    }).then(function (response) {
      if (response.status === 201) {
        return response.json().then(function (data) {
          if (store) store.removeItem(form.dataset.draftKey);
          window.location.assign(data.url);
        });
      }
      if (response.status === 422) {
        // Validation errors: show the server's form (it holds the posted values).
        return response.text().then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.querySelector("form[data-draft-key]");
          if (fresh) form.innerHTML = fresh.innerHTML;
          if (button) button.disabled = false;
        });
      }
      throw new Error("HTTP " + response.status);
    }).catch(function (error) {
      var button2 = form.querySelector("button[type=submit]");
      if (button2) button2.disabled = false;
      var offline = error instanceof TypeError || navigator.onLine === false;
      var text = offline ? form.dataset.msgOffline : form.dataset.msgFailed;
      say(form, photo ? text + " " + form.dataset.msgPhoto : text, true);
    });
  }

  function init() {
    document.querySelectorAll("[data-clear-draft]").forEach(function (el) {
      if (store) store.removeItem(el.getAttribute("data-clear-draft"));
    });
    document.querySelectorAll("form[data-draft-key]").forEach(function (form) {
      if (restoreDraft(form)) say(form, form.dataset.msgRestored, false);
      form.addEventListener("input", function () { saveDraft(form); });
      form.addEventListener("change", function () { saveDraft(form); });
      form.addEventListener("submit", function (event) { submit(form, event); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
