// Client script of report.html: sortable leaderboard tables and the paginated example browser.
// Model text is untrusted: it is only ever put into the page with textContent, never innerHTML.
(() => {
  function sortable(table) {
    const heads = table.querySelectorAll('thead th');
    heads.forEach((th, col) => {
      th.addEventListener('click', () => {
        const asc = th.getAttribute('aria-sort') !== 'ascending';
        heads.forEach((h) => {
          h.removeAttribute('aria-sort');
        });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        const numeric = th.getAttribute('data-type') === 'num';
        const body = table.tBodies[0];
        const rows = Array.prototype.slice.call(body.rows);
        rows.sort((a, b) => {
          const x = a.cells[col].getAttribute('data-v');
          const y = b.cells[col].getAttribute('data-v');
          // Missing values sort last in both directions.
          if (x === '' || x === null) return y === '' || y === null ? 0 : 1;
          if (y === '' || y === null) return -1;
          const d = numeric ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
          return asc ? d : -d;
        });
        rows.forEach((r) => {
          body.appendChild(r);
        });
      });
    });
  }
  document.querySelectorAll('table.lb').forEach(sortable);

  // Metric picker: the primary metric of each table is shown, the others are one click away.
  function picker(table) {
    const heads = Array.prototype.slice.call(table.querySelectorAll('thead th'));
    const metrics = heads.filter((th) => th.hasAttribute('data-metric'));
    if (!metrics.some((th) => th.hasAttribute('data-primary'))) return;
    const show = (col, on) => {
      heads[col].style.display = on ? '' : 'none';
      Array.prototype.forEach.call(table.tBodies[0].rows, (r) => {
        r.cells[col].style.display = on ? '' : 'none';
      });
    };
    const box = document.createElement('div');
    box.className = 'picker';
    box.appendChild(document.createTextNode('metrics: '));
    metrics.forEach((th) => {
      const col = heads.indexOf(th);
      const label = document.createElement('label');
      const input = document.createElement('input');
      input.type = 'checkbox';
      input.checked = th.hasAttribute('data-primary');
      input.setAttribute('data-metric', th.getAttribute('data-metric'));
      input.addEventListener('change', () => show(col, input.checked));
      label.appendChild(input);
      label.appendChild(document.createTextNode(` ${th.getAttribute('data-metric')} `));
      box.appendChild(label);
      show(col, input.checked);
    });
    table.parentNode.insertBefore(box, table);
  }
  document.querySelectorAll('table.lb').forEach(picker);

  const blob = document.getElementById('examples-data');
  if (!blob) return;
  const data = JSON.parse(blob.textContent);
  const list = document.getElementById('ex-list');
  const pick = document.getElementById('ex-technique');
  const outcome = document.getElementById('ex-outcome');
  const search = document.getElementById('ex-search');
  const prev = document.getElementById('ex-prev');
  const next = document.getElementById('ex-next');
  const pageInfo = document.getElementById('ex-page');
  const count = document.getElementById('ex-count');
  const pageSize = Number(list.getAttribute('data-page-size')) || 20;
  const pickA = document.getElementById('ex-a');
  const pickB = document.getElementById('ex-b');
  const charTasks = new Set(data.charTasks || []);
  const teacherLabel = data.labels.indexOf('teacher');
  // a, b: "A right, B wrong" (label indices, -1 off); outcome 'teacher-right': teacher ✓, student ✗.
  const state = { label: -1, outcome: 'all', a: -1, b: -1, q: '', page: 0 };
  let filtered = [];

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function words(s) {
    return s.split(/\s+/).filter(Boolean);
  }

  // Walks the alignment codes over gold and response words (characters for CER tasks, `byChar`):
  // = equal, s substituted, d deleted, i inserted.
  function aligned(gold, response, codes, byChar) {
    const span = el('span', byChar ? 'mt al-char' : 'mt');
    if (!codes) {
      span.textContent = response;
      return span;
    }
    const ref = byChar ? Array.from(gold) : words(gold);
    const hyp = byChar ? Array.from(response) : words(response);
    // Codes that do not fit the words (should not happen) fall back to plain text, never "undefined".
    if (codes.replace(/i/g, '').length !== ref.length || codes.replace(/d/g, '').length !== hyp.length) {
      span.textContent = response;
      return span;
    }
    let i = 0;
    let j = 0;
    for (let k = 0; k < codes.length; k++) {
      if (k > 0 && !byChar) span.appendChild(document.createTextNode(' '));
      const c = codes.charAt(k);
      if (c === '=') {
        span.appendChild(document.createTextNode(hyp[j]));
        i++;
        j++;
        continue;
      }
      let w;
      if (c === 's') {
        w = el('span', 'al-s', hyp[j]);
        w.title = `substituted for: ${ref[i]}`;
        i++;
        j++;
      } else if (c === 'd') {
        w = el('span', 'al-d', ref[i]);
        w.title = 'deleted (missing from the response)';
        i++;
      } else {
        w = el('span', 'al-i', hyp[j]);
        w.title = 'inserted';
        j++;
      }
      span.appendChild(w);
    }
    return span;
  }

  function responsesShown(g) {
    if (state.a >= 0 && state.b >= 0 && state.a !== state.b) {
      // Same prompt, seed and split (one group): A's response correct and B's wrong.
      const ra = g[7].find((r) => r[0] === state.a);
      const rb = g[7].find((r) => r[0] === state.b);
      return ra && rb && ra[2] === 1 && rb[2] === 0 ? [ra, rb] : [];
    }
    if (state.outcome === 'teacher-right' && g[8] !== 1) return [];
    return g[7].filter((r) => {
      if (state.outcome === 'teacher-right')
        return r[0] !== teacherLabel && r[2] === 0 && (state.label < 0 || r[0] === state.label);
      if (state.label >= 0 && r[0] !== state.label) return false;
      if (state.outcome === 'correct') return r[2] === 1;
      if (state.outcome === 'incorrect') return r[2] === 0;
      return true;
    });
  }

  function matches(g, shown) {
    if (!state.q) return true;
    const q = state.q;
    const hay = [g[4], g[5], g[6] || ''].concat(shown.map((r) => r[1]));
    return hay.some((s) => s.toLowerCase().indexOf(q) >= 0);
  }

  function applyFilters() {
    filtered = [];
    data.groups.forEach((g) => {
      const shown = responsesShown(g);
      if (shown.length && matches(g, shown)) filtered.push([g, shown]);
    });
    state.page = 0;
    render();
  }

  function row(table, label, content, cls) {
    const tr = el('tr', cls);
    tr.appendChild(el('th', null, label));
    const td = el('td');
    td.appendChild(content);
    tr.appendChild(td);
    table.appendChild(tr);
  }

  function card(item) {
    const g = item[0],
      shown = item[1];
    const box = el('div', 'ex');
    box.setAttribute('data-id', g[3]);
    box.appendChild(el('div', 'meta', `${g[0]} · ${g[1]} · seed ${g[2]} · ${g[3]}`));
    const t = el('table');
    row(t, 'prompt', el('span', 'mt', g[4]));
    row(t, 'gold', el('span', 'mt', g[5]));
    if (g[6] !== null) row(t, 'teacher', el('span', 'mt', g[6]));
    shown.forEach((r) => {
      const label = el('span');
      label.appendChild(el('span', null, `${data.labels[r[0]]} `));
      label.appendChild(
        el(
          'span',
          r[2] === 1 ? 'ok' : r[2] === 0 ? 'ko' : 'muted',
          r[2] === 1 ? '✓' : r[2] === 0 ? '✗' : '?',
        ),
      );
      const tr = el('tr', 'response');
      tr.setAttribute('data-label', String(r[0]));
      tr.setAttribute('data-correct', r[2] === null ? '' : String(r[2]));
      const th = el('th');
      th.appendChild(label);
      const td = el('td');
      td.appendChild(aligned(g[5], r[1], r[3], charTasks.has(g[0])));
      tr.appendChild(th);
      tr.appendChild(td);
      t.appendChild(tr);
    });
    box.appendChild(t);
    return box;
  }

  function render() {
    const pages = Math.max(1, Math.ceil(filtered.length / pageSize));
    if (state.page >= pages) state.page = pages - 1;
    while (list.firstChild) list.removeChild(list.firstChild);
    filtered.slice(state.page * pageSize, (state.page + 1) * pageSize).forEach((item) => {
      list.appendChild(card(item));
    });
    if (!filtered.length) list.appendChild(el('p', 'muted', 'No example matches these filters.'));
    pageInfo.textContent = `page ${state.page + 1} of ${pages}`;
    count.textContent = `${filtered.length} of ${data.groups.length} prompts`;
    prev.disabled = state.page === 0;
    next.disabled = state.page >= pages - 1;
  }

  pick.addEventListener('change', () => {
    state.label = Number(pick.value);
    applyFilters();
  });
  outcome.addEventListener('change', () => {
    state.outcome = outcome.value;
    applyFilters();
  });
  pickA.addEventListener('change', () => {
    state.a = Number(pickA.value);
    applyFilters();
  });
  pickB.addEventListener('change', () => {
    state.b = Number(pickB.value);
    applyFilters();
  });
  search.addEventListener('input', () => {
    state.q = search.value.trim().toLowerCase();
    applyFilters();
  });
  prev.addEventListener('click', () => {
    state.page--;
    render();
  });
  next.addEventListener('click', () => {
    state.page++;
    render();
  });
  applyFilters();
})();
