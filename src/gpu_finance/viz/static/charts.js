/* Shadow Balance Sheets: how the book's charts are drawn (gpu_finance.viz.render).
   One script for every chart on a page:
   - quick: on the website a chart comes with its Vega spec, compiled when the book was built, and
     a wide drawing starts from it (the browser skips the Vega-Lite compiler); a narrow one starts
     from the Vega-Lite spec, which the narrow changes below are made on;
   - lazy: on the website a chart is drawn when it comes near the viewport (IntersectionObserver),
     in its reserved height, so a long chapter does not draw every chart in one burst at load;
     sbsCharts.drawAll() draws the rest (tests, printing);
   - fits its column: on a narrow screen a chart's side-by-side views are stacked, legends go below,
     long titles wrap and widths shrink; what still does not fit is scaled down, never cut off;
   - follows the theme: in dark mode the theme's light colours (DARK_VARIANT) are swapped for dark
     ones, and a chart is redrawn, at the same control values, when the reader switches theme;
   - speaks: the figure is labelled by its title and described by its description; what a control
     changes in the chart's text is repeated in a polite live region for screen readers. */
(function () {
  if (window.sbsCharts) { return; }
  var DARK = __DARK_VARIANT__;
  /* An average title character's width, in ems (gpu_finance.viz.render._CHARACTER_EM). */
  var CHARACTER_EM = __CHARACTER_EM__;
  var NARROW_PX = 560;
  var records = {};
  var order = [];
  var observer = null;

  /* The website's dark mode, JupyterLab's dark theme, or VS Code's. */
  function isDark() {
    var body = document.body;
    return document.documentElement.getAttribute('data-theme') === 'dark'
      || !!(body && (body.getAttribute('data-jp-theme-light') === 'false' || body.classList.contains('vscode-dark')));
  }

  function swapColours(value, key) {
    if (key === 'data' || key === 'datasets' || key === 'values' || key === 'usermeta') { return value; }
    if (typeof value === 'string') {
      var lower = value.toLowerCase();
      return Object.prototype.hasOwnProperty.call(DARK, lower) ? DARK[lower] : value;
    }
    if (Array.isArray(value)) { return value.map(function (v) { return swapColours(v); }); }
    if (value && typeof value === 'object') {
      var out = {};
      Object.keys(value).forEach(function (k) { out[k] = swapColours(value[k], k); });
      return out;
    }
    return value;
  }

  /* The title's words (already on lines for a laptop's column, if long) on lines of maxChars. */
  function wrapWords(text, maxChars) {
    var lines = [];
    var current = '';
    [].concat(text).join(' ').split(' ').forEach(function (word) {
      if (current && (current + ' ' + word).length > maxChars) { lines.push(current); current = word; }
      else { current = current ? current + ' ' + word : word; }
    });
    if (current) { lines.push(current); }
    return lines;
  }

  function shrinkWidths(node, by) {
    if (!node || typeof node !== 'object') { return; }
    if (typeof node.width === 'number') { node.width = Math.max(140, Math.round(node.width - by)); }
    ['vconcat', 'hconcat', 'concat'].forEach(function (key) {
      if (Array.isArray(node[key])) { node[key].forEach(function (c) { shrinkWidths(c, by); }); }
    });
    if (node.spec) { shrinkWidths(node.spec, by); }
  }

  /* The spec for a narrow column: stacked views, legends below, wrapped titles, narrower views. */
  function narrowSpec(spec, available, shrinkBy) {
    var s = JSON.parse(JSON.stringify(spec));
    (function stack(node) {
      if (!node || typeof node !== 'object') { return; }
      if (Array.isArray(node.hconcat)) { node.vconcat = node.hconcat; delete node.hconcat; }
      if (Array.isArray(node.concat)) { node.columns = 1; }
      ['vconcat', 'concat'].forEach(function (k) { if (Array.isArray(node[k])) { node[k].forEach(stack); } });
    })(s);
    s.config = s.config || {};
    s.config.legend = Object.assign({}, s.config.legend, { orient: 'bottom', direction: 'horizontal', columns: 1 });
    var title = s.title;
    var titleSize = (s.config.title && s.config.title.fontSize) || 15;
    var maxChars = Math.max(16, Math.floor(available / (titleSize * CHARACTER_EM)));
    if (typeof title === 'string' || Array.isArray(title)) { s.title = { text: wrapWords(title, maxChars) }; }
    else if (title && title.text) {
      title.text = wrapWords(title.text, maxChars);
      if (title.subtitle) { title.subtitle = wrapWords(title.subtitle, Math.floor(maxChars * 1.2)); }
    }
    shrinkWidths(s, shrinkBy);
    var view = s.config.view || {};
    s.config.view = Object.assign({}, view, {
      continuousWidth: Math.max(140, Math.round((view.continuousWidth || 300) - shrinkBy))
    });
    return s;
  }

  function overflow(rec) { return rec.el.scrollWidth - rec.el.clientWidth; }

  function svgWidth(el) {
    var svg = el.querySelector('svg');
    return svg ? svg.getBoundingClientRect().width : 0;
  }

  function paramNames(spec) {
    return (spec.params || []).filter(function (p) { return p.bind; }).map(function (p) { return p.name; });
  }

  function markTexts(el) {
    return [].map.call(el.querySelectorAll('svg g.mark-text.role-mark text'), function (t) {
      return t.textContent.trim();
    }).filter(function (t) { return t; });
  }

  function announce(rec) {
    if (!rec.live) { return; }
    clearTimeout(rec.announceTimer);
    rec.announceTimer = setTimeout(function () {
      var view = rec.view;
      if (!view) { return; }
      view.runAsync().then(function () {
        var now = markTexts(rec.el);
        var before = rec.texts || [];
        var changed = now.filter(function (t) { return before.indexOf(t) < 0; });
        rec.texts = now;
        var message = changed.length ? changed.slice(0, 4).join('; ') : 'Chart redrawn.';
        rec.live.textContent = message.length > 400 ? message.slice(0, 397) + '...' : message;
      });
    }, 350);
  }

  function finish(rec, result) {
    rec.view = result.view;
    var el = rec.el;
    el.style.minHeight = '';
    el.classList.add('sbs-drawn');
    var svg = el.querySelector('svg');
    if (svg) { svg.setAttribute('aria-hidden', 'true'); svg.removeAttribute('tabindex'); }
    var menu = el.querySelector('details > summary');
    if (menu) { menu.setAttribute('aria-label', 'Chart menu: save the chart as an image'); }
    rec.texts = markTexts(el);
    if (rec.live && !rec.listening) {
      rec.listening = true;
      el.addEventListener('input', function () { announce(rec); });
      el.addEventListener('change', function () { announce(rec); });
    }
  }

  /* The Vega spec compiled when the book was built, with its datasets' rows and its
     description put back from the Vega-Lite spec (gpu_finance.viz.render.precompiled). */
  function withRows(vega, spec) {
    var datasets = spec.datasets || {};
    var out = Object.assign({ description: spec.description }, vega);
    out.data = (vega.data || []).map(function (entry) {
      var rows = datasets[entry.name];
      return rows && !('values' in entry) && !entry.source && !entry.url
        ? Object.assign({}, entry, { values: rows }) : entry;
    });
    return out;
  }

  /* Draw a Vega-Lite spec, or {sbsVega: spec}, a Vega spec compiled when the book was built. */
  function embed(rec, spec, state) {
    if (rec.view) { rec.view.finalize(); rec.view = null; }
    rec.dark = isDark();
    var mode = spec.sbsVega ? 'vega' : 'vega-lite';
    var body = spec.sbsVega || spec;
    var themed = rec.dark ? swapColours(body) : body;
    var opts = Object.assign({}, rec.opts, { mode: mode });
    return window.vegaEmbed(rec.el, themed, opts).then(function (result) {
      /* What was drawn, and how often (a browser test checks one drawing from the compiled spec). */
      rec.el.setAttribute('data-sbs-drawn-from', mode);
      rec.el.setAttribute('data-sbs-draws', String((rec.draws = (rec.draws || 0) + 1)));
      if (state) {
        Object.keys(state).forEach(function (name) { result.view.signal(name, state[name]); });
        return result.view.runAsync().then(function () { return result; });
      }
      return result;
    });
  }

  function draw(rec, state) {
    var el = rec.el;
    if (!window.vegaEmbed) {
      el.style.minHeight = '';
      el.textContent = 'This chart could not be drawn: its script (vega-embed) did not load. '
        + 'In a notebook, restart the kernel and run all cells.';
      return Promise.resolve();
    }
    var available = el.clientWidth;
    var fixed = rec.spec.usermeta && rec.spec.usermeta.sbsFixedSize;
    rec.narrow = !fixed && available > 0 && available < NARROW_PX;
    rec.shrinkBy = 0;
    var spec = rec.narrow ? narrowSpec(rec.spec, available, 0)
      : rec.vega ? { sbsVega: withRows(rec.vega, rec.spec) } : rec.spec;
    /* Too wide after the first drawing: shrink the views by the overflow and draw again. If that
       did not help (the width comes from text beside the views, not from the views), go back to
       the first drawing; either way what still overflows is scaled down to the column. */
    function fit(result) {
      var extra = overflow(rec);
      if (extra <= 1 || fixed) { el.classList.toggle('sbs-scaled', extra > 1); return result; }
      var width = svgWidth(el);
      rec.narrow = true;
      rec.shrinkBy = extra + 4;
      return embed(rec, narrowSpec(rec.spec, available, rec.shrinkBy), state).then(function (again) {
        finish(rec, again);
        if (width - svgWidth(el) >= rec.shrinkBy / 2) {
          el.classList.toggle('sbs-scaled', overflow(rec) > 1);
          return again;
        }
        rec.shrinkBy = 0;
        return embed(rec, spec, state).then(function (first) {
          finish(rec, first);
          el.classList.toggle('sbs-scaled', overflow(rec) > 1);
          return first;
        });
      });
    }
    return embed(rec, spec, state).then(function (result) {
      finish(rec, result);
      return fit(result);
    }).catch(function (err) {
      el.style.minHeight = '';
      el.textContent = 'This chart could not be drawn: ' + err;
    });
  }

  function drawOnce(rec) {
    if (!rec.drawing) { rec.drawing = draw(rec); }
    return rec.drawing;
  }

  function redraw(rec) {
    if (!rec.view) { return; }
    var state = {};
    paramNames(rec.spec).forEach(function (name) {
      try { state[name] = rec.view.signal(name); } catch (e) { /* not a signal of this view */ }
    });
    rec.drawing = draw(rec, state);
  }

  function add(id, spec, opts, lazy, vega) {
    var el = document.getElementById(id);
    if (!el || records[id]) { return; }
    var rec = { id: id, el: el, spec: spec, vega: vega || null, opts: opts, live: document.getElementById(id + '-live') };
    records[id] = rec;
    order.push(rec);
    if (lazy && observer) { observer.observe(el); } else { drawOnce(rec); }
  }

  if ('IntersectionObserver' in window) {
    observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          drawOnce(records[entry.target.id]);
        }
      });
    }, { rootMargin: '800px 0px' });
  }

  new MutationObserver(function () {
    var dark = isDark();
    order.forEach(function (rec) {
      if (rec.view && rec.dark !== dark) { rec.dark = dark; redraw(rec); }
    });
  }).observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });

  /* On paper the controls are hidden (book.css): each chart says the values it is drawn at. */
  function printCaptions() {
    order.forEach(function (rec) {
      var parts = [].map.call(rec.el.querySelectorAll('.vega-bind'), function (bind) {
        var name = bind.querySelector('.vega-bind-name');
        var input = bind.querySelector('select, input');
        if (!name || !input) { return null; }
        var value = input.tagName === 'SELECT' ? input.options[input.selectedIndex].text : input.value;
        return name.textContent.trim() + ': ' + value;
      }).filter(Boolean);
      if (!parts.length) { return; }
      var caption = document.getElementById(rec.id + '-print');
      if (!caption) {
        caption = document.createElement('p');
        caption.id = rec.id + '-print';
        caption.className = 'sbs-print-caption';
        rec.el.parentNode.insertBefore(caption, rec.el.nextSibling);
      }
      caption.textContent = 'Drawn at ' + parts.join('; ') + '. On the website these are controls you can move.';
    });
  }

  window.addEventListener('beforeprint', function () { printCaptions(); window.sbsCharts.drawAll(); });

  window.sbsCharts = {
    add: add,
    drawAll: function () {
      return Promise.all(order.map(function (rec) {
        if (observer) { observer.unobserve(rec.el); }
        return drawOnce(rec);
      }));
    },
    pending: function () { return order.filter(function (rec) { return !rec.view; }).length; },
    printCaptions: printCaptions,
    narrowSpec: narrowSpec,
    swapColours: swapColours
  };
  (window.sbsChartQueue || []).forEach(function (args) { window.sbsCharts.add.apply(null, args); });
  window.sbsChartQueue = { push: function (args) { window.sbsCharts.add.apply(null, args); } };
})();
