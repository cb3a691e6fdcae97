// Running form from a video: reads the chosen video frame by frame on this phone, runs the
// vendored MediaPipe pose model (the Tasks PoseLandmarker, on the CPU in WebAssembly) on each
// frame, and posts only the landmark series (time, and
// x, y and visibility of the 33 landmarks per frame) when the person saves. The video is never
// uploaded. The person chooses who to follow by tapping them on a frame (other people in the
// picture are left out): the model then runs on a crop around that person that follows them from
// frame to frame, and the landmarks are mapped back to the whole picture. After the save, stills
// of the moments the server chose are taken from the video with the joints drawn over and kept
// in this browser only, for the results page. The form's data-state says where it is: idle,
// ready, analysing, done, saving, saved, error.
(function () {
  'use strict';
  // The stills this phone took from the video, on the results page (kept in this browser only).
  const STILLS_KEPT = 12;
  const STILLS_INDEX = 'backstride-form-stills';
  const kept = document.getElementById('kept-stills');
  if (kept) {
    let stills = [];
    try { stills = JSON.parse(window.localStorage.getItem(kept.dataset.key) || '[]'); } catch (e) { stills = []; }
    const box = kept.querySelector('.pose-figures');
    for (const still of stills) {
      const figure = document.createElement('figure');
      figure.className = 'card';
      const img = document.createElement('img');
      img.src = still.src;
      img.alt = still.title + ': a frame of your video with the joints found drawn over it';
      img.className = 'kept-still';
      const caption = document.createElement('figcaption');
      caption.textContent = still.title + ', ' + still.t.toFixed(2) + ' s into the video.';
      figure.append(img, caption);
      box.appendChild(figure);
    }
    kept.hidden = stills.length === 0;
  }
  const form = document.getElementById('form-video');
  if (!form) return;
  const $ = (id) => document.getElementById(id);
  const input = $('video'), player = $('player'), analyse = $('analyse'), cancel = $('cancel');
  const progress = $('progress'), progressWrap = $('progress-wrap'), status = $('status');
  const preview = $('preview'), done = $('done'), found = $('found'), save = $('save');
  const errorsBox = $('errors'), videoError = $('video-error'), viewError = $('view-error');
  const who = $('who'), start = $('start'), startShown = $('start-shown'), picker = $('picker');
  const picked = $('picked');
  const base = form.dataset.poseBase;
  const maxFrames = Number(form.dataset.maxFrames);
  const minSeconds = Number(form.dataset.minSeconds);
  let series = null;
  let chosen = null;
  let cancelled = false;
  let url = null;

  function setState(s) { form.dataset.state = s; }
  setState('idle');

  // The smallest WebAssembly module that uses a SIMD instruction: the runtime needs SIMD.
  const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
  function supported() {
    const canvas = document.createElement('canvas');
    // The model runs on the CPU; WebGL only hands each picture to it.
    const gl = !!(canvas.getContext('webgl2') || canvas.getContext('webgl'));
    let simd = false;
    try { simd = typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE); } catch (e) { simd = false; }
    return simd && gl && !!(window.Vision && window.Vision.PoseLandmarker);
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
  // The chosen model starts loading as soon as a video is chosen, while the person picks who to
  // measure: the analysis then starts at once. A failure shows when the analysis starts.
  function preload() {
    if (chosen && runs) landmarker(model()).catch(() => {});
  }
  form.querySelectorAll('input[name=model]').forEach((radio) => radio.addEventListener('change', preload));

  input.addEventListener('change', () => {
    series = null;
    done.hidden = true;
    showError(videoError, '');
    const file = input.files && input.files[0];
    chosen = file || null;
    who.hidden = true;
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
      showPicker();
      preload();
    }, { once: true });
    player.addEventListener('error', () => {
      showError(videoError, 'This browser cannot read that file as a video. Choose a video (MP4 or MOV).');
      analyse.disabled = true;
      setState('idle');
    }, { once: true });
  });

  // --- Who to follow: a frame of the video where the runner can be tapped. ---------------------
  // `tap` is where the runner was tapped (fractions of the picture), or null: then the largest,
  // most central person found in the picture is followed (see mainPerson).
  let tap = null;
  function drawPicker() {
    if (!player.videoWidth) return;
    picker.height = Math.round(picker.width * player.videoHeight / player.videoWidth);
    const ctx = picker.getContext('2d');
    ctx.drawImage(player, 0, 0, picker.width, picker.height);
    if (!tap) return;
    const x = tap.x * picker.width, y = tap.y * picker.height;
    ctx.lineWidth = 4;
    ctx.strokeStyle = '#ffd400';
    ctx.beginPath();
    ctx.arc(x, y, 18, 0, 2 * Math.PI);
    ctx.moveTo(x - 28, y); ctx.lineTo(x + 28, y);
    ctx.moveTo(x, y - 28); ctx.lineTo(x, y + 28);
    ctx.stroke();
  }
  function markPick() {
    drawPicker();
    form.dataset.picked = tap ? 'tap' : 'largest-central';
    picked.textContent = tap
      ? 'The person you tapped will be measured, from ' + Number(start.value).toFixed(1) + ' s on.'
      : 'No one tapped: the largest person nearest the middle of the picture will be measured.';
  }
  function showPicker() {
    tap = null;
    start.max = Math.max(0, player.duration - minSeconds).toFixed(1);
    start.value = '0';
    startShown.textContent = '0.0 s';
    who.hidden = false;
    player.currentTime = 0;
    markPick();
  }
  // The picture follows the video to the chosen start; only while nothing is being analysed.
  player.addEventListener('seeked', () => { if (form.dataset.state === 'ready') drawPicker(); });
  player.addEventListener('loadeddata', () => { if (form.dataset.state === 'ready') drawPicker(); });
  start.addEventListener('input', () => {
    startShown.textContent = Number(start.value).toFixed(1) + ' s';
    tap = null;
    markPick();
    player.currentTime = Number(start.value);
  });
  picker.addEventListener('click', (e) => {
    const r = picker.getBoundingClientRect();
    tap = { x: (e.clientX - r.left) / r.width, y: (e.clientY - r.top) / r.height };
    markPick();
  });
  // Without a pointer: the arrow keys move the mark, Escape takes it away.
  picker.addEventListener('keydown', (e) => {
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (e.key === 'Escape') { tap = null; markPick(); e.preventDefault(); return; }
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    const at = tap || { x: 0.5, y: 0.5 };
    const clamp = (v) => Math.min(1, Math.max(0, v));
    tap = { x: clamp(at.x + m[0] * 0.025), y: clamp(at.y + m[1] * 0.025) };
    markPick();
  });

  // The frames are read in one of two ways, each giving the frames in order as { t, picture }
  // (`t` in seconds into the video; `picture` what to draw, the video element or a decoded
  // frame) and null after the last:
  // - decoded here (`decodedFrames`): the file's frames are taken out of its MP4/MOV container
  //   by the vendored mp4box.js and decoded by the browser's own decoder (WebCodecs), which works
  //   on its own thread: the next frames are ready while the model reads this one, and none is
  //   skipped or read twice;
  // - played (`playedFrames`), where the browser cannot decode the file that way: the video
  //   plays until its next frame is shown and stops (seeking a paused video does not reliably
  //   show the new frame in every browser; playing does), at most one frame each 1/30 s.
  // The model reads crops drawn straight from the picture; `frame` is the picture at most 1280 px
  // wide, whose pixels boxes are measured in, copied only when the model reads the whole of it
  // (a copy a frame cost a tenth of the time here).
  const frame = document.createElement('canvas');
  // The picture being analysed: the video element, or a frame decoded here.
  let shown = player;
  function sizeFrame() {
    const scale = Math.min(1, 1280 / player.videoWidth);
    const w = Math.round(player.videoWidth * scale), h = Math.round(player.videoHeight * scale);
    if (frame.width !== w) frame.width = w;
    if (frame.height !== h) frame.height = h;
  }
  function copyFrame() {
    sizeFrame();
    frame.getContext('2d').drawImage(shown, 0, 0, frame.width, frame.height);
  }
  /** Draws the part (sx, sy, sw, sh) of `shown`, in its own pixels, over the whole of `canvas`.
   *  From a decoded frame, a frame of that part alone is drawn (its edges on even pixels, as the
   *  colour planes are halved): drawing from the whole frame converted all of its pixels to
   *  colour each time, eight times as long (bench/RESULTS.md, h16c). */
  function drawPart(canvas, sx, sy, sw, sh) {
    const ctx = canvas.getContext('2d');
    const whole = shown === player ? null : shown.visibleRect;
    if (!whole || whole.width !== shown.displayWidth || whole.height !== shown.displayHeight) {
      ctx.drawImage(shown, sx, sy, sw, sh, 0, 0, canvas.width, canvas.height);
      return;
    }
    const x = 2 * Math.floor(sx / 2), y = 2 * Math.floor(sy / 2);
    const w = Math.min(whole.width - x, 2 * Math.ceil((sx + sw - x) / 2));
    const h = Math.min(whole.height - y, 2 * Math.ceil((sy + sh - y) / 2));
    const part = new VideoFrame(shown, { visibleRect: { x: whole.x + x, y: whole.y + y, width: w, height: h } });
    try {
      ctx.drawImage(part, sx - x, sy - y, sw, sh, 0, 0, canvas.width, canvas.height);
    } finally {
      part.close();
    }
  }
  /** The width of `shown` in its own pixels. */
  function shownWidth() {
    return shown === player ? player.videoWidth : shown.displayWidth;
  }
  function playedFrames(startAt) {
    player.pause();
    player.currentTime = startAt;
    const stepped = 'requestVideoFrameCallback' in HTMLVideoElement.prototype;
    // Browsers without frame callbacks: seek to each frame at 30 per second.
    let seekIndex = Math.round(startAt * 30);
    function seekFrame() {
      const t = seekIndex++ / 30;
      if (t >= player.duration) return Promise.resolve(null);
      return new Promise((resolve) => {
        player.addEventListener('seeked', () => resolve({ t, picture: player }), { once: true });
        player.currentTime = t + 0.5 / 30;
      });
    }
    function nextFrame() {
      return new Promise((resolve, reject) => {
        const ended = () => resolve(null);
        player.addEventListener('ended', ended, { once: true });
        player.requestVideoFrameCallback((now, meta) => {
          player.pause();
          player.removeEventListener('ended', ended);
          resolve({ t: meta.mediaTime, picture: player });
        });
        player.play().catch(reject);
      });
    }
    return { how: 'played', next: stepped ? nextFrame : seekFrame, done: () => {}, close: () => player.pause() };
  }

  // Decoding here: at most this many frames decoded ahead, and files up to this size (the whole
  // file is read into memory; a longer film is read by playing it).
  const DECODED_AHEAD = 6;
  const DECODED_MAX_BYTES = 256 * 1024 * 1024;
  const IDENTITY = [65536, 0, 0, 0, 65536, 0, 0, 0, 1073741824];
  /** The frames of `file` from `startAt` s on, decoded here; or null when this browser cannot
   *  (no WebCodecs, not an MP4/MOV it can decode, a turned picture the video element turns). */
  async function decodedFrames(file, startAt) {
    if (!file || file.size > DECODED_MAX_BYTES || !window.VideoDecoder || !window.EncodedVideoChunk
      || !window.MP4Box || !window.DataStream) return null;
    const mp4 = window.MP4Box.createFile();
    let info = null, samples = [];
    mp4.onError = () => { info = null; };
    mp4.onReady = (i) => {
      info = i;
      const track = i.videoTracks && i.videoTracks[0];
      if (!track) return;
      mp4.setExtractionOptions(track.id, null, { nbSamples: 1000 });
      mp4.start();
    };
    mp4.onSamples = (id, user, found) => { for (const s of found) samples.push(s); };
    try {
      const buffer = await file.arrayBuffer();
      buffer.fileStart = 0;
      mp4.appendBuffer(buffer);
      mp4.flush();
    } catch (e) {
      return null;
    }
    const track = info && info.videoTracks && info.videoTracks[0];
    if (!track || !samples.length) return null;
    if (track.matrix && !Array.from(track.matrix).every((v, i) => v === IDENTITY[i])) return null;
    const trak = mp4.getTrackById(track.id);
    const config = { codec: track.codec, codedWidth: track.video.width, codedHeight: track.video.height };
    for (const entry of trak.mdia.minf.stbl.stsd.entries) {
      const box = entry.avcC || entry.hvcC;
      if (box) {
        const stream = new window.DataStream(undefined, 0, window.DataStream.BIG_ENDIAN);
        box.write(stream);
        config.description = new Uint8Array(stream.buffer, 8);
      }
    }
    try {
      if (!(await window.VideoDecoder.isConfigSupported(config)).supported) return null;
    } catch (e) {
      return null;
    }
    // Times as the video element gives them: a first edit that starts the film later in the
    // track (or after an empty stretch) moves every frame's time.
    let shift = 0;
    const edits = trak.edts && trak.edts.elst ? trak.edts.elst.entries : [];
    for (const edit of edits) {
      if (edit.media_time === -1) { shift += edit.segment_duration / info.timescale; continue; }
      shift -= edit.media_time / track.timescale;
      break;
    }
    samples.sort((a, b) => a.dts - b.dts);
    const timeOf = (s) => s.cts / s.timescale + shift;
    // Decoding starts at the last key frame at or before the start; frames before it are dropped.
    let next = 0;
    samples.forEach((s, i) => { if (s.is_sync && timeOf(s) <= startAt + 1e-3) next = i; });
    if (!samples[next].is_sync) return null;
    const from = startAt - 0.25 * (samples[0].duration / samples[0].timescale);
    const ready = [];
    let failed = null, ended = false, wake = null;
    const woken = () => { if (wake) { const w = wake; wake = null; w(); } };
    const decoder = new window.VideoDecoder({
      output: (picture) => {
        if (picture.timestamp / 1e6 < from) picture.close(); else ready.push(picture);
        feed();
        woken();
      },
      error: (e) => { failed = e; woken(); },
    });
    decoder.configure(config);
    let flushing = false;
    // Chunks waiting in the decoder: a few where it says when it takes one (its 'dequeue'
    // event, Chrome 106 on); where it does not, enough for a stream whose frames come out in
    // another order than they go in (B-frames), fed again at each frame that comes out.
    const queued = 'ondequeue' in window.VideoDecoder.prototype ? 2 : 16;
    function feed() {
      if (decoder.state !== 'configured') return;
      while (next < samples.length && decoder.decodeQueueSize < queued && ready.length < DECODED_AHEAD) {
        const s = samples[next++];
        decoder.decode(new window.EncodedVideoChunk({
          type: s.is_sync ? 'key' : 'delta', timestamp: Math.round(1e6 * timeOf(s)),
          duration: Math.round(1e6 * s.duration / s.timescale), data: s.data,
        }));
        s.data = null;
      }
      if (next >= samples.length && !flushing) {
        flushing = true;
        decoder.flush().then(() => { ended = true; woken(); }, (e) => { failed = failed || e; woken(); });
      }
    }
    decoder.addEventListener('dequeue', feed);
    feed();
    return {
      how: 'decoded',
      async next() {
        for (;;) {
          if (failed) throw failed;
          if (ready.length) {
            const picture = ready.shift();
            feed();
            return { t: picture.timestamp / 1e6, picture };
          }
          if (ended) return null;
          await new Promise((resolve) => { wake = resolve; });
        }
      },
      done(item) { item.picture.close(); },
      close() {
        for (const picture of ready.splice(0)) picture.close();
        if (decoder.state !== 'closed') decoder.close();
        samples = [];
      },
    };
  }

  const BONES = [[11, 12], [11, 23], [12, 24], [23, 24], [11, 13], [13, 15], [12, 14], [14, 16],
    [23, 25], [25, 27], [27, 29], [29, 31], [27, 31], [24, 26], [26, 28], [28, 30], [30, 32], [28, 32], [7, 11], [8, 12]];

  // The frame being analysed with the joints found and, dashed, the part of it the model read.
  function draw(landmarks, box) { drawOn(preview, landmarks, box, shown); }
  /** Draws `source` (when given) on `canvas`, the part the model read (`box`, dashed) and the
   *  joints found (`landmarks`, fractions of the picture). */
  function drawOn(canvas, landmarks, box, source) {
    const ctx = canvas.getContext('2d');
    const w = canvas.width, h = canvas.height;
    if (source) ctx.drawImage(source, 0, 0, w, h);
    if (box) {
      const k = w / frame.width;
      ctx.setLineDash([8, 6]);
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#ffffff';
      ctx.strokeRect(box.x0 * k, box.y0 * k, (box.x1 - box.x0) * k, (box.y1 - box.y0) * k);
      ctx.setLineDash([]);
    }
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

  // --- Following one person: the model reads a crop (region of interest) around them. ----------
  // Boxes are in pixels of the frame copy: { x0, y0, x1, y1 }; a region is { cx, cy, w, h }.
  let pose = null;
  const crop = document.createElement('canvas');
  /** Whole-picture landmarks (fractions) of the person in `box`, or null; whole frame if no box. */
  async function poseIn(box) {
    if (!box) {
      copyFrame();
      return findPose(frame);
    }
    const sw = box.x1 - box.x0, sh = box.y1 - box.y0;
    const k = Math.min(1, 512 / Math.max(sw, sh));
    crop.width = Math.max(1, Math.round(sw * k));
    crop.height = Math.max(1, Math.round(sh * k));
    // Frame pixels to the video's own.
    const v = shownWidth() / frame.width;
    drawPart(crop, box.x0 * v, box.y0 * v, sw * v, sh * v);
    const latest = findPose(crop);
    if (!latest) return null;
    return latest.map((p) => ({ x: (box.x0 + p.x * sw) / frame.width, y: (box.y0 + p.y * sh) / frame.height, visibility: p.visibility }));
  }
  function boxOf(region) {
    const W = frame.width, H = frame.height;
    const box = {
      x0: Math.max(0, region.cx - region.w / 2), x1: Math.min(W, region.cx + region.w / 2),
      y0: Math.max(0, region.cy - region.h / 2), y1: Math.min(H, region.cy + region.h / 2),
    };
    return box.x1 - box.x0 >= 16 && box.y1 - box.y0 >= 16 ? box : null;
  }
  /** The region around a found person for the next frame: their outline with a margin, never
   *  narrower than 0.8 of their height (a stride's legs need room), in frame pixels. */
  function regionAround(landmarks) {
    const xs = landmarks.map((p) => p.x * frame.width), ys = landmarks.map((p) => p.y * frame.height);
    const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
    const h = Math.max(y1 - y0, 16);
    return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, w: Math.max((x1 - x0) * 1.3, h * 0.8), h: h * 1.3 };
  }
  function contains(landmarks, point) {
    const r = regionAround(landmarks);
    const x = point.x * frame.width, y = point.y * frame.height;
    return Math.abs(x - r.cx) <= r.w / 2 && Math.abs(y - r.cy) <= r.h / 2;
  }
  /** The people the model finds in the frame now in `frame`, each as { landmarks, box }: the
   *  model reports one person per picture, so it reads the whole picture and then overlapping
   *  square windows across it (left, middle and right of a landscape picture; top, middle and
   *  bottom of a portrait one); a person found again (hips within a fifth of their height of one
   *  already found) counts once. */
  async function peopleIn() {
    const W = frame.width, H = frame.height, side = Math.min(W, H);
    const boxes = [null];
    for (const at of [0, 0.5, 1]) {
      const x0 = W > H ? at * (W - side) : 0, y0 = W > H ? 0 : at * (H - side);
      boxes.push({ x0, y0, x1: x0 + side, y1: y0 + side });
    }
    const people = [];
    for (const box of boxes) {
      const landmarks = await poseIn(box);
      if (!landmarks) continue;
      const hips = (l) => ({ x: (l[23].x + l[24].x) / 2 * W, y: (l[23].y + l[24].y) / 2 * H });
      const a = hips(landmarks), height = personHeight(landmarks) * H;
      const again = people.some((p) => { const b = hips(p.landmarks); return Math.hypot(a.x - b.x, a.y - b.y) < height / 5; });
      if (!again) people.push({ landmarks, box });
    }
    return people;
  }
  /** A person's height as a share of the picture's: nose to the lower heel. */
  function personHeight(landmarks) {
    return Math.max(landmarks[29].y, landmarks[30].y) - landmarks[0].y;
  }
  /** Of `people` (each with `landmarks` in fractions of the picture), the one to measure when no
   *  one was tapped: the largest and most central (our choice: height as a share of the picture's,
   *  less half the distance of the hips from the picture's middle as a share of its half-width),
   *  or null when there is no one. */
  function mainPerson(people) {
    let best = null, bestScore = -Infinity;
    for (const p of people) {
      const l = p.landmarks;
      const off = Math.abs((l[23].x + l[24].x) / 2 - 0.5) / 0.5;
      const score = personHeight(l) - 0.5 * off * personHeight(l);
      if (score > bestScore) { best = p; bestScore = score; }
    }
    return best;
  }
  window.formVideoMainPerson = mainPerson;
  /** Follows one person from frame to frame: `step()` answers { landmarks, box } for the frame
   *  now in `frame`. Starts at the tap (or the whole picture), then moves its region with the
   *  person (ahead by their last movement); when the person is lost the region widens a little. */
  function follower(tapAt) {
    let region = null, vx = 0, vy = 0, lost = 0, searches = 0;
    async function acquire() {
      if (!tapAt) {
        // No tap: the largest, most central of the people found in the picture. While no one
        // is found, the windows are searched every 15th frame only (the whole picture on the
        // others), so a clip with no one in it costs one model run a frame.
        const whole = searches++ % 15 === 0 ? await peopleIn() : [{ landmarks: await poseIn(null), box: null }];
        const chosen = mainPerson(whole.filter((p) => p.landmarks));
        return chosen || { landmarks: null, box: null };
      }
      // Square crops around the tap, small to large, until the person found is the one tapped.
      for (const share of [0.5, 0.75, 1]) {
        const side = share * frame.height;
        const box = boxOf({ cx: tapAt.x * frame.width, cy: tapAt.y * frame.height, w: side, h: side });
        if (!box) continue;
        const landmarks = await poseIn(box);
        if (landmarks && contains(landmarks, tapAt)) return { landmarks, box };
      }
      return { landmarks: null, box: null };
    }
    return async function step() {
      let found;
      if (!region) {
        found = await acquire();
      } else {
        const grow = Math.min(1.6, Math.pow(1.15, lost));
        const box = boxOf({ cx: region.cx + vx, cy: region.cy + vy, w: region.w * grow, h: region.h * grow });
        found = { landmarks: box ? await poseIn(box) : null, box };
      }
      if (found.landmarks && !region) {
        // Who is followed, for the person (and the tests): the middle of their hips.
        const l = found.landmarks;
        form.dataset.following = [(l[23].x + l[24].x) / 2, (l[23].y + l[24].y) / 2].map((v) => v.toFixed(3)).join(',');
      }
      if (found.landmarks) {
        const next = regionAround(found.landmarks);
        if (region) {
          vx = 0.5 * vx + 0.5 * (next.cx - region.cx);
          vy = 0.5 * vy + 0.5 * (next.cy - region.cy);
        }
        region = next;
        lost = 0;
      } else if (region) {
        region = { ...region, cx: region.cx + vx, cy: region.cy + vy };
        vx *= 0.8;
        vy *= 0.8;
        lost++;
      }
      return found;
    };
  }

  const round = (v, places) => {
    if (!Number.isFinite(v)) return null;
    const f = Math.pow(10, places);
    return Math.round(v * f) / f;
  };

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
    let reader = null;
    try {
      stopLive();
      const startAt = Number(start.value) || 0;
      player.pause();
      // The file is read and its first frames decoded while the model loads.
      const decoding = decodedFrames(chosen, startAt).catch(() => null);
      await poseReady(model());
      reader = await decoding;
      // The first frame tells whether decoding here works on this file (and gives the picture
      // the video element shows); if not, the video is played instead.
      let first = null;
      if (reader) {
        try {
          first = await reader.next();
          const sameShape = first && Math.abs(first.picture.displayWidth / first.picture.displayHeight
            - player.videoWidth / player.videoHeight) < 0.01;
          if (!sameShape) {
            if (first) reader.done(first);
            first = null;
          }
        } catch (e) {
          first = null;
        }
        if (!first) {
          reader.close();
          reader = null;
        }
      }
      if (!reader) reader = playedFrames(startAt);
      // How the frames are read, for the tests: decoded or played.
      form.dataset.frames = reader.how;
      delete form.dataset.following;
      const step = follower(tap);
      preview.height = Math.round(preview.width * player.videoHeight / player.videoWidth);
      sizeFrame();
      const frames = [];
      let withPose = 0;
      let minGap = 1 / 30;
      let previous = null;
      // Where the time goes: waiting for frames from the video, and the pose model on them.
      let reading = 0, modelling = 0;
      let shownAt = -Infinity;
      const total = () => Math.max(frames.length + 1, Math.round((player.duration - startAt) / minGap));
      const modelStarted = performance.now();
      for (;;) {
        if (cancelled || frames.length >= maxFrames) break;
        const readStarted = performance.now();
        const item = first || await reader.next();
        first = null;
        reading += performance.now() - readStarted;
        if (item === null) break;
        const at = item.t;
        if (previous !== null && at <= previous) { reader.done(item); continue; }
        if (previous !== null) minGap = Math.min(minGap, at - previous);
        previous = at;
        shown = item.picture;
        const stepStarted = performance.now();
        let result;
        try {
          result = await step();
          modelling += performance.now() - stepStarted;
          // What is being analysed, shown at most five times a second: drawing each frame
          // took the model's time.
          if (performance.now() - shownAt >= 200) {
            shownAt = performance.now();
            draw(result.landmarks, result.box);
            progress.value = Math.min(100, Math.round(100 * (frames.length + 1) / total()));
            status.textContent = 'Frame ' + (frames.length + 1) + ' of about ' + total() + '…';
          }
        } finally {
          shown = player;
          reader.done(item);
        }
        const { landmarks } = result;
        const t = round(at, 4);
        if (landmarks) {
          withPose++;
          frames.push({ t, landmarks: landmarks.map((p) => [round(p.x, 4), round(p.y, 4), round(p.visibility, 3)]) });
        } else {
          frames.push({ t, landmarks: [] });
        }
      }
      if (first) reader.done(first);
      if (cancelled) {
        status.textContent = 'Cancelled. Nothing was saved.';
        setState('ready');
        return;
      }
      const seconds = (performance.now() - started) / 1000;
      const perSecond = frames.length / ((performance.now() - modelStarted) / 1000);
      series = { view: view(), width: player.videoWidth, height: player.videoHeight, frames };
      window.formVideoTiming = { seconds, framesPerSecond: perSecond, frames: frames.length, withPose, fps: 1 / minGap, model: model(), start: startAt, tapped: !!tap, readingSeconds: reading / 1000, modelSeconds: modelling / 1000, frameSource: reader.how };
      progress.value = 100;
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
      if (reader) reader.close();
      cancel.hidden = true;
      analyse.disabled = !player.src;
    }
  }

  // The stills: the video's frame at each moment the server chose, with the landmarks of the
  // frame nearest it drawn over, as JPEG pictures kept in this browser (never sent); the newest
  // STILLS_KEPT analyses' stills are kept.
  const TITLES = { initial_contact: 'As the foot lands', mid_stance: 'Mid-stance' };
  function seekTo(t) {
    return new Promise((resolve) => {
      player.addEventListener('seeked', resolve, { once: true });
      player.currentTime = t;
    });
  }
  async function keepStills(id, moments) {
    if (!series || !moments.length || !window.localStorage) return;
    player.pause();
    const taken = [];
    const canvas = document.createElement('canvas');
    for (const m of moments) {
      const near = series.frames.reduce((best, f) => (Math.abs(f.t - m.t) < Math.abs(best.t - m.t) ? f : best));
      await seekTo(near.t + 0.001);
      copyFrame();
      canvas.width = Math.min(640, frame.width);
      canvas.height = Math.round(canvas.width * frame.height / frame.width);
      const marks = near.landmarks.length ? near.landmarks.map(([x, y]) => ({ x, y })) : null;
      drawOn(canvas, marks, null, frame);
      taken.push({ title: TITLES[m.moment] || m.moment, t: m.t, src: canvas.toDataURL('image/jpeg', 0.8) });
    }
    const key = 'backstride-form-stills-' + id;
    let index = [];
    try { index = JSON.parse(localStorage.getItem(STILLS_INDEX) || '[]'); } catch (e) { index = []; }
    index = index.filter((k) => k !== key).concat([key]);
    while (index.length > STILLS_KEPT) localStorage.removeItem(index.shift());
    try {
      localStorage.setItem(key, JSON.stringify(taken));
      localStorage.setItem(STILLS_INDEX, JSON.stringify(index));
    } catch (e) { /* the phone's storage is full: no stills this time */ }
  }

  // --- The live check before recording: the camera with the pose model on its frames. -----------
  const liveBox = $('live-check'), live = $('live'), liveView = $('live-view');
  const liveStart = $('live-start'), liveStop = $('live-stop'), liveStatus = $('live-status');
  let liveStream = null;
  /** Whether a person's landmarks (fractions of the picture) show the whole body, as
   *  { state, message }: state is none, ok, closer or step-back. The person must be at least a
   *  quarter of the picture's height, as the save requires. */
  function framing(landmarks) {
    if (!landmarks) {
      return { state: 'none', message: 'No one found in the picture yet: stand where you will run, side on to the phone.' };
    }
    const inside = (i) => landmarks[i].x >= 0.01 && landmarks[i].x <= 0.99 && landmarks[i].y >= 0.01 && landmarks[i].y <= 0.99;
    const headIn = inside(0) && landmarks[0].visibility >= 0.5;
    // Both feet inside the picture, and one of them seen well: its ankle and its heel. (With one
    // point seen, a person cut at the knees passed: the model draws the feet it cannot see just
    // inside the picture, at a visibility near 0.5.)
    const feet = [27, 28, 29, 30];
    const seen = (i) => landmarks[i].visibility >= 0.5;
    const feetIn = feet.every(inside) && ((seen(27) && seen(29)) || (seen(28) && seen(30)));
    if (!headIn && !feetIn) return { state: 'step-back', message: 'Step back: your head and feet are out of the picture.' };
    if (!headIn) return { state: 'step-back', message: 'Step back or tilt the phone down: your head is out of the picture.' };
    if (!feetIn) return { state: 'step-back', message: 'Step back or tilt the phone up: your feet are out of the picture.' };
    const ys = [0, 29, 30].map((i) => landmarks[i].y);
    if (Math.max(...ys) - Math.min(...ys) < 0.25) {
      return { state: 'closer', message: 'Come closer: you are small in the picture (fill at least a quarter of its height).' };
    }
    return { state: 'ok', message: 'Whole body in the picture: you can record.' };
  }
  window.formVideoFraming = framing;
  function showFraming(result) {
    liveBox.dataset.framing = result.state;
    if (liveStatus.textContent !== result.message) liveStatus.textContent = result.message;
  }
  // The pose model: MediaPipe's PoseLandmarker on the CPU (XNNPACK in WebAssembly SIMD; in WebGL
  // it is drawn in software on a phone or computer without a GPU driver, many times slower). One
  // picture at a time ("IMAGE"): each frame's landmarks are as found, with no smoothing from one
  // frame to the next (the "VIDEO" mode smooths them, and the crop moves from frame to frame),
  // and the person is found afresh in each crop. One landmarker per model, made when first needed.
  const landmarkers = {};
  /** The landmarker of the lite (0) or full (1) model, made when first asked for. */
  function landmarker(complexity) {
    const name = complexity === 1 ? 'full' : 'lite';
    if (!landmarkers[name]) {
      landmarkers[name] = window.Vision.PoseLandmarker.createFromOptions(
        { wasmLoaderPath: base + 'vision_wasm_internal.js', wasmBinaryPath: base + 'vision_wasm_internal.wasm' },
        { baseOptions: { modelAssetPath: base + 'pose_landmarker_' + name + '.task', delegate: 'CPU' },
          runningMode: 'IMAGE', numPoses: 1, outputSegmentationMasks: false,
          minPoseDetectionConfidence: 0.5, minPosePresenceConfidence: 0.5, minTrackingConfidence: 0.5 });
      // A failed load is tried again next time.
      landmarkers[name].catch(() => { delete landmarkers[name]; });
    }
    return landmarkers[name];
  }
  async function poseReady(complexity) {
    pose = await landmarker(complexity);
  }
  /** The landmarks of the person the model finds in `image` (a canvas), as
   *  [{ x, y, visibility }] in fractions of it, or null. */
  function findPose(image) {
    const found = pose.detect(image);
    return found.landmarks && found.landmarks.length ? found.landmarks[0] : null;
  }
  /** For the tests: the landmarks found in `image` with the lite (0) or full (1) model. */
  window.formVideoFindPose = async (image, complexity) => { await poseReady(complexity); return findPose(image); };
  function stopLive() {
    if (liveStream) liveStream.getTracks().forEach((t) => t.stop());
    liveStream = null;
    live.srcObject = null;
    liveStart.hidden = false;
    liveStop.hidden = true;
    liveView.hidden = true;
    liveBox.dataset.framing = 'off';
  }
  async function startLive() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      liveStatus.textContent = 'This browser cannot show the camera here. Check the picture in the camera app instead.';
      return;
    }
    liveStart.hidden = true;
    liveStatus.textContent = 'Starting the camera…';
    try {
      liveStream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      live.srcObject = liveStream;
      await live.play();
      liveStatus.textContent = 'Loading the pose model…';
      await poseReady(0);
    } catch (e) {
      stopLive();
      liveStatus.textContent = 'The camera could not start (' + (e && e.name ? e.name : e) + '). Allow the camera for this page, or check the picture in the camera app.';
      return;
    }
    liveStop.hidden = false;
    liveView.hidden = false;
    const copy = document.createElement('canvas');
    while (liveStream) {
      if (live.videoWidth) {
        copy.width = Math.min(640, live.videoWidth);
        copy.height = Math.round(copy.width * live.videoHeight / live.videoWidth);
        copy.getContext('2d').drawImage(live, 0, 0, copy.width, copy.height);
        const latest = findPose(copy);
        if (!liveStream) break;
        liveView.width = copy.width;
        liveView.height = copy.height;
        drawOn(liveView, latest, null, copy);
        showFraming(framing(latest));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  liveStart.addEventListener('click', startLive);
  liveStop.addEventListener('click', stopLive);

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
        status.textContent = 'Saved. Taking the stills from the video on this phone…';
        try { await keepStills(body.id, body.stills || []); } catch (e) { /* the stills are extra */ }
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

  const runs = supported();
  if (!runs) {
    $('unsupported').hidden = false;
    input.disabled = true;
  }
})();
