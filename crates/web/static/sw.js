// Backstride's service worker, served at /sw.js (scope: the whole app) with no-cache, so a new
// release's worker is picked up on the next visit. The server fills in VERSION and ASSETS.
//
// What it keeps, and nothing more:
// - the app shell: every stylesheet, script, font and icon, by its content-hashed address;
// - the last copy of Today (/today, no query) that this browser fetched, so the runner can
//   open Today and log offline (the log queue in localStorage sends later). No other page with
//   personal data is stored. Logging out or in deletes that copy.
// It never touches a request that is not a GET, so forms, their CSRF tokens and uploads go
// straight to the server as without it.
"use strict";
const VERSION = "__VERSION__";
const SHELL = "bs-shell-" + VERSION;
const TODAY = "bs-today";
const ASSETS = __ASSETS__;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(ASSETS); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("bs-shell-") === 0 && k !== SHELL; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function offlinePage() {
  const css = ASSETS.filter(function (a) { return /\/app\.[0-9a-f]+\.css$/.test(a); })[0] || "/static/app.css";
  return new Response(
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>Offline · Backstride</title><link rel="stylesheet" href="' + css + '"></head><body><main id="main">' +
    '<h1>You are offline</h1><p>This page needs a connection. <a href="/today">Today</a> works offline once you have opened it here: what you log is sent when you are back online.</p>' +
    '</main></body></html>',
    { status: 503, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
}

self.addEventListener("fetch", function (event) {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    // Logging in or out: the stored Today belongs to whoever was logged in before.
    if (url.pathname === "/logout" || url.pathname === "/login") event.waitUntil(caches.delete(TODAY));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode !== "navigate") return;
  if (url.pathname === "/today" && url.search === "") {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && !response.redirected && response.type === "basic") {
        const copy = response.clone();
        caches.open(TODAY).then(function (cache) { return cache.put("/today", copy); });
      } else if (response.type === "opaqueredirect" || response.redirected) {
        caches.delete(TODAY); // sent to the login page: this browser is no longer signed in
      }
      return response;
    }).catch(function () {
      return caches.match("/today", { cacheName: TODAY }).then(function (hit) { return hit || offlinePage(); });
    }));
    return;
  }
  event.respondWith(fetch(request).catch(offlinePage));
});
