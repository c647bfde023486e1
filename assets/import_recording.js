// Importing a JSON recording: a file chosen in the `import-recording` input, or dropped
// anywhere on the page, is posted to /archive/import; the answer ({thread_id} or {error}) goes
// into the hidden #import-result input, whose change the state handles.
(() => {
  const MAX_BYTES = 64 * 1024 * 1024; // app.archive.file_format.MAX_FILE_BYTES

  function report(answer) {
    const target = document.getElementById("import-result");
    if (!target) return;
    // React only sees a change made through the native setter, followed by an input event.
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
    setter.call(target, JSON.stringify({ ...answer, at: Date.now() }));
    target.dispatchEvent(new Event("input", { bubbles: true }));
  }

  async function upload(file) {
    if (!file) return;
    if (file.size > MAX_BYTES) {
      const mb = (n) => (n / 1e6).toFixed(1);
      report({ error: `The file is ${mb(file.size)} MB; recordings up to ${mb(MAX_BYTES)} MB can be opened.` });
      return;
    }
    try {
      const response = await fetch("/archive/import", {
        method: "POST",
        body: file,
        headers: { "content-type": "application/json" },
      });
      report(await response.json());
    } catch (error) {
      report({ error: `The upload failed (${error})` });
    }
  }

  document.addEventListener("change", (event) => {
    if (event.target.matches?.('[data-testid="import-recording"]')) {
      upload(event.target.files[0]);
      event.target.value = "";
    }
  });
  document.addEventListener("dragover", (event) => {
    if (event.dataTransfer?.types?.includes("Files")) event.preventDefault();
  });
  document.addEventListener("drop", (event) => {
    if (!event.dataTransfer?.files?.length) return;
    event.preventDefault();
    upload(event.dataTransfer.files[0]);
  });
})();
