/*
 * The draft upload of the creator's slot page (templates/submissions/creator/slot.html).
 *
 * The form works without this script (it posts the file through the app). With it, the file goes
 * straight to storage: ask the page's `upload-request` endpoint for a direct-upload form
 * ({url, method, fields, key}), post the fields and the file there with XMLHttpRequest (upload
 * progress in a <progress> and, every quarter, in the polite live region), then `confirm` the
 * key with the caption and follow the answer's redirect. The caption is kept in sessionStorage
 * so a refresh does not lose it; a file that reached storage before a refresh is offered by the
 * server as "finish this upload".
 */
(function () {
  "use strict";

  var form = document.getElementById("draft-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }

  var fileInput = form.querySelector("input[type=file]");
  var caption = form.querySelector("textarea[name=caption]");
  var submit = document.getElementById("upload-submit");
  var box = document.getElementById("upload-progress");
  var bar = document.getElementById("upload-bar");
  var percent = document.getElementById("upload-percent");
  var cancel = document.getElementById("upload-cancel");
  var status = document.getElementById("upload-status");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var storageKey = "chorus-caption-" + form.getAttribute("data-slot");
  var imageTypes = (form.getAttribute("data-image-types") || "").split(",");
  var byExtension = { mp4: "video/mp4", m4v: "video/mp4", mov: "video/quicktime", jpg: "image/jpeg",
    jpeg: "image/jpeg", png: "image/png", webp: "image/webp" };
  var xhr = null;
  var uploading = false;

  function say(text, isError) {
    status.classList.toggle("sw-error", !!isError);
    status.textContent = text;
  }

  function clearErrors() {
    form.querySelectorAll(".js-field-error").forEach(function (el) { el.remove(); });
    [fileInput, caption].forEach(function (input) {
      if (!input) { return; }
      input.removeAttribute("aria-invalid");
      var ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && document.getElementById(id);
      });
      if (ids.length) { input.setAttribute("aria-describedby", ids.join(" ")); } else { input.removeAttribute("aria-describedby"); }
    });
  }

  function fieldError(input, message) {
    var error = document.createElement("small");
    error.className = "field-error js-field-error";
    error.id = input.id + "_jserror";
    error.textContent = message;
    input.insertAdjacentElement("afterend", error);
    input.setAttribute("aria-invalid", "true");
    var ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    ids.unshift(error.id);
    input.setAttribute("aria-describedby", ids.join(" "));
  }

  // Show a server error ({code, message, fields}) beside the field it names, else on top.
  function showError(body, fallback) {
    var message = (body && body.message) || fallback;
    var fields = (body && body.fields) || {};
    var target = null;
    if (fields.caption && caption) { target = caption; }
    else if (fields.file || fields.content_type || fields.size) { target = fileInput; }
    if (target) {
      fieldError(target, message);
      target.focus();
    }
    say(message, true);
  }

  function reset() {
    uploading = false;
    xhr = null;
    box.hidden = true;
    submit.disabled = false;
    fileInput.disabled = false;
  }

  function typeOf(file) {
    if (file.type) { return file.type; }
    var ext = (file.name.split(".").pop() || "").toLowerCase();
    return byExtension[ext] || "application/octet-stream";
  }

  function postJSON(url, data) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(data)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) { throw { body: body, status: response.status }; }
        return body;
      });
    });
  }

  function upload(file, grant) {
    return new Promise(function (resolve, reject) {
      var data = new FormData();
      Object.keys(grant.fields || {}).forEach(function (name) { data.append(name, grant.fields[name]); });
      data.append("file", file);
      xhr = new XMLHttpRequest();
      var spoken = 0;
      xhr.upload.addEventListener("progress", function (event) {
        if (!event.lengthComputable) { return; }
        var done = Math.floor((event.loaded / event.total) * 100);
        bar.value = done;
        percent.textContent = done + "%";
        var quarter = Math.floor(done / 25) * 25;
        if (quarter > spoken && quarter < 100) {
          spoken = quarter;
          say("Uploaded " + quarter + "%.");
        }
      });
      xhr.addEventListener("load", function () {
        if (xhr.status >= 200 && xhr.status < 300) { resolve(); return; }
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        reject({ body: body, status: xhr.status, uploadFailed: true });
      });
      xhr.addEventListener("error", function () { reject({ network: true }); });
      xhr.addEventListener("abort", function () { reject({ aborted: true }); });
      xhr.open(grant.method || "POST", grant.url);
      if (grant.url.charAt(0) === "/") { xhr.setRequestHeader("X-CSRFToken", csrf); }  // our own endpoint
      xhr.send(data);
    });
  }

  if (caption) {
    try {
      // What was typed before a refresh wins over the last version's caption the page offers.
      var saved = window.sessionStorage.getItem(storageKey);
      if (saved !== null && saved !== "") {
        caption.value = saved;
        // The upload the server offers to finish is the one this caption was written for.
        var finish = document.getElementById("finish-caption");
        if (finish && !finish.value) { finish.value = saved; }
      }
    } catch (e) { /* storage blocked: nothing to restore */ }
    caption.addEventListener("input", function () {
      try { window.sessionStorage.setItem(storageKey, caption.value); } catch (e) { /* ignore */ }
    });
  }

  cancel.addEventListener("click", function () {
    if (xhr) { xhr.abort(); }
  });

  window.addEventListener("beforeunload", function (event) {
    if (uploading) { event.preventDefault(); event.returnValue = ""; }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (uploading) { return; }
    clearErrors();
    say("");
    var file = fileInput.files && fileInput.files[0];
    if (!file) {
      fieldError(fileInput, "Choose the video or image to upload.");
      fileInput.focus();
      say("Choose the video or image to upload.", true);
      return;
    }
    var type = typeOf(file);
    var limit = Number(form.getAttribute(imageTypes.indexOf(type) >= 0 ? "data-max-image" : "data-max-video"));
    if (limit && file.size > limit) {
      var message = "This file is too large: the limit is " + Math.round(limit / 1048576) + " MB for this type.";
      fieldError(fileInput, message);
      fileInput.focus();
      say(message, true);
      return;
    }
    uploading = true;
    submit.disabled = true;
    bar.value = 0;
    percent.textContent = "0%";
    say("Preparing the upload…");
    var captionText = caption ? caption.value : "";
    postJSON(form.getAttribute("data-upload-request"), { content_type: type, size: file.size, name: file.name })
      .then(function (grant) {
        box.hidden = false;
        fileInput.disabled = true;
        say("Uploading " + file.name + "…");
        return upload(file, grant).then(function () { return grant; });
      })
      .then(function (grant) {
        bar.value = 100;
        percent.textContent = "100%";
        say("Uploaded. Sending it for review…");
        return postJSON(form.getAttribute("data-upload-confirm"), { key: grant.key, caption: captionText });
      })
      .then(function (answer) {
        uploading = false;
        try { window.sessionStorage.removeItem(storageKey); } catch (e) { /* ignore */ }
        say("Sent for review.");
        window.location.assign(answer.redirect);
      })
      .catch(function (problem) {
        reset();
        problem = problem || {};
        if (problem.aborted) { say("Upload cancelled. Your caption is kept."); return; }
        if (problem.network) { showError(null, "The connection dropped during the upload. Try again."); return; }
        if (problem.uploadFailed) {
          showError(problem.body, "The upload did not go through (error " + problem.status + "). Try again.");
          return;
        }
        showError(problem.body, "Something went wrong. Try again.");
      });
  });
})();
