/* Recording a spoken answer in the page, where the browser can.
   Without this script (or without a microphone, or MediaRecorder) the plain
   file control does everything: on a phone it offers the microphone or the
   camera. With it, a "Record your answer" button records sound in the page
   and puts the recording into that same file control, so saving the form
   sends it exactly as a chosen file would be sent. */
(function () {
  "use strict";
  if (!window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia ||
      typeof DataTransfer === "undefined") {
    return;
  }
  var TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/mp4", "audio/ogg;codecs=opus"];

  function chosenType() {
    for (var i = 0; i < TYPES.length; i += 1) {
      if (MediaRecorder.isTypeSupported(TYPES[i])) {
        return TYPES[i];
      }
    }
    return "";
  }

  function extensionFor(type) {
    if (type.indexOf("mp4") !== -1) { return ".m4a"; }
    if (type.indexOf("ogg") !== -1) { return ".ogg"; }
    return ".webm";
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-recorder]"), function (block) {
    var input = block.querySelector("input[type=file]");
    if (!input) { return; }
    // The words come from the page (data-text-*), so they are in the reader's language.
    function text(name, english) {
      return block.getAttribute("data-text-" + name) || english;
    }
    var controls = document.createElement("div");
    controls.className = "recorder__controls";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary";
    button.textContent = text("record", "Record your answer");
    var status = document.createElement("p");
    status.setAttribute("role", "status");
    status.className = "recorder__status";
    controls.appendChild(button);
    controls.appendChild(status);
    input.parentNode.insertBefore(controls, input.nextSibling);

    var recorder = null;
    var chunks = [];
    var preview = null;

    function stopTracks(stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
    }

    button.addEventListener("click", function () {
      if (recorder && recorder.state === "recording") {
        recorder.stop();
        return;
      }
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        var type = chosenType();
        recorder = type ? new MediaRecorder(stream, { mimeType: type }) : new MediaRecorder(stream);
        chunks = [];
        recorder.addEventListener("dataavailable", function (event) {
          if (event.data && event.data.size) { chunks.push(event.data); }
        });
        recorder.addEventListener("stop", function () {
          stopTracks(stream);
          var recordedType = recorder.mimeType || type || "audio/webm";
          var blob = new Blob(chunks, { type: recordedType });
          var file = new File([blob], "recording" + extensionFor(recordedType), { type: recordedType });
          var transfer = new DataTransfer();
          transfer.items.add(file);
          input.files = transfer.files;
          if (preview) { preview.remove(); }
          preview = document.createElement("audio");
          preview.controls = true;
          preview.className = "recording__player";
          preview.setAttribute("aria-label", text("preview", "Your new recording, not saved yet"));
          preview.src = URL.createObjectURL(blob);
          controls.parentNode.insertBefore(preview, controls.nextSibling);
          button.textContent = text("again", "Record again");
          status.textContent = text("ready", "Your recording is ready. Save the page to send it.");
        });
        recorder.start();
        button.textContent = text("stop", "Stop recording");
        status.textContent = text("recording", "Recording… Press Stop recording when you have finished.");
      }).catch(function () {
        status.textContent = text("no-microphone", "We could not use your microphone. You can choose a recording file instead.");
      });
    });
  });
})();
