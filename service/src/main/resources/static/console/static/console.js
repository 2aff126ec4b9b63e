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

  document.addEventListener('DOMContentLoaded', function () { ages(); setInterval(ages, 1000); });
})();
