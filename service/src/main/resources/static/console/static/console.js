// MaskGate console behaviour: the confirmation dialog for manual commands, relative ages, copy buttons and the live
// indicator. No inline scripts (the Content-Security-Policy forbids them); every text goes in via textContent.
(function () {
  'use strict';

  function ages() {
    var now = Date.now();
    document.querySelectorAll('time[data-age]').forEach(function (t) {
      var at = Date.parse(t.getAttribute('datetime'));
      if (isNaN(at)) { return; }
      var s = Math.max(0, Math.round((now - at) / 1000));
      t.textContent = s < 60 ? s + ' s ago' : s < 3600 ? Math.floor(s / 60) + ' min ago' : Math.floor(s / 3600) + ' h ago';
      t.title = new Date(at).toLocaleString();
    });
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

  document.addEventListener('htmx:sseOpen', function () {
    var s = document.getElementById('live-state');
    if (s) { s.textContent = 'live'; s.classList.remove('down'); }
  });
  document.addEventListener('htmx:sseError', function () {
    var s = document.getElementById('live-state');
    if (s) { s.textContent = 'reconnecting…'; s.classList.add('down'); }
  });
  document.addEventListener('htmx:sseMessage', ages);

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
