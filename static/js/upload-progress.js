/* Upload progress for forms that send files (documents, report photos).
   Without this script the forms post normally; with it, the form is sent in
   the background and a progress bar shows how far it has got (useful on a
   slow phone signal). The button pressed is sent too, as the browser would. */
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-upload-progress]");
  Array.prototype.forEach.call(forms, function (form) {
    // The words come from the page (data-text-*), so they are in the reader's language.
    function text(name, english) {
      return form.getAttribute("data-text-" + name) || english;
    }
    form.addEventListener("submit", function (event) {
      var input = form.querySelector("input[type=file]");
      if (!window.XMLHttpRequest || !window.FormData || !input || !input.files.length) {
        return; // let the browser post the form and show the server's message
      }
      event.preventDefault();
      var status = form.querySelector(".upload-form__status");
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.className = "upload-form__progress";
      status.textContent = text("uploading", "Uploading…");
      status.parentNode.insertBefore(bar, status);
      var request = new XMLHttpRequest();
      // getAttribute: a field named "action" would hide the form's action property.
      request.open("POST", form.getAttribute("action") || window.location.href);
      request.upload.addEventListener("progress", function (progress) {
        if (progress.lengthComputable) {
          var percent = Math.round((progress.loaded / progress.total) * 100);
          bar.value = percent;
          status.textContent = text("progress", "Uploading: %(percent)s%").replace("%(percent)s", percent);
        }
      });
      request.addEventListener("load", function () {
        // The server answers with the page to show (after its redirect, if it worked).
        document.open();
        document.write(request.responseText);
        document.close();
        if (request.responseURL) {
          window.history.replaceState(null, "", request.responseURL);
        }
      });
      request.addEventListener("error", function () {
        bar.remove();
        status.textContent = text("failed", "The upload did not finish. Check your signal and try again.");
      });
      var data = new FormData(form);
      if (event.submitter && event.submitter.name) {
        data.append(event.submitter.name, event.submitter.value);
      }
      request.send(data);
    });
  });
})();
