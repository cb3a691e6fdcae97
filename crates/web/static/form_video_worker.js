// The running-form page's second pose model, on a thread of its own (form_video.js): while the
// page follows a runner, the model here reads every other frame's crop as the page's own model
// reads the frame before it, so that a phone's (or computer's) second core works too. Made with
// the same vendored MediaPipe PoseLandmarker and options as the page's; it answers each crop
// (an ImageBitmap, closed here) with the landmarks found, as fractions of the crop, or null.
'use strict';
let landmarker = null;
self.onmessage = async (e) => {
  const m = e.data;
  if (m.base) {
    try {
      self.importScripts(m.base + 'vision_bundle.js');
      landmarker = await self.Vision.PoseLandmarker.createFromOptions(
        { wasmLoaderPath: m.base + 'vision_wasm_internal.js', wasmBinaryPath: m.base + 'vision_wasm_internal.wasm' },
        m.options);
      self.postMessage({ ready: true });
    } catch (err) {
      self.postMessage({ ready: false, error: String(err && err.message ? err.message : err) });
    }
    return;
  }
  let landmarks = null;
  try {
    const found = landmarker.detect(m.image);
    if (found.landmarks && found.landmarks.length) {
      landmarks = found.landmarks[0].map((p) => ({ x: p.x, y: p.y, visibility: p.visibility }));
    }
  } finally {
    m.image.close();
  }
  self.postMessage({ id: m.id, landmarks });
};
