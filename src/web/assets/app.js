// Switchboard dashboard: live updates and the command playground. No build step, no framework.
// Markup always comes from the server (escaped there); values from JSON go in as textContent only.
(function () {
  'use strict';

  var TERMINAL = ['succeeded', 'failed', 'timeout', 'canceled'];

  function toLogin() {
    location.href = '/login?next=' + encodeURIComponent(location.pathname + location.search);
  }

  function get(url) {
    return fetch(url, { credentials: 'same-origin', headers: { accept: 'text/html' } }).then(function (res) {
      if (res.status === 401) toLogin();
      return res;
    });
  }

  // 1. Live fragments: every [data-fragment] element is fetched again every data-every ms (default
  //    1000) and replaced when it changed. A response with `X-Live: done` stops the polling.
  function live(el) {
    var every = Number(el.getAttribute('data-every')) || 1000;
    // the fragment as the server last sent it (compared with the next one as sent: the browser's
    // own serialisation, `required=""` for `required`, would differ every time and replace it every tick)
    var last = el.innerHTML;
    function typing() {
      var a = document.activeElement;
      return !!a && el.contains(a) && /^(INPUT|TEXTAREA|SELECT)$/.test(a.tagName);
    }
    function tick() {
      if (document.hidden) return setTimeout(tick, every);
      get(el.getAttribute('data-fragment'))
        .then(function (res) {
          if (!res.ok) return null;
          var done = res.headers.get('x-live') === 'done';
          return res.text().then(function (text) {
            // never replaced under someone typing in it (a confirmation code half entered): the
            // change shows at the first tick after they leave the field
            if (text !== last && !typing()) {
              el.innerHTML = text;
              last = text;
            }
            // the last fragment is final only once it is shown
            return done && text === last;
          });
        })
        .catch(function () {
          return null;
        })
        .then(function (done) {
          if (!done) setTimeout(tick, every);
        });
    }
    setTimeout(tick, every);
  }

  // 2. Playground: preview as you type; Run posts to the API as the signed-in user.
  function playground(form) {
    var input = form.querySelector('input[name=text]');
    var preview = document.querySelector('[data-preview]');
    var out = document.querySelector('[data-run-result]');
    var runButton = form.querySelector('[data-run]');
    var timer = null;
    var seq = 0;

    function refresh() {
      var text = input.value;
      var mine = ++seq;
      history.replaceState(null, '', text ? '/playground?text=' + encodeURIComponent(text) : '/playground');
      get('/ui/fragments/preview?text=' + encodeURIComponent(text))
        .then(function (res) {
          return res.ok ? res.text() : null;
        })
        .then(function (html) {
          if (html !== null && mine === seq) preview.innerHTML = html;
        })
        .catch(function () {});
    }

    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 200);
    });
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      refresh();
    });

    function line(parent, tag, text, cls) {
      var el = document.createElement(tag);
      if (text !== undefined) el.textContent = text;
      if (cls) el.className = cls;
      parent.appendChild(el);
      return el;
    }

    function badge(parent, status) {
      var el = line(parent, 'span', status, 'badge badge-' + status);
      el.setAttribute('data-status', status);
      return el;
    }

    function follow(id, el) {
      fetch('/ui/api/executions/' + encodeURIComponent(id), { credentials: 'same-origin' })
        .then(function (res) {
          if (res.status === 401) toLogin();
          return res.ok ? res.json() : null;
        })
        .then(function (exec) {
          if (exec) {
            el.textContent = exec.status;
            el.className = 'badge badge-' + exec.status;
            el.setAttribute('data-status', exec.status);
            if (TERMINAL.indexOf(exec.status) >= 0) return;
          }
          setTimeout(function () {
            follow(id, el);
          }, 1000);
        })
        .catch(function () {
          setTimeout(function () {
            follow(id, el);
          }, 1000);
        });
    }

    function showError(body, status) {
      out.className = 'run-result card error-card';
      var err = (body && body.error) || { message: 'request failed (' + status + ')' };
      line(out, 'p', err.message, 'error');
      var suggestions = (body && body.suggestions) || [];
      if (suggestions.length) {
        line(out, 'p', 'Did you mean:');
        var ul = line(out, 'ul', undefined, 'plain');
        suggestions.forEach(function (s) {
          line(ul, 'li', s, 'mono');
        });
      }
    }

    function showQueued(body) {
      out.className = 'run-result card';
      var list = body.executions || [body.execution];
      list.forEach(function (exec) {
        var p = line(out, 'p', undefined, 'queued');
        p.appendChild(document.createTextNode('Execution '));
        var a = line(p, 'a', exec.id, 'mono');
        a.href = '/executions/' + encodeURIComponent(exec.id);
        p.appendChild(document.createTextNode(' '));
        follow(exec.id, badge(p, exec.status));
      });
    }

    runButton.addEventListener('click', function () {
      var text = input.value;
      if (!text.trim()) return;
      runButton.disabled = true;
      out.hidden = false;
      out.textContent = '';
      fetch('/ui/api/commands', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ text: text }),
      })
        .then(function (res) {
          if (res.status === 401) return toLogin();
          return res
            .json()
            .catch(function () {
              return null;
            })
            .then(function (body) {
              if (res.status === 202 && body && body.execution) showQueued(body);
              else showError(body, res.status);
            });
        })
        .catch(function () {
          showError(null, 'network');
        })
        .then(function () {
          runButton.disabled = false;
        });
    });
  }

  // 3. Cancel buttons on an execution's page (the page's fragment refresh shows the outcome).
  document.addEventListener('click', function (ev) {
    var button = ev.target && ev.target.closest ? ev.target.closest('[data-cancel]') : null;
    if (!button) return;
    button.disabled = true;
    fetch('/ui/api/executions/' + encodeURIComponent(button.getAttribute('data-cancel')) + '/cancel', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    }).then(function (res) {
      if (res.status === 401) toLogin();
    });
  });

  // POSTs a button's action (the button is disabled meanwhile); `done(res, body)` shows the answer,
  // body being null when the reply is not JSON. A network failure enables the button again.
  function postButton(url, button, answer, done) {
    button.disabled = true;
    fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    })
      .then(function (res) {
        if (res.status === 401) return toLogin();
        return res
          .json()
          .catch(function () {
            return null;
          })
          .then(function (body) {
            done(res, body);
          });
      })
      .catch(function () {
        button.disabled = false;
        if (answer) answer.textContent = 'Network error.';
      });
  }

  // 3b. Re-run: the same alias and parameters as the signed-in user (POST /ui/api/executions/:id/rerun);
  //     a new execution opens its own page, a refusal is shown beside the button.
  document.addEventListener('click', function (ev) {
    var button = ev.target && ev.target.closest ? ev.target.closest('[data-rerun]') : null;
    if (!button) return;
    var answer = button.parentNode.querySelector('[data-rerun-answer]');
    postButton('/ui/api/executions/' + encodeURIComponent(button.getAttribute('data-rerun')) + '/rerun', button, answer, function (res, body) {
      if (res.status === 202 && body && body.execution) {
        location.href = '/executions/' + encodeURIComponent(body.execution.id);
        return;
      }
      button.disabled = false;
      if (answer) answer.textContent = (body && body.error && body.error.message) || 'Not run (' + res.status + ').';
    });
  });

  // 3c. Retry of a failed delivery (deliveries page, `queues` permission): the row says what became of it.
  document.addEventListener('click', function (ev) {
    var button = ev.target && ev.target.closest ? ev.target.closest('[data-retry]') : null;
    if (!button) return;
    var answer = button.parentNode.querySelector('[data-retry-answer]');
    postButton('/ui/deliveries/' + encodeURIComponent(button.getAttribute('data-retry')) + '/retry', button, answer, function (res, body) {
      if (answer) answer.textContent = res.ok ? 'Queued again.' : (body && body.error && body.error.message) || 'Not retried (' + res.status + ').';
      if (!res.ok) button.disabled = false;
    });
  });

  // a pending execution's code, confirmed as the signed-in user (POST /ui/api/executions/:id/confirm)
  document.addEventListener('submit', function (ev) {
    var form = ev.target && ev.target.closest ? ev.target.closest('[data-confirm]') : null;
    if (!form) return;
    ev.preventDefault();
    var answer = form.querySelector('[data-confirm-answer]');
    // the form lives in the page's live part, which drops it once the execution is no longer pending
    // (often before this answer arrives): a confirmation is announced above that part, where it stays
    var box = form.closest('[data-fragment]');
    fetch('/ui/api/executions/' + encodeURIComponent(form.getAttribute('data-confirm')) + '/confirm', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ code: form.elements.code.value.trim() }),
    }).then(function (res) {
      if (res.status === 401) return toLogin();
      return res.json().then(function (body) {
        if (res.ok && box && box.parentNode) {
          if (answer) answer.textContent = '';
          var note = document.createElement('p');
          note.className = 'muted';
          note.setAttribute('role', 'status');
          note.setAttribute('data-confirm-answer', '');
          note.textContent = 'Confirmed.';
          box.parentNode.insertBefore(note, box);
          return;
        }
        if (answer) answer.textContent = res.ok ? 'Confirmed.' : (body.error && body.error.message) || 'Not confirmed.';
      });
    });
  });

  document.addEventListener('DOMContentLoaded', function () {
    Array.prototype.forEach.call(document.querySelectorAll('[data-fragment]'), live);
    var form = document.querySelector('[data-playground]');
    if (form) playground(form);
  });
})();
