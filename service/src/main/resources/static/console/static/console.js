// MaskGate console behaviour: the confirmation dialog for manual commands, relative ages, copy buttons and the live
// tiles. No inline scripts (the Content-Security-Policy forbids them); every text goes in via textContent.
(function () {
  'use strict';

  function age(t, now) {
    var at = Date.parse(t.getAttribute('datetime'));
    if (isNaN(at)) { return; }
    var s = Math.max(0, Math.round((now - at) / 1000));
    setText(t, s < 60 ? s + ' s ago' : s < 3600 ? Math.floor(s / 60) + ' min ago' : Math.floor(s / 3600) + ' h ago');
    var title = new Date(at).toLocaleString();
    if (t.title !== title) { t.title = title; }
  }

  function ages() {
    var now = Date.now();
    document.querySelectorAll('time[data-age]').forEach(function (t) { age(t, now); });
  }

  /** Sets a text only when it differs: an unchanged tile field costs the browser no style or layout work. */
  function setText(el, text) {
    if (el && el.textContent !== text) { el.textContent = text; }
  }

  function openConfirm(button) {
    var dialog = document.getElementById('confirm');
    var form = document.getElementById('confirm-form');
    if (!dialog || !form) { return; }
    var action = button.getAttribute('data-action');
    var door = button.getAttribute('data-door');
    form.setAttribute('action', '/console/entrances/' + encodeURIComponent(door) + '/' + action);
    document.getElementById('confirm-title').textContent = (action === 'unlock' ? 'Unlock' : 'Lock') + ' this door?';
    document.getElementById('confirm-door').textContent = button.getAttribute('data-name') + ' (' + door + ')';
    document.getElementById('confirm-submit').textContent = action === 'unlock' ? 'Unlock now' : 'Lock now';
    document.getElementById('reason').value = '';
    dialog.showModal();
    document.getElementById('reason').focus();
  }

  document.addEventListener('click', function (e) {
    var act = e.target.closest('button.act');
    if (act) { openConfirm(act); return; }
    if (e.target.id === 'confirm-cancel') { document.getElementById('confirm').close(); return; }
    var copy = e.target.closest('button[data-copy]');
    if (copy) {
      var source = document.getElementById(copy.getAttribute('data-copy'));
      if (source && navigator.clipboard) {
        navigator.clipboard.writeText(source.textContent).then(function () { copy.textContent = 'Copied'; });
      }
    }
  });

  // Entrances, live: one EventSource on the section's data-live URL. Each "tiles" message (at most one per feed tick)
  // is a JSON array of the changed doors' tile states; they are kept, newest per door, and applied in one pass in
  // the next animation frame, so the browser's work per tick does not grow with the number of messages, and a hidden
  // tab does no DOM work at all (it applies the latest states when shown). Server data only ever goes into
  // textContent, className (from known tokens), hidden, datetime and data-name.
  // Events for instrumentation (tests, the console bench), on the section: 'live:message' {tiles, arrived} when a
  // message is dispatched, 'live:applied' {doors, applied} after a frame applied them.
  function live(section) {
    var url = section.getAttribute('data-live');
    // maps without a prototype: a door id may be any [A-Za-z0-9_-]{1,64}, "__proto__" and "toString" included
    var tiles = Object.create(null); // door id -> its tile's elements, looked up once
    var pending = null; // door id -> newest state not applied yet
    var frame = 0;
    var retries = 0;
    var source = null;

    function state(text, down) {
      var s = document.getElementById('live-state');
      if (s) { setText(s, text); s.classList.toggle('down', down); }
    }

    function elements(door) {
      if (!(door in tiles)) {
        var article = document.getElementById('tile-' + door);
        var body = article && article.querySelector('.tile-body');
        tiles[door] = !body ? null : {
          body: body, name: body.querySelector('.door-name > span'), lock: body.querySelector('.lock'),
          mode: body.querySelector('.mode'), last: body.querySelector('dd.last'),
          none: body.querySelector('dd.last-none'), label: body.querySelector('.label'),
          score: body.querySelector('.score'), unit: body.querySelector('.unit'), time: body.querySelector('time'),
          verdict: body.querySelector('.verdict'), units: body.querySelector('.units'),
          unlocks: body.querySelector('.unlocks'), refusals: body.querySelector('.refusals'),
          flags: body.querySelector('ul.flags'), buttons: body.querySelectorAll('button.act')
        };
      }
      return tiles[door];
    }

    function str(v) { return v === null || v === undefined ? '' : String(v); }

    function applyTile(t, now) {
      var e = elements(t.doorId);
      if (!e) { return false; } // a door added after the page was rendered shows on the next load
      var flags = t.flags || [];
      var cls = 'tile-body lock-' + String(t.lock).replace(/[^A-Z_]/g, '') + (flags.length ? ' flagged' : '');
      if (e.body.className !== cls) { e.body.className = cls; }
      setText(e.name, str(t.name));
      setText(e.lock, str(t.lockText));
      setText(e.mode, str(t.mode));
      var seen = t.lastAt !== null && t.lastAt !== undefined;
      e.last.hidden = !seen;
      e.none.hidden = seen;
      if (seen) {
        setText(e.label, str(t.lastLabel));
        setText(e.score, str(t.lastScore));
        setText(e.unit, str(t.lastUnit));
        setText(e.verdict, str(t.lastVerdict));
        if (e.time.getAttribute('datetime') !== t.lastAt) { e.time.setAttribute('datetime', t.lastAt); }
        age(e.time, now);
      }
      setText(e.units, t.unitsOnline + ' of ' + t.unitsTotal);
      setText(e.unlocks, str(t.unlocksHour));
      setText(e.refusals, str(t.refusalsHour));
      var items = e.flags.children;
      var same = items.length === flags.length;
      for (var i = 0; same && i < flags.length; i++) { same = items[i].textContent === flags[i]; }
      if (!same) {
        e.flags.replaceChildren.apply(e.flags, flags.map(function (f) {
          var li = document.createElement('li');
          li.textContent = f;
          return li;
        }));
      }
      e.flags.hidden = flags.length === 0;
      var name = str(t.name);
      for (var b = 0; b < e.buttons.length; b++) {
        if (e.buttons[b].getAttribute('data-name') !== name) { e.buttons[b].setAttribute('data-name', name); }
      }
      return true;
    }

    function applyPending() {
      frame = 0;
      var batch = pending;
      pending = null;
      var now = Date.now();
      var doors = Object.keys(batch).filter(function (door) { return applyTile(batch[door], now); });
      section.dispatchEvent(new CustomEvent('live:applied', { detail: { doors: doors, applied: Date.now() } }));
    }

    function onTiles(message) {
      var arrived = Date.now();
      var states;
      try { states = JSON.parse(message.data); } catch (err) { return; }
      if (!Array.isArray(states)) { return; }
      pending = pending || Object.create(null);
      states.forEach(function (t) { if (t && typeof t.doorId === 'string') { pending[t.doorId] = t; } });
      section.dispatchEvent(new CustomEvent('live:message', { detail: { tiles: states, arrived: arrived } }));
      if (!frame) { frame = window.requestAnimationFrame(applyPending); }
    }

    function connect() {
      source = new EventSource(url);
      source.addEventListener('tiles', onTiles);
      source.onopen = function () { retries = 0; state('live', false); };
      source.onerror = function () {
        state('reconnecting…', true);
        if (source.readyState === EventSource.CLOSED) {
          // the browser gives up on an HTTP error (e.g. the session ended): retry, 0.5 s doubling to 64 s
          retries = Math.min(Math.max(retries * 2, 1), 128);
          window.setTimeout(connect, retries * 500);
        } // otherwise the browser reconnects by itself (after the stream's retry time)
      };
    }
    connect();
  }

  document.addEventListener('DOMContentLoaded', function () {
    var section = document.querySelector('section.tiles[data-live]');
    if (section && window.EventSource) { live(section); }
  });

  // Disputes: one key press settles the focused dispute (M/1 MASK, N/2 NO_MASK, U/3 UNCLEAR); J/K move between
  // disputes. The first (oldest) dispute has the focus when the page opens, so a queue is worked with keys alone.
  var VERDICT_KEYS = { m: 'MASK', '1': 'MASK', n: 'NO_MASK', '2': 'NO_MASK', u: 'UNCLEAR', '3': 'UNCLEAR' };
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) { return; }
    var el = document.activeElement;
    if (!el || el.matches('input, textarea, select')) { return; }
    var card = el.closest('li.dispute');
    if (!card) { return; }
    var key = e.key.toLowerCase();
    var verdict = VERDICT_KEYS[key];
    if (verdict) {
      var button = card.querySelector('button[name=verdict][value=' + verdict + ']');
      if (button && !card.classList.contains('settling')) {
        e.preventDefault();
        card.classList.add('settling');
        button.form.requestSubmit(button);
      }
      return;
    }
    if (key === 'j' || key === 'k') {
      var all = Array.prototype.slice.call(document.querySelectorAll('li.dispute'));
      var next = all[all.indexOf(card) + (key === 'j' ? 1 : -1)];
      if (next) { e.preventDefault(); next.focus(); }
    }
  });

  document.addEventListener('DOMContentLoaded', function () {
    var first = document.querySelector('li.dispute');
    if (first) { first.focus(); }
  });

  document.addEventListener('DOMContentLoaded', function () { ages(); setInterval(ages, 1000); });
})();
