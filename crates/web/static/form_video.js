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

  // The video's frame rate, from the times of the frames shown while it plays for a moment
  // (30 when the browser cannot say).
  async function frameRate() {
    if (!('requestVideoFrameCallback' in HTMLVideoElement.prototype)) return 30;
    const times = [];
    const watch = new Promise((resolve) => {
      const step = (_, meta) => {
        times.push(meta.mediaTime);
        if (times.length < 12) player.requestVideoFrameCallback(step); else resolve();
      };
      player.requestVideoFrameCallback(step);
      setTimeout(resolve, 2500);
    });
    player.currentTime = 0;
    try { await player.play(); } catch (e) { return 30; }
    await watch;
    player.pause();
    const gaps = [];
    for (let i = 1; i < times.length; i++) if (times[i] > times[i - 1]) gaps.push(times[i] - times[i - 1]);
    if (!gaps.length) return 30;
    const gap = Math.min.apply(null, gaps);
    const fps = Math.round(1 / gap);
    return fps >= 10 && fps <= 240 ? fps : 30;
  }

  function seek(t) {
    return new Promise((resolve) => {
      player.addEventListener('seeked', resolve, { once: true });
      player.currentTime = t;
    });
  }

  const BONES = [[11, 12], [11, 23], [12, 24], [23, 24], [11, 13], [13, 15], [12, 14], [14, 16],
    [23, 25], [25, 27], [27, 29], [29, 31], [27, 31], [24, 26], [26, 28], [28, 30], [30, 32], [28, 32], [7, 11], [8, 12]];

  function draw(landmarks) {
    const ctx = preview.getContext('2d');
    const w = preview.width, h = preview.height;
    ctx.drawImage(player, 0, 0, w, h);
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
      const fps = await frameRate();
      const total = Math.min(Math.floor(player.duration * fps), maxFrames);
      preview.height = Math.round(preview.width * player.videoHeight / player.videoWidth);
      const frames = [];
      let withPose = 0;
      const modelStarted = performance.now();
      for (let i = 0; i < total; i++) {
        if (cancelled) break;
        await seek((i + 0.5) / fps);
        latest = null;
        await pose.send({ image: player });
        const t = round(i / fps, 4);
        if (latest) {
          withPose++;
          frames.push({ t, landmarks: latest.map((p) => [round(p.x, 4), round(p.y, 4), round(p.visibility, 3)]) });
        } else {
          frames.push({ t, landmarks: [] });
        }
        if (i % 3 === 0 || i === total - 1) {
          draw(latest);
          progress.value = Math.round(100 * (i + 1) / total);
          status.textContent = 'Frame ' + (i + 1) + ' of ' + total + '…';
        }
      }
      if (cancelled) {
        status.textContent = 'Cancelled. Nothing was saved.';
        setState('ready');
        return;
      }
      const seconds = (performance.now() - started) / 1000;
      const perSecond = frames.length / ((performance.now() - modelStarted) / 1000);
      series = { view: view(), width: player.videoWidth, height: player.videoHeight, frames };
      window.formVideoTiming = { seconds, framesPerSecond: perSecond, frames: frames.length, withPose, fps, model: model() };
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
