// Running form from a video: reads the chosen video frame by frame on this phone, runs the
// vendored MediaPipe Pose model on each frame, and posts only the landmark series (time, and
// x, y and visibility of the 33 landmarks per frame) when the person saves. The video is never
// uploaded. The form's data-state says where it is: idle, ready, analysing, done, saving, error.
(function () {
  'use strict';
  const form = document.getElementById('form-video');
  if (!form) return;
  const $ = (id) => document.getElementById(id);
  const input = $('video'), player = $('player'), analyse = $('analyse'), cancel = $('cancel');
  const progress = $('progress'), progressWrap = $('progress-wrap'), status = $('status');
  const preview = $('preview'), done = $('done'), found = $('found'), save = $('save');
  const errorsBox = $('errors'), videoError = $('video-error'), viewError = $('view-error');
  const base = form.dataset.poseBase;
  const maxFrames = Number(form.dataset.maxFrames);
  const minSeconds = Number(form.dataset.minSeconds);
  let series = null;
  let cancelled = false;
  let url = null;

  function setState(s) { form.dataset.state = s; }
  setState('idle');

  function supported() {
    const canvas = document.createElement('canvas');
    return typeof WebAssembly === 'object' && typeof window.Pose === 'function' && !!canvas.getContext('webgl2');
  }

  function showError(el, message) {
    el.textContent = message;
    el.hidden = !message;
    const control = el === videoError ? input : null;
    if (control) {
      if (message) control.setAttribute('aria-invalid', 'true'); else control.removeAttribute('aria-invalid');
    }
  }

  function view() {
    const checked = form.querySelector('input[name=view]:checked');
    return checked ? checked.value : '';
  }
  function model() {
    const checked = form.querySelector('input[name=model]:checked');
    return checked ? Number(checked.value) : 1;
  }

  input.addEventListener('change', () => {
    series = null;
    done.hidden = true;
    showError(videoError, '');
    const file = input.files && input.files[0];
    if (!file) { analyse.disabled = true; setState('idle'); return; }
    if (url) URL.revokeObjectURL(url);
    url = URL.createObjectURL(file);
    player.src = url;
    player.addEventListener('loadedmetadata', () => {
      if (!(player.duration >= minSeconds)) {
        showError(videoError, 'This video is ' + (player.duration || 0).toFixed(1) + ' s long; film at least ' + minSeconds + ' seconds so that 5 or more strides are in it.');
        analyse.disabled = true;
        setState('idle');
        return;
      }
      if (player.videoWidth === 0) {
        showError(videoError, 'This file has no picture this browser can read. Choose a video (MP4 or MOV).');
        analyse.disabled = true;
        return;
      }
      analyse.disabled = false;
      setState('ready');
    }, { once: true });
    player.addEventListener('error', () => {
      showError(videoError, 'This browser cannot read that file as a video. Choose a video (MP4 or MOV).');
      analyse.disabled = true;
      setState('idle');
    }, { once: true });
  });

  // One frame at a time: play until the next frame is shown, stop, copy it (the copy is what the
  // model reads, at most 1280 px wide), and report its time in the video. Seeking a paused video
  // does not reliably show the new frame in every browser; playing does.
  const frame = document.createElement('canvas');
  function copyFrame() {
    const scale = Math.min(1, 1280 / player.videoWidth);
    frame.width = Math.round(player.videoWidth * scale);
    frame.height = Math.round(player.videoHeight * scale);
    frame.getContext('2d').drawImage(player, 0, 0, frame.width, frame.height);
  }
  function nextFrame() {
    return new Promise((resolve, reject) => {
      const ended = () => resolve(null);
      player.addEventListener('ended', ended, { once: true });
      player.requestVideoFrameCallback((now, meta) => {
        player.pause();
        player.removeEventListener('ended', ended);
        copyFrame();
        resolve(meta.mediaTime);
      });
      player.play().catch(reject);
    });
  }
  // Browsers without frame callbacks: seek to each frame at 30 per second.
  let seekIndex = 0;
  function seekFrame() {
    const t = seekIndex++ / 30;
    if (t >= player.duration) return Promise.resolve(null);
    return new Promise((resolve) => {
      player.addEventListener('seeked', () => { copyFrame(); resolve(t); }, { once: true });
      player.currentTime = t + 0.5 / 30;
    });
  }

  const BONES = [[11, 12], [11, 23], [12, 24], [23, 24], [11, 13], [13, 15], [12, 14], [14, 16],
    [23, 25], [25, 27], [27, 29], [29, 31], [27, 31], [24, 26], [26, 28], [28, 30], [30, 32], [28, 32], [7, 11], [8, 12]];

  function draw(landmarks) {
    const ctx = preview.getContext('2d');
    const w = preview.width, h = preview.height;
    ctx.drawImage(frame, 0, 0, w, h);
    if (!landmarks) return;
    ctx.lineWidth = 3;
    ctx.strokeStyle = '#ffd400';
    for (const [a, b] of BONES) {
      ctx.beginPath();
      ctx.moveTo(landmarks[a].x * w, landmarks[a].y * h);
      ctx.lineTo(landmarks[b].x * w, landmarks[b].y * h);
      ctx.stroke();
    }
  }

  const round = (v, places) => {
    if (!Number.isFinite(v)) return null;
    const f = Math.pow(10, places);
    return Math.round(v * f) / f;
  };

  let pose = null;
  async function run() {
    cancelled = false;
    series = null;
    done.hidden = true;
    errorsBox.hidden = true;
    showError(videoError, '');
    analyse.disabled = true;
    cancel.hidden = false;
    progressWrap.hidden = false;
    preview.hidden = false;
    setState('analysing');
    status.textContent = 'Loading the pose model…';
    const started = performance.now();
    try {
      if (!pose) {
        pose = new window.Pose({ locateFile: (file) => base + file });
      }
      pose.setOptions({ modelComplexity: model(), smoothLandmarks: false, enableSegmentation: false,
        minDetectionConfidence: 0.5, minTrackingConfidence: 0.5 });
      let latest = null;
      pose.onResults((r) => { latest = r.poseLandmarks || null; });
      await pose.initialize();
      const stepped = 'requestVideoFrameCallback' in HTMLVideoElement.prototype;
      const next = stepped ? nextFrame : seekFrame;
      seekIndex = 0;
      player.pause();
      player.currentTime = 0;
      preview.height = Math.round(preview.width * player.videoHeight / player.videoWidth);
      const frames = [];
      let withPose = 0;
      let minGap = 1 / 30;
      let previous = null;
      const modelStarted = performance.now();
      for (;;) {
        if (cancelled || frames.length >= maxFrames) break;
        const at = await next();
        if (at === null) break;
        if (previous !== null && at <= previous) continue;
        if (previous !== null) minGap = Math.min(minGap, at - previous);
        previous = at;
        latest = null;
        await pose.send({ image: frame });
        const t = round(at, 4);
        if (latest) {
          withPose++;
          frames.push({ t, landmarks: latest.map((p) => [round(p.x, 4), round(p.y, 4), round(p.visibility, 3)]) });
        } else {
          frames.push({ t, landmarks: [] });
        }
        const total = Math.max(frames.length, Math.round(player.duration / minGap));
        if (frames.length % 3 === 1) draw(latest);
        progress.value = Math.min(100, Math.round(100 * frames.length / total));
        status.textContent = 'Frame ' + frames.length + ' of about ' + total + '…';
      }
      if (cancelled) {
        status.textContent = 'Cancelled. Nothing was saved.';
        setState('ready');
        return;
      }
      const seconds = (performance.now() - started) / 1000;
      const perSecond = frames.length / ((performance.now() - modelStarted) / 1000);
      series = { view: view(), width: player.videoWidth, height: player.videoHeight, frames };
      window.formVideoTiming = { seconds, framesPerSecond: perSecond, frames: frames.length, withPose, fps: 1 / minGap, model: model() };
      status.textContent = 'Done in ' + Math.round(seconds) + ' s.';
      found.textContent = 'The runner was found in ' + withPose + ' of ' + frames.length + ' frames. Nothing has been sent yet.';
      done.hidden = false;
      setState('done');
      save.focus();
    } catch (e) {
      status.textContent = '';
      showError(videoError, 'The pose model could not run on this video here: ' + (e && e.message ? e.message : e));
      setState('error');
    } finally {
      cancel.hidden = true;
      analyse.disabled = !player.src;
    }
  }

  analyse.addEventListener('click', run);
  cancel.addEventListener('click', () => { cancelled = true; });

  function fieldFor(name) {
    if (name === 'view') return viewError;
    if (name === 'series' || name.startsWith('frames') || name === 'width' || name === 'height') return videoError;
    return null;
  }

  save.addEventListener('click', async () => {
    if (!series) return;
    series.view = view();
    save.disabled = true;
    setState('saving');
    errorsBox.hidden = true;
    showError(videoError, '');
    showError(viewError, '');
    try {
      const res = await fetch(form.dataset.save, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'X-CSRF-Token': form.dataset.csrf },
        body: JSON.stringify(series),
      });
      if (res.ok) {
        const body = await res.json();
        setState('saved');
        window.location.assign(body.url);
        return;
      }
      let errors = [{ field: 'series', message: res.status === 413 ? 'This video is too long to save: trim it to the strides you want measured.' : 'Saving did not work (' + res.status + '). Try again.' }];
      if (res.status === 422) {
        try { errors = (await res.json()).errors || errors; } catch (e) { /* keep the message above */ }
      }
      const list = errorsBox.querySelector('ul');
      list.textContent = '';
      for (const err of errors) {
        const li = document.createElement('li');
        li.textContent = err.message;
        list.appendChild(li);
        const el = fieldFor(err.field || '');
        if (el && el.hidden) showError(el, err.message);
      }
      errorsBox.hidden = false;
      errorsBox.focus();
      setState('error');
    } catch (e) {
      showError(videoError, 'Saving did not work: the connection failed. Your analysis is still here; try again.');
      setState('error');
    } finally {
      save.disabled = false;
    }
  });

  if (!supported()) {
    $('unsupported').hidden = false;
    input.disabled = true;
  }
})();
